"""Whitespace stage: base behaviour, indentation / tab / blank-line policies, and their CLI options."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cleanse import Cleaner
from cleanse.cli import main
from cleanse.errors import OptionError

DIRTY = (
    "\ufeff\n\n\u3000\u3000第一段,正文。  \r\n\r\n\r\n\r\n"
    "  第二段\u200b有\u00a0空格\t\r\n\t第三段\t内容\n\n\n"
)


def clean(text: str, **options: object) -> str:
    return Cleaner(keep_boilerplate=True, placeholders="off", **options).clean(text).text


def test_base_behaviour() -> None:
    out = clean(DIRTY)
    assert out == "\u3000\u3000第一段，正文。\n\n  第二段有 空格\n\t第三段\t内容\n"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("keep", "\u3000\u3000一\n  二\n\t三\n四\n"),
        ("strip", "一\n二\n三\n四\n"),
        ("normalize", "\u3000\u3000一\n\u3000\u3000二\n\u3000\u3000三\n四\n"),
    ],
)
def test_indent_policies(policy: str, expected: str) -> None:
    text = "\u3000\u3000一\n  二\n\t三\n四\n"
    assert clean(text, indent=policy) == expected
    assert clean(expected, indent=policy) == expected


def test_indent_changes_are_recorded() -> None:
    doc = Cleaner(indent="normalize", keep_boilerplate=True).clean("一\n  二\n")
    assert [(c.rule, c.line, c.before, c.after) for c in doc.changes] == [
        ("whitespace.indent", 2, "  ", "\u3000\u3000")
    ]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("keep", "a\tb  \t c\n"),
        ("space", "a b c\n"),
        ("expand", "a   b    c\n"),
    ],
)
def test_tab_policies(policy: str, expected: str) -> None:
    text = "a\tb  \t c\n"
    assert clean(text, tabs=policy) == expected
    assert clean(expected, tabs=policy) == expected


@pytest.mark.parametrize(("max_blank", "blanks"), [(0, 0), (1, 1), (2, 2)])
def test_max_blank_lines(max_blank: int, blanks: int) -> None:
    out = clean("一\n\n\n\n\n二\n", max_blank_lines=max_blank)
    assert out == "一\n" + "\n" * blanks + "二\n"


@pytest.mark.parametrize("bad", [{"indent": "tidy"}, {"tabs": "4"}, {"max_blank_lines": -1}])
def test_bad_policy_names_the_choices(bad: dict[str, object]) -> None:
    with pytest.raises(OptionError, match=r"choose one of|0 or more"):
        Cleaner(**bad)


def test_cli_layout_options(tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "in.txt"
    src.write_text("一\n\n\n\n  二\tx\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["clean", str(src), "--indent", "normalize", "--tabs", "space", "--max-blank-lines", "2"],
    )
    assert result.exit_code == 0, result.output
    assert result.output == "一\n\n\n\u3000\u3000二 x\n"
    default = runner.invoke(main, ["clean", str(src)])
    assert default.output == "一\n\n  二\tx\n"
    bad = runner.invoke(main, ["clean", str(src), "--indent", "tidy"])
    assert bad.exit_code == 2


def test_cli_run_accepts_layout_options(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("  正文\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["run", str(tmp_path / "in"), str(tmp_path / "out"), "-q", "-j", "1", "--indent", "strip"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "正文\n"
