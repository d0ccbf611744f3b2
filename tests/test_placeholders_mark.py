"""Mark mode (wrap placeholders in a template, undo with unmark) and ``run --skip-flagged``."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse import Cleaner, Document
from cleanse.cli import main
from cleanse.errors import OptionError
from cleanse.rules import load_rules
from cleanse.stages.placeholders import build_placeholders, expand_mark, unmark
from conftest import SAMPLE

DEFAULT = "⟨{text}:{category}⟩"
TEXT = "目前共有离退休干部X人，约占X%。\n审判员：×××\n（X组通〔2020〕X号）\n"


def _points_at_text(doc) -> bool:
    lines = doc.text.split("\n")
    return all(lines[f.line - 1][f.col - 1 : f.col - 1 + len(f.text)] == f.text for f in doc.flags)


@pytest.fixture(scope="module")
def both() -> tuple:
    data = SAMPLE.read_bytes()
    return Cleaner().clean_bytes(data), Cleaner(placeholders="mark").clean_bytes(data)


def test_unmarking_the_marked_sample_gives_the_flag_output(both) -> None:
    flagged, marked = both
    assert marked.text != flagged.text
    assert unmark(marked.text, DEFAULT) == flagged.text


def test_marks_are_changes_and_flags_point_into_marked_text(both) -> None:
    flagged, marked = both
    extra = [c for c in marked.changes if c.rule.startswith("placeholder.")]
    assert len(extra) == len(flagged.flags) == len(marked.flags) == 33
    assert {(c.before, c.after) for c in extra} >= {("X", "⟨X:count⟩"), ("X", "⟨X:person⟩")}
    assert _points_at_text(marked)
    assert [(f.rule, f.category) for f in marked.flags] == [(f.rule, f.category) for f in flagged.flags]


def test_marking_twice_changes_nothing(both) -> None:
    _, marked = both
    again = Cleaner(placeholders="mark").clean(marked.text)
    assert again.text == marked.text
    assert not [c for c in again.changes if c.rule.startswith("placeholder")]
    assert [(f.line, f.col, f.category) for f in again.flags] == [
        (f.line, f.col, f.category) for f in marked.flags
    ]


def test_marking_text_that_is_partly_marked_wraps_only_the_rest() -> None:
    doc = Cleaner(placeholders="mark").clean("已有⟨X:count⟩人，新增X人")
    assert doc.text.rstrip("\n") == "已有⟨X:count⟩人，新增⟨X:count⟩人"
    assert [f.col for f in doc.flags] == [4, 17]
    assert _points_at_text(doc)


@pytest.mark.parametrize("template", ["[[{rule}|{text}]]", "<ph kind={kind}>{text}</ph>", "{text}"])
def test_custom_templates_round_trip(template: str) -> None:
    flagged = Cleaner().clean(TEXT)
    marked = Cleaner(placeholders="mark", mark_template=template).clean(TEXT)
    assert len(marked.flags) == len(flagged.flags) == 5
    assert _points_at_text(marked)
    assert unmark(marked.text, template) == flagged.text
    wraps = [c for c in marked.changes if c.rule.startswith("placeholder.")]
    assert len(wraps) == (0 if template == "{text}" else 5)


def test_template_fields() -> None:
    assert expand_mark("<{kind}|{rule}>{text}", "XX", "count", "placeholder.count") == (
        "<count|placeholder.count>XX",
        25,
    )


@pytest.mark.parametrize("template", ["[{category}]", "{text}{name}", "{text!r}", "{text"])
def test_bad_templates_are_refused_with_advice(template: str) -> None:
    with pytest.raises(OptionError, match="template"):
        Cleaner(placeholders="mark", mark_template=template)


def test_cli_clean_mark(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["clean", str(src), "--placeholders", "mark", "--mark-template", "⟨{text}:{kind}⟩"]
    )
    assert result.exit_code == 0, result.output
    assert "干部⟨X:count⟩人" in result.output
    assert "审判员：⟨×××:person⟩" in result.output


def test_cli_bad_template_is_a_usage_error(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, ["clean", str(src), "--placeholders", "mark", "--mark-template", "[]"])
    assert result.exit_code == 2
    assert "{text}" in result.output


# -- run --skip-flagged --------------------------------------------------------------------------


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "clean.txt").write_text("这是一段没有占位符的正文。\n", encoding="utf-8")
    (src / "sub" / "redacted.txt").write_text(TEXT, encoding="utf-8")
    return src


def test_skip_flagged_routes_documents_with_placeholders(corpus: Path, tmp_path: Path) -> None:
    out, held, report = tmp_path / "out", tmp_path / "held", tmp_path / "r.jsonl"
    args = ["run", str(corpus), str(out), "--skip-flagged", str(held), "--report", str(report), "-j", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (out / "clean.txt").is_file() and not (out / "sub" / "redacted.txt").exists()
    assert (held / "sub" / "redacted.txt").read_text(encoding="utf-8") == Cleaner().clean(TEXT).text
    entries = {e["path"]: e for e in map(json.loads, report.read_text(encoding="utf-8").splitlines())}
    assert entries["sub/redacted.txt"]["routed"] == "skip-flagged"
    assert entries["sub/redacted.txt"]["output"] == str(held / "sub" / "redacted.txt")
    assert len(entries["sub/redacted.txt"]["flags"]) == 5
    assert "routed" not in entries["clean.txt"]
    assert "1 with placeholders written to" in result.output


def test_without_skip_flagged_everything_goes_to_output(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(corpus), str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert (out / "sub" / "redacted.txt").is_file()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--placeholders", "off"], "--placeholders off"),
        (["--skip-flagged", "{out}"], "OUTPUT itself"),
        (["--skip-flagged", "{in}/held"], "inside INPUT"),
    ],
)
def test_skip_flagged_usage_errors(corpus: Path, tmp_path: Path, extra: list[str], message: str) -> None:
    out = tmp_path / "out"
    extra = [e.format(out=out, **{"in": corpus}) for e in extra]
    if "--skip-flagged" not in extra:
        extra += ["--skip-flagged", str(tmp_path / "held")]
    result = CliRunner().invoke(main, ["run", str(corpus), str(out), *extra])
    assert result.exit_code == 2
    assert message in result.output


# -- properties over random text made of placeholder-ish pieces ------------------------------------


PIECES = [
    "X",
    "XX",
    "Ｘ",
    "×××",
    "某某",
    "张某",
    "○○",
    "＊＊",
    "***",
    "人",
    "个",
    "%",
    "年",
    "月",
    "同志",
    "市",
    "〔2020〕",
    "号",
    "第",
    "新",
    "的",
    "光",
    "设",
    "为",
    " ",
    "\n",
    "X11",
    "iPhone",
    "3",
    "，",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


RULES = load_rules().for_stage("placeholders")
FLAG, MARK = build_placeholders(RULES), build_placeholders(RULES, mode="mark")


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_flags_point_at_their_text_and_never_overlap(text: str) -> None:
    doc = FLAG(Document(text))
    assert _points_at_text(doc)
    spans = sorted((f.line, f.col, f.col + len(f.text)) for f in doc.flags)
    assert all(a[0] != b[0] or a[2] <= b[1] for a, b in itertools.pairwise(spans))


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_mark_round_trip_and_idempotence(text: str) -> None:
    flagged, marked = FLAG(Document(text)), MARK(Document(text))
    assert unmark(marked.text, DEFAULT) == flagged.text == text
    assert [(f.rule, f.text) for f in marked.flags] == [(f.rule, f.text) for f in flagged.flags]
    assert _points_at_text(marked)
    again = MARK(Document(marked.text))
    assert again.text == marked.text
    assert [(f.line, f.col) for f in again.flags] == [(f.line, f.col) for f in marked.flags]
