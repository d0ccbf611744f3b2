"""JSONL (plain, .gz, .zst), stdin/stdout and Parquet: records keep every field, text cleaned."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanse import Cleaner
from cleanse.cli import main
from conftest import ROOT, SAMPLE

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8", errors="replace")


def records(n: int = 6) -> list[dict]:
    return [{"id": i, "text": SAMPLE_TEXT[i * 300 : (i + 1) * 300], "tags": ["a", i]} for i in range(n)]


def jsonl(recs: list[dict], extra: dict[int, str] | None = None) -> bytes:
    lines = [json.dumps(r, ensure_ascii=False) for r in recs]
    for at, raw in sorted((extra or {}).items()):
        lines.insert(at, raw)
    return ("\n".join(lines) + "\n").encode("utf-8")


def read_jsonl(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["run", "-q", *args])
    return result.exit_code, result.output


def test_round_trip_keeps_fields_and_cleans_text(tmp_path: Path) -> None:
    recs = records()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(jsonl(recs))
    code, out = run_cli(str(tmp_path / "in"), str(tmp_path / "out"), "--meta-field", "cleanse", "--resume")
    assert code == 0, out
    got = read_jsonl((tmp_path / "out" / "a.jsonl").read_bytes())
    cleaner = Cleaner()
    assert [r["id"] for r in got] == [r["id"] for r in recs]
    for before, after in zip(recs, got, strict=True):
        doc = cleaner.clean(before["text"])
        assert after["text"] == doc.text
        assert after["tags"] == before["tags"]
        assert [r["rule"] for r in after["cleanse"]["removed"]] == [r.rule for r in doc.removed]
        assert len(after["cleanse"]["changes"]) == len(doc.changes)
    # a second pass over the cleaned records changes no text (idempotent)
    code, _ = run_cli(str(tmp_path / "out"), str(tmp_path / "again"))
    assert code == 0
    again = read_jsonl((tmp_path / "again" / "a.jsonl").read_bytes())
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == ["a.jsonl"]
    assert [r["text"] for r in again] == [r["text"] for r in got]


def test_malformed_lines_are_reported_with_line_and_skipped(tmp_path: Path) -> None:
    recs = records(4)
    data = jsonl(recs, {1: '{"id": broken', 3: "[1, 2]"})
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "b.jsonl").write_bytes(data)
    report = tmp_path / "r.jsonl"
    code, _ = run_cli(str(tmp_path / "in"), str(tmp_path / "out"), "--report", str(report))
    assert code == 0
    got = read_jsonl((tmp_path / "out" / "b.jsonl").read_bytes())
    assert [r["id"] for r in got] == [0, 1, 2, 3]
    entries = {e["path"]: e for e in read_jsonl(report.read_bytes())}
    assert entries["b.jsonl:2"]["status"] == "skipped"
    assert "b.jsonl:2" in entries["b.jsonl:2"]["error"] and "not valid JSON" in entries["b.jsonl:2"]["error"]
    assert entries["b.jsonl:4"]["reason"] == "malformed"
    assert sum(e["status"] == "ok" for e in entries.values()) == 4


def test_missing_text_field_copies_record(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "c.jsonl").write_bytes(jsonl([{"id": 1, "body": "正文,内容"}]))
    code, _ = run_cli(str(tmp_path / "in"), str(tmp_path / "out"))
    assert code == 0
    assert read_jsonl((tmp_path / "out" / "c.jsonl").read_bytes()) == [{"id": 1, "body": "正文,内容"}]
    code, _ = run_cli(str(tmp_path / "in"), str(tmp_path / "o2"), "--text-field", "body")
    assert (
        read_jsonl((tmp_path / "o2" / "c.jsonl").read_bytes())[0]["body"] == Cleaner().clean("正文,内容").text
    )


def test_gzip_in_gzip_out(tmp_path: Path) -> None:
    recs = records(3)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "d.jsonl.gz").write_bytes(gzip.compress(jsonl(recs)))
    code, out = run_cli(str(tmp_path / "in"), str(tmp_path / "out"), "--format", "jsonl")
    assert code == 0, out
    got = read_jsonl(gzip.decompress((tmp_path / "out" / "d.jsonl.gz").read_bytes()))
    assert [r["text"] for r in got] == [Cleaner().clean(r["text"]).text for r in recs]


def test_zstd_round_trip(tmp_path: Path) -> None:
    zstandard = pytest.importorskip("zstandard")
    recs = records(2)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "e.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(jsonl(recs)))
    code, out = run_cli(str(tmp_path / "in"), str(tmp_path / "out"))
    assert code == 0, out
    raw = (
        zstandard.ZstdDecompressor()
        .decompressobj()
        .decompress((tmp_path / "out" / "e.jsonl.zst").read_bytes())
    )
    assert [r["id"] for r in read_jsonl(raw)] == [0, 1]


def test_stdin_to_stdout() -> None:
    recs = records(3)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "cleanse", "run", "--format", "jsonl", "-", "-", "--meta-field", "m"],
        input=jsonl(recs, {1: "not json"}),
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    got = read_jsonl(proc.stdout)
    assert [r["id"] for r in got] == [0, 1, 2]
    assert got[0]["text"] == Cleaner().clean(recs[0]["text"]).text
    assert b"-:2" in proc.stderr  # the malformed line, by number


def test_parquet_round_trip(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    recs = records(4)
    (tmp_path / "in").mkdir()
    table = pa.table({"id": [r["id"] for r in recs], "text": [r["text"] for r in recs]})
    pq.write_table(table, tmp_path / "in" / "f.parquet")
    code, out = run_cli(str(tmp_path / "in"), str(tmp_path / "out"), "--meta-field", "cleanse")
    assert code == 0, out
    got = pq.read_table(tmp_path / "out" / "f.parquet")
    assert got.column_names == ["id", "text", "cleanse"]
    assert got.column("id").to_pylist() == [0, 1, 2, 3]
    assert got.column("text").to_pylist() == [Cleaner().clean(r["text"]).text for r in recs]
    assert all(json.loads(m)["removed"] is not None for m in got.column("cleanse").to_pylist())


def test_meta_field_never_overwrites_the_record(tmp_path: Path) -> None:
    """Issue 21: --meta-field replaced an existing field (or the text itself)."""
    from click.testing import CliRunner

    from cleanse.cli import main

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_text(
        '{"text":"正文;内容。","cleanse":"mine"}\n{"text":"另一条;"}\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(src), str(out), "--meta-field", "cleanse", "-j", "1"])
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in (out / "a.jsonl").read_text(encoding="utf-8").splitlines())
    assert first["cleanse"] == "mine" and first["text"] == "正文；内容。\n"
    assert "changes" in second["cleanse"]
    same = CliRunner().invoke(main, ["run", str(src), str(tmp_path / "o2"), "--meta-field", "text"])
    assert same.exit_code == 2 and "is the text field" in same.output


def test_numbers_a_float_cannot_hold_are_written_back_as_they_came(tmp_path: Path) -> None:
    """Issue 21: ``1e400`` came out as ``Infinity``, which is not JSON (and 1e-400 as 0.0)."""
    (tmp_path / "in").mkdir()
    raw = '{"text":"正文,内容.","n":1e400,"m":[-2.5E-500,1.5,{"k":1e999}],"s":"1e400","f":0.0}\n'
    (tmp_path / "in" / "a.jsonl").write_text(raw + '{"text":"b","x":2.5}\n', encoding="utf-8")
    code, out = run_cli(str(tmp_path / "in"), str(tmp_path / "out"))
    assert code == 0, out
    first, second = (tmp_path / "out" / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert first == (
        '{"text": "正文，内容。\\n", "n": 1e400, "m": [-2.5E-500, 1.5, {"k": 1e999}], "s": "1e400", "f": 0.0}'
    )
    assert "Infinity" not in first
    assert json.loads(second) == {"text": "b\n", "x": 2.5}


def test_a_parquet_text_column_of_numbers_is_copied_and_each_row_reported(tmp_path: Path) -> None:
    """Issue 21: an int64 text column lost the whole file (an internal error)."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    (tmp_path / "in").mkdir()
    pq.write_table(pa.table({"text": [1, 2], "id": [7, 8]}), tmp_path / "in" / "n.parquet")
    report = tmp_path / "report.jsonl"
    code, out = run_cli(str(tmp_path / "in"), str(tmp_path / "out"), "--report", str(report))
    assert code == 0, out
    got = pq.read_table(tmp_path / "out" / "n.parquet")
    assert got.to_pylist() == [{"text": 1, "id": 7}, {"text": 2, "id": 8}]
    entries = read_jsonl(report.read_bytes())
    assert [(e["path"], e["status"], e["reason"]) for e in entries] == [
        ("n.parquet:1", "skipped", "no-text"),
        ("n.parquet:2", "skipped", "no-text"),
    ]
    assert "of type int, not a string" in entries[0]["error"]
