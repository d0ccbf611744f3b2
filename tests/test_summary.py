"""The run summary: the table printed at the end of ``cleanse run`` and ``--summary FILE``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanse.cli import main
from cleanse.report import Summary, summarize, summary_table


def entry(path: str, status: str = "ok", **records: list) -> dict:
    base = {"path": path, "status": status, "changed": bool(records), "encoding": "gb18030", "bytes_in": 3}
    return {**base, "removed": [], "changes": [], "flags": [], "error": None, **records}


def test_rules_count_documents_distinct_lines_and_records() -> None:
    change = {"rule": "punct.semicolon", "line": 4, "before": ";", "after": "；"}
    summary = summarize(
        [
            entry("a", changes=[change, change, {**change, "line": 5}]),
            entry("b", changes=[change]),
            entry("c", "skipped", **{"reason": "binary", "error": "c: binary"}),
        ]
    )
    assert summary.rules() == [("punct.semicolon", 2, 3, 4)]
    assert summary.reasons == {"skipped: binary": 1}
    table = summary_table(summary)
    assert "punct.semicolon" in table and "gb18030 2" in table and "skipped: binary 1" in table
    assert "c: binary" in table


def test_table_keeps_the_top_rules() -> None:
    summary = Summary()
    for i in range(15):
        summary.add(entry(f"d{i}", removed=[{"rule": f"r{j:02d}", "line": 1, "text": "x"} for j in range(i)]))
    lines = summary_table(summary, top=3).splitlines()
    assert [line.split()[0] for line in lines[1:4]] == ["r00", "r01", "r02"]
    assert lines[4].startswith("… 11 more rules")


@pytest.fixture
def small_dir(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("会员群：  免费QQ群：\n正文内容，一个完整的句子。 \n", encoding="utf-8")
    (src / "b.txt").write_text("正文;内容，一个完整的句子。\r\n", encoding="utf-8")
    (src / "c.txt").write_bytes(b"\x00\x00binary")
    return src


def test_run_prints_the_table_and_writes_the_same_as_json(small_dir: Path, tmp_path: Path) -> None:
    summary_path, report = tmp_path / "s.json", tmp_path / "r.jsonl"
    args = ["run", str(small_dir), str(tmp_path / "out"), "-j", "1", "--summary", str(summary_path)]
    result = CliRunner().invoke(main, [*args, "--report", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(summary_path.read_text(encoding="utf-8"))
    entries = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert data == {**summarize(entries).as_dict(), "seconds": data["seconds"]}
    assert data["documents"] == 3 and data["skipped"] == 1 and data["rules"]
    for rule in data["rules"][:10]:
        row = next(line for line in result.output.splitlines() if line.startswith(rule["rule"] + " "))
        assert row.split()[1:] == [str(rule["documents"]), str(rule["lines"])]
    assert "skipped: binary 1" in result.output
    assert result.output.rstrip().splitlines()[-1].startswith("2 cleaned")


def test_quiet_run_prints_no_summary(small_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(small_dir), str(tmp_path / "out"), "-q", "-j", "1"])
    assert result.exit_code == 0
    assert "encodings:" not in result.output and "cleaned" not in result.output


def test_each_problem_is_said_once(small_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(small_dir), str(tmp_path / "out"), "-j", "1"])
    said = [line for line in result.output.splitlines() if "c.txt" in line]
    assert len(said) == 1 and said[0].startswith("skipped: "), result.output
    assert "skipped: binary 1" in result.output  # the count stays in the table


def test_quiet_run_says_failures_but_not_skips(small_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "a.txt").mkdir(parents=True)  # a folder where a.txt's output goes: its write fails
    result = CliRunner().invoke(main, ["run", str(small_dir), str(out), "-q", "-j", "1"])
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert not any(line.startswith("skipped:") for line in lines), result.output
    assert any(line.startswith("failed:") and "a.txt" in line for line in lines), result.output


def test_the_summary_counts_ad_lines_removed_and_not_blank_lines(small_dir: Path, tmp_path: Path) -> None:
    (small_dir / "e.txt").write_text("仅供学习 禁止外传\n\n\n\n正文。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(small_dir), str(tmp_path / "out"), "-j", "1"])
    last = result.output.rstrip().splitlines()[-1]
    assert "; 2 ad lines or spans removed;" in last, last  # a.txt's QQ line, e.txt's notice


def test_jsonl_records_add_no_unknown_encoding(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "d.jsonl").write_text('{"text": "正文;内容。"}\n{"text": "另一条。"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(src), str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "?" not in "".join(line for line in result.output.splitlines() if line.startswith("encodings"))


def test_the_time_includes_start_up(small_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from cleanse.commands import run_cmd

    monkeypatch.setattr(run_cmd, "STARTED", time.perf_counter() - 100)  # started 100 s ago
    result = CliRunner().invoke(main, ["run", str(small_dir), str(tmp_path / "out"), "-j", "1"])
    assert " in 10" in result.output.rstrip().splitlines()[-1], result.output


def test_files_left_out_by_the_glob_are_counted_with_how_to_include_them(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "b.TXT", "c.docx", "d.docx", "README"):
        (src / name).write_text("正文。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(src), str(tmp_path / "out"), "-j", "1", "--glob", "*.txt"])
    assert result.exit_code == 0, result.output
    assert "2 unchanged" in result.output  # a.txt and b.TXT: case-insensitive
    left = next(line for line in result.output.splitlines() if "left out by the glob" in line)
    assert left.startswith("3 files left out") and "2 *.docx" in left and "1 without extension" in left
    assert "--glob '*.txt' --glob '*.docx'" in left
    quiet = CliRunner().invoke(main, ["run", str(src), str(tmp_path / "o2"), "-q", "--glob", "*.txt"])
    assert "left out" not in quiet.output


@pytest.mark.parametrize("content", ['{"a": 1}\n', "[1, 2]\n", '{"path": 3, "status": "ok"}\n'])
def test_report_on_a_file_that_is_not_a_report_says_so(tmp_path: Path, content: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(path), "-o", str(tmp_path / "p.html")])
    assert result.exit_code == 2 and f"{path}:1: not a report entry" in result.output


def test_documents_whose_reader_is_missing_say_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without python-docx, .docx files were 'left out by the glob' with a --glob list to add
    them, which only got them skipped; the summary now names the extra to install."""
    from cleanse import readers

    real = readers.missing_extra
    monkeypatch.setattr(
        readers, "missing_extra", lambda fmt: "pip install 'cleanse[docx]'" if fmt == "docx" else real(fmt)
    )
    src = tmp_path / "in"
    src.mkdir()
    for name in ("a.txt", "c.docx", "d.docx", "README"):
        (src / name).write_text("正文。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(src), str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        "2 documents not read (2 *.docx): their reader is an optional extra; pip install 'cleanse[docx]', then run again"
        in lines
    )
    left = next(line for line in lines if "left out by the glob" in line)
    assert left.startswith("1 file left out") and "docx" not in left


@pytest.mark.parametrize(
    ("removed", "words"), [(0, "0 ad lines or spans"), (1, "1 ad line or span"), (2, "2 ad lines or spans")]
)
def test_summary_line_counts_ad_removals_in_good_english(removed: int, words: str) -> None:
    from cleanse.report import Summary

    assert f"; {words} removed;" in Summary(cleaned=1, removed=removed).line()
