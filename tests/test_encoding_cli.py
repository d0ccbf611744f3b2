"""``cleanse run`` and encodings: the report's encoding facts, binary skips, forcing, output codecs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanse.cli import main
from conftest import FIXTURES

TEXTS = FIXTURES / "encoding" / "texts"
EDGE = FIXTURES / "encoding" / "edge"


def _text(name: str) -> str:
    return (TEXTS / f"{name}.txt").read_text(encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder of one document per encoding, plus a binary and a damaged file."""
    src = tmp_path / "in"
    src.mkdir()
    files = {
        "utf8.txt": _text("simplified").encode("utf-8"),
        "sig.txt": _text("official").encode("utf-8-sig"),
        "gbk.txt": _text("simplified").encode("gbk"),
        "big5.txt": _text("traditional").encode("big5"),
        "utf16le.txt": _text("mixed").encode("utf-16-le"),
        "image.txt": (EDGE / "png-header.txt").read_bytes(),
        "damaged.txt": (EDGE / "truncated-utf8.txt").read_bytes(),
    }
    for name, data in files.items():
        (src / name).write_bytes(data)
    return src


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["run", *args, "-q", "-j", "1"])
    return result.exit_code, result.output


def _report(path: Path) -> dict[str, dict]:
    return {e["path"]: e for e in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_report_carries_encoding_facts(corpus: Path, tmp_path: Path) -> None:
    out, rep = tmp_path / "out", tmp_path / "r.jsonl"
    code, output = _run(str(corpus), str(out), "--report", str(rep))
    assert code == 0, output
    entries = _report(rep)
    expected = {
        "utf8.txt": ("utf-8", "utf-8"),
        "sig.txt": ("utf-8-sig", "bom"),
        "gbk.txt": ("gb18030", "gb-big5"),
        "big5.txt": ("cp950", "gb-big5"),
        "utf16le.txt": ("utf-16-le", "utf-16-nul"),
        "damaged.txt": ("utf-8", "utf-8-tolerant"),
    }
    for name, (encoding, step) in expected.items():
        entry = entries[name]
        assert (entry["status"], entry["encoding"], entry["decided_by"]) == ("ok", encoding, step), name
        assert 0.0 < entry["confidence"] <= 1.0
        assert entry["replacements"] == (1 if name == "damaged.txt" else 0)
    flags = [f for f in entries["damaged.txt"]["flags"] if f["kind"] == "encoding"]
    assert [f["rule"] for f in flags] == ["encoding.replacement"]
    assert (out / "gbk.txt").read_text(encoding="utf-8").startswith("清晨六点")


def test_binary_is_skipped_and_nothing_is_written(corpus: Path, tmp_path: Path) -> None:
    out, rep = tmp_path / "out", tmp_path / "r.jsonl"
    code, _ = _run(str(corpus), str(out), "--report", str(rep))
    entry = _report(rep)["image.txt"]
    assert (entry["status"], entry["reason"]) == ("skipped", "binary")
    assert not (out / "image.txt").exists()
    assert code == 0  # a skipped file is not a failure: the run goes on
    assert (out / "utf8.txt").exists()


@pytest.mark.parametrize("name", ["no-such-codec", "base64"])
def test_unknown_forced_encoding_is_a_usage_error(corpus: Path, tmp_path: Path, name: str) -> None:
    code, output = _run(str(corpus), str(tmp_path / "out"), "--encoding", name)
    assert code == 2
    assert name in output and "gb18030" in output  # names the bad value and suggests good ones
    assert not (tmp_path / "out").exists()


def test_forced_encoding_applies_to_every_file(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(_text("traditional").encode("big5hkscs"))
    rep = tmp_path / "r.jsonl"
    code, output = _run(str(src), str(tmp_path / "out"), "--report", str(rep), "--encoding", "big5hkscs")
    assert code == 0, output
    entry = _report(rep)["a.txt"]
    assert (entry["encoding"], entry["decided_by"], entry["confidence"]) == ("big5hkscs", "forced", 1.0)


@pytest.mark.parametrize(("codec", "prefix"), [("gb18030", b""), ("utf-8-sig", b"\xef\xbb\xbf")])
def test_output_encoding(corpus: Path, tmp_path: Path, codec: str, prefix: bytes) -> None:
    plain, other = tmp_path / "plain", tmp_path / codec
    assert _run(str(corpus), str(plain))[0] == 0
    code, output = _run(str(corpus), str(other), "--output-encoding", codec)
    assert code == 0, output
    for name in ("gbk.txt", "big5.txt", "utf16le.txt"):
        data = (other / name).read_bytes()
        assert data.startswith(prefix)
        assert data.decode(codec) == (plain / name).read_text(encoding="utf-8")
        assert data != (plain / name).read_bytes()


def test_output_encoding_rejects_others(corpus: Path, tmp_path: Path) -> None:
    code, output = _run(str(corpus), str(tmp_path / "out"), "--output-encoding", "big5")
    assert code == 2 and "utf-8" in output


def test_mojibake_repair_is_reported(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    broken = "资料来源于网络".encode("gbk").decode("latin-1")
    (src / "m.txt").write_text(f"第一行。\n{broken}\n", encoding="utf-8")
    rep, out = tmp_path / "r.jsonl", tmp_path / "out"
    # --keep-boilerplate: the repaired line is a source credit, which the scorer would remove
    code, output = _run(str(src), str(out), "--report", str(rep), "--keep-boilerplate")
    assert code == 0, output
    changes = _report(rep)["m.txt"]["changes"]
    fixed = "资料来源于网络"
    core = [{k: c[k] for k in ("rule", "line", "before", "after")} for c in changes]
    assert {"rule": "encoding.mojibake-gbk-as-latin1", "line": 2, "before": broken, "after": fixed} in core
    assert (out / "m.txt").read_text(encoding="utf-8").splitlines()[1] == "资料来源于网络"
