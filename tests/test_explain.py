"""``cleanse explain``: every record of ``cleanse clean --json`` is shown in place, in plain text.

Other rules change in parallel, so these tests compare explain's output with the records the
same cleaner produces (``cleanse clean --json``) instead of hard-coding counts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cleanse.cli import main
from cleanse.explain import char_diff, quote
from conftest import SAMPLE

ROW = re.compile(r"^\s*(\d+) ([ ~!\-]) (.*?)\s*│ (.*)$")
NOTE = re.compile(r"^\s*┆ ↳ (.*)$")


@dataclass
class Row:
    number: int
    mark: str
    rule: str
    text: str
    notes: list[str] = field(default_factory=list)


def explain(*args: str) -> str:
    result = CliRunner().invoke(main, ["explain", *args, "--color", "never"])
    assert result.exit_code == 0, result.output
    return result.output


def records(*args: str) -> dict:
    result = CliRunner().invoke(main, ["clean", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def parse(output: str) -> list[Row]:
    rows: list[Row] = []
    for line in output.splitlines():
        if m := ROW.match(line):
            rows.append(Row(int(m[1]), m[2], m[3], m[4]))
        elif (m := NOTE.match(line)) and rows:
            rows[-1].notes.append(m[1])
    return rows


def rows_at(rows: list[Row], number: int) -> Row:
    found = [r for r in rows if r.number == number]
    assert len(found) == 1, f"line {number}: {found}"
    return found[0]


@pytest.fixture(scope="module")
def sample() -> tuple[list[Row], dict, str]:
    out = explain(str(SAMPLE))
    return parse(out), records(str(SAMPLE)), out


def test_plain_output_has_no_escape_codes(sample: tuple[list[Row], dict, str]) -> None:
    assert "\x1b[" not in sample[2]


def test_every_input_line_is_a_row(sample: tuple[list[Row], dict, str]) -> None:
    rows, _, _ = sample
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert [r.number for r in rows] == list(range(1, len(lines) + 1))


def test_every_removal_is_shown_with_its_rule(sample: tuple[list[Row], dict, str]) -> None:
    rows, doc, _ = sample
    assert doc["removed"], "the sample has removals"
    for removal in doc["removed"]:
        row = rows_at(rows, removal["line"])
        whole = row.mark == "-" and row.rule == removal["rule"] and removal["text"].strip() in row.text
        note = f"{removal['rule']} removed {quote(removal['text'])}"
        assert whole or note in row.notes, (removal, row)


def test_removed_rows_are_exactly_the_dropped_lines(sample: tuple[list[Row], dict, str]) -> None:
    rows, doc, _ = sample
    removed_lines = {r["line"] for r in doc["removed"]}
    dropped = [r.number for r in rows if r.mark == "-"]
    assert set(dropped) <= removed_lines
    kept = len(rows) - len(dropped)
    assert kept == len(doc["text"].splitlines())


def _times(note: str) -> int:
    m = re.search(r" ×(\d+)$", note)
    return int(m[1]) if m else 1


def test_every_change_is_a_note_on_its_line(sample: tuple[list[Row], dict, str]) -> None:
    rows, doc, _ = sample
    assert doc["changes"]
    expected: dict[tuple[int, str], int] = {}
    for c in doc["changes"]:
        key = (c["line"], f"{c['rule']}: {quote(c['before'])} → {quote(c['after'])}")
        expected[key] = expected.get(key, 0) + 1
    for (line, text), count in expected.items():
        notes = [n for n in rows_at(rows, line).notes if re.sub(r" ×\d+$", "", n) == text]
        assert sum(_times(n) for n in notes) == count, (line, text)


def test_semicolons_shown_before_and_after_in_place(sample: tuple[list[Row], dict, str]) -> None:
    rows, doc, _ = sample
    semis = [c for c in doc["changes"] if (c["before"], c["after"]) == (";", "；")]
    assert semis, "the sample's half-width semicolons are normalized"
    for line in {c["line"] for c in semis}:
        row = rows_at(rows, line)
        assert row.mark == "~"
        assert row.text.count("⟦;→；⟧") == sum(c["line"] == line for c in semis)


def test_every_flag_is_marked_and_noted(sample: tuple[list[Row], dict, str]) -> None:
    rows, doc, _ = sample
    assert doc["flags"]
    notes = [n for r in rows for n in r.notes]
    for f in doc["flags"]:
        category = f" [{f['category']}]" if f.get("category") else ""
        note = f"{f['kind']} {f['rule']}{category} at {f['line']}:{f['col']} {quote(f['text'])}"
        assert notes.count(note) == 1, note
    markers = sum(r.text.count("⟨") for r in rows if r.mark in "!~")
    assert markers == len(doc["flags"])


def test_stage_punctuation_shows_only_its_changes() -> None:
    rows = parse(explain(str(SAMPLE), "--stage", "punctuation"))
    assert not [r for r in rows if r.mark == "-"]
    notes = [n for r in rows for n in r.notes]
    assert any(f"{quote(';')} → {quote('；')}" in n for n in notes)
    assert all(not n.startswith("placeholder ") and " removed " not in n for n in notes)


def test_stage_placeholders_shows_every_flag_and_nothing_else() -> None:
    doc = records(str(SAMPLE))
    rows = parse(explain(str(SAMPLE), "--stage", "placeholders"))
    notes = [n for r in rows for n in r.notes]
    assert len(notes) == len(doc["flags"])
    assert {r.mark for r in rows} <= {" ", "!"}


def test_color_always_strikes_and_colours(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["explain", str(SAMPLE), "--color", "always", "-C", "0"])
    assert result.exit_code == 0
    assert "\x1b[9;31m" in result.output and "\x1b[4;33m" in result.output


def test_crlf_and_custom_rule(tmp_path: Path) -> None:
    rules = tmp_path / "r.toml"
    rules.write_text(
        '[[rule]]\nid = "t.promo"\nstage = "boilerplate"\nwhy = "test"\npattern = "火星俱乐部"\n'
        'zone = "anywhere"\naction = "drop-line"\nexamples.match = ["火星俱乐部"]\nexamples.keep = ["关注"]\n',
        encoding="utf-8",
    )
    doc = tmp_path / "d.txt"
    doc.write_bytes("第一行内容。\r\n欢迎加入火星俱乐部\r\n最后一行，谢谢。\r\n".encode())
    rows = parse(explain(str(doc), "--rules", str(rules)))
    assert [r.number for r in rows] == [1, 2, 3]
    assert rows[1].mark == "-" and rows[1].rule == "t.promo" and rows[1].text == "欢迎加入火星俱乐部"
    assert any(n.startswith("whitespace.line-endings") for r in rows for n in r.notes)


def test_context_hides_unchanged_lines() -> None:
    rows = parse(explain(str(SAMPLE), "-C", "0"))
    assert rows and all(r.mark != " " or r.notes for r in rows)


def test_stage_that_does_not_run_is_a_usage_error() -> None:
    args = ["explain", str(SAMPLE), "--keep-boilerplate", "--stage", "boilerplate"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "--keep-boilerplate" in result.output


@given(st.text(alphabet="ab;；X \t", max_size=30), st.text(alphabet="ab;；X \t", max_size=30))
def test_char_diff_rebuilds_both_sides(before: str, after: str) -> None:
    segments = char_diff(before, after)
    assert "".join(t for s, t in segments if s != "ins") == before
    assert "".join(t for s, t in segments if s != "del") == after


def _removed_rows(output: str) -> dict[int, str]:
    return {r.number: r.rule for r in parse(output) if r.mark == "-"}


def test_explain_reads_a_pdf_as_the_run_does_and_shows_its_furniture_removed(tmp_path: Path) -> None:
    """explain decoded a PDF's bytes as text (or refused it); it now shows the lines the
    reader extracts, with the running headers and page numbers removed under their rule ids,
    and exactly the removals ``cleanse clean --json`` reports for the same file."""
    pytest.importorskip("pypdf")
    import random

    from documents_gen import pdf_bytes, pdf_paragraphs

    path = tmp_path / "paper.pdf"
    path.write_bytes(pdf_bytes(pdf_paragraphs(random.Random(3), 24), per_page=12))
    out = explain(str(path))
    assert out.splitlines()[0] == f"{path}: read as pdf"
    removed = _removed_rows(out)
    assert "pdf.running-header" in removed.values() and "pdf.page-number" in removed.values()
    doc = records(str(path))
    assert removed == {r["line"]: r["rule"] for r in doc["removed"]}
    kept = [r.text for r in parse(out) if r.mark != "-"]
    assert "\n".join(kept) + "\n" == doc["text"]
    rows = parse(out)  # each removed or changed line says where it was, as the report does
    places = {r["line"]: r["where"] for r in doc["removed"]}
    assert all(f"at {places[r.number]}" in r.notes for r in rows if r.mark == "-")
    assert not any(n.startswith("at ") for r in rows if r.mark == " " for n in r.notes)


def test_explain_reads_a_docx_and_names_an_unreadable_document(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    from documents_gen import FOOTER, HEADER, docx_bytes, paragraphs

    path = tmp_path / "speech.docx"
    path.write_bytes(docx_bytes(paragraphs()[:3]))
    rows = parse(explain(str(path)))
    assert [r.text for r in rows if r.mark == "-"] == [HEADER, FOOTER]
    legacy = tmp_path / "old.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    result = CliRunner().invoke(main, ["explain", str(legacy)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert str(legacy) in result.output and "soffice --headless --convert-to docx" in result.output
