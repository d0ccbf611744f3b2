"""The command line: every command and exit code, driven through click's CliRunner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cleanse import __version__
from cleanse.cli import main
from conftest import SAMPLE

REPORT_KEYS = {"path", "status", "encoding", "removed", "changes", "flags", "error"}


def invoke(*args: str, input: bytes | str | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A small input tree: the sample, a GBK copy in a subfolder, a clean file, an empty file."""
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    shutil.copy(SAMPLE, src / "speech.txt")
    (src / "sub" / "gbk.txt").write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gbk"))
    (src / "clean.md").write_text("标题\n\n正文第一段。\n", encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "ignored.csv").write_text("a,b\n", encoding="utf-8")
    return src


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_python_dash_m() -> None:
    out = subprocess.run([sys.executable, "-m", "cleanse", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and __version__ in out.stdout


def test_run_writes_every_file_and_report(corpus: Path, tmp_path: Path) -> None:
    before = snapshot(corpus)
    out, report = tmp_path / "out", tmp_path / "report.jsonl"
    result = invoke("run", corpus, out, "--report", report, "-j", "1")
    assert result.exit_code == 0, result.output
    assert snapshot(corpus) == before, "inputs must never change"
    written = snapshot(out)
    assert set(written) == {"speech.txt", "sub/gbk.txt", "clean.md", "empty.txt"}
    assert written["clean.md"] == "标题\n\n正文第一段。\n".encode()
    assert written["empty.txt"] == b""
    assert written["speech.txt"] == written["sub/gbk.txt"], "same text in two encodings cleans the same"
    entries = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [e["path"] for e in entries] == sorted(written)
    for entry in entries:
        assert set(entry) >= REPORT_KEYS and entry["status"] == "ok" and entry["error"] is None
    by_path = {e["path"]: e for e in entries}
    assert by_path["speech.txt"]["encoding"] == "utf-8"
    assert by_path["sub/gbk.txt"]["encoding"] in {"gb18030", "gbk"}
    assert by_path["clean.md"]["changed"] is False
    assert "empty file" in by_path["empty.txt"]["warnings"]
    assert "cleaned" in result.output and "unchanged" in result.output


def test_second_run_changes_nothing(corpus: Path, tmp_path: Path) -> None:
    invoke("run", corpus, tmp_path / "once", "-j", "1")
    result = invoke(
        "run", tmp_path / "once", tmp_path / "twice", "-j", "1", "--report", tmp_path / "r2.jsonl"
    )
    assert result.exit_code == 0
    assert snapshot(tmp_path / "once") == snapshot(tmp_path / "twice")
    for line in (tmp_path / "r2.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        assert entry["removed"] == [] and entry["changes"] == [], entry["path"]


def test_jobs_one_and_two_are_identical(corpus: Path, tmp_path: Path) -> None:
    for n in ("1", "2"):
        assert (
            invoke("run", corpus, tmp_path / f"o{n}", "-j", n, "--report", tmp_path / f"r{n}.jsonl").exit_code
            == 0
        )
    assert snapshot(tmp_path / "o1") == snapshot(tmp_path / "o2")
    assert (tmp_path / "r1.jsonl").read_bytes() == (tmp_path / "r2.jsonl").read_bytes()


def test_dry_run_writes_only_the_report(corpus: Path, tmp_path: Path) -> None:
    result = invoke("run", corpus, tmp_path / "out", "--dry-run", "--report", tmp_path / "r.jsonl")
    assert result.exit_code == 0
    assert not (tmp_path / "out").exists()
    assert len((tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()) == 4


def test_glob_selects_files(corpus: Path, tmp_path: Path) -> None:
    assert invoke("run", corpus, tmp_path / "out", "--glob", "*.csv").exit_code == 0
    assert set(snapshot(tmp_path / "out")) == {"ignored.csv"}


@pytest.mark.parametrize("where", ["same", "inside", "around"])
def test_output_must_not_overlap_input(corpus: Path, where: str) -> None:
    out = {"same": corpus, "inside": corpus / "out", "around": corpus.parent}[where]
    result = invoke("run", corpus, out)
    assert result.exit_code == 2
    assert "INPUT" in result.output and "OUTPUT" in result.output


def test_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("run", tmp_path / "nope", tmp_path / "out")
    assert result.exit_code == 2 and "no such file or folder" in result.output


def test_folder_named_like_a_file_fails_alone(corpus: Path, tmp_path: Path) -> None:
    (corpus / "weird.txt").mkdir()
    (corpus / "weird.txt" / "inner.txt").write_text("内文。\n", encoding="utf-8")
    result = invoke("run", corpus, tmp_path / "out", "--report", tmp_path / "r.jsonl")
    assert result.exit_code == 0  # a folder called weird.txt is walked, not read as a file
    assert (tmp_path / "out" / "weird.txt" / "inner.txt").read_text(encoding="utf-8") == "内文。\n"


def test_unreadable_file_is_reported_and_the_run_goes_on(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.open

    def flaky(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("clean.md") and not flags & os.O_WRONLY:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", flaky)  # root reads any file: fake the refusal
    result = invoke("run", corpus, tmp_path / "out", "-j", "1", "--report", tmp_path / "r.jsonl")
    assert result.exit_code == 1
    assert "clean.md: permission denied" in result.output and "Traceback" not in result.output
    entries = {e["path"]: e for e in map(json.loads, (tmp_path / "r.jsonl").read_text("utf-8").splitlines())}
    assert entries["clean.md"]["status"] == "failed" and "permission denied" in entries["clean.md"]["error"]
    assert entries["speech.txt"]["status"] == "ok"
    assert not (tmp_path / "out" / "clean.md").exists()


def test_vanished_file_is_reported(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.open

    def vanish(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("clean.md") and not flags & os.O_WRONLY:
            raise FileNotFoundError(2, "No such file", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", vanish)
    result = invoke("run", corpus, tmp_path / "out", "-j", "1")
    assert result.exit_code == 1 and "vanished before it could be read" in result.output


def test_binary_file_is_skipped(corpus: Path, tmp_path: Path) -> None:
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = invoke("run", corpus, tmp_path / "out", "--report", tmp_path / "r.jsonl")
    assert result.exit_code == 0 and "1 skipped" in result.output
    assert not (tmp_path / "out" / "image.txt").exists()
    entry = next(
        e
        for e in map(json.loads, (tmp_path / "r.jsonl").read_text("utf-8").splitlines())
        if e["path"] == "image.txt"
    )
    assert (entry["status"], entry["reason"]) == ("skipped", "binary")


def test_bad_rules_file_is_a_usage_error(corpus: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "x"\npatern = "a"\n', encoding="utf-8")
    result = invoke("run", corpus, tmp_path / "out", "--rules", bad)
    assert result.exit_code == 2
    assert "bad.toml:3: rule 'x': unknown key 'patern'; did you mean 'pattern'?" in result.output


def test_unknown_encoding_is_a_usage_error(corpus: Path, tmp_path: Path) -> None:
    result = invoke("run", corpus, tmp_path / "out", "--encoding", "klingon")
    assert result.exit_code == 2 and "unknown encoding 'klingon'" in result.output


def test_clean_file_to_stdout_and_json() -> None:
    text = invoke("clean", SAMPLE)
    assert text.exit_code == 0 and "谢谢大家。" in text.output
    as_json = json.loads(invoke("clean", SAMPLE, "--json").output)
    assert as_json["text"] == text.output
    assert {"removed", "changes", "flags", "encoding"} <= set(as_json)


def test_clean_reads_stdin() -> None:
    result = invoke("clean", "-", input="正文;第二句\r\n".encode())
    assert result.exit_code == 0 and result.output == "正文；第二句\n"


def test_rules_commands(tmp_path: Path) -> None:
    listed = invoke("rules", "list")
    assert listed.exit_code == 0 and "whitespace.trailing" in listed.output
    shown = invoke("rules", "show", "whitespace.trailing")
    assert shown.exit_code == 0 and "why:" in shown.output and "matches:" in shown.output
    assert invoke("rules", "show", "no.such.rule").exit_code == 2
    assert invoke("rules", "check").exit_code == 0
    tested = invoke("rules", "test")
    assert tested.exit_code == 0 and " 0 failed" in tested.output


def test_rules_test_fails_on_a_broken_example(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[[rule]]\nid = "b.one"\nstage = "boilerplate"\nwhy = "w"\npattern = "^广告$"\n'
        'examples.match = ["不是广告"]\nexamples.keep = ["正文"]\n',
        encoding="utf-8",
    )
    result = invoke("rules", "test", broken)
    assert result.exit_code == 1
    assert "broken.toml:2: rule 'b.one': should match but does not: '不是广告'" in result.output
    check = invoke("rules", "check", broken)
    assert check.exit_code == 0  # valid, only its example is wrong


def test_rules_check_fails_on_invalid_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]]\nid = 'x'\nstage = 'nope'\n", encoding="utf-8")
    result = invoke("rules", "check", bad)
    assert result.exit_code == 2 and "missing required key 'why'" in result.output


def test_output_that_is_a_file_is_a_usage_error_before_anything_runs(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("正文内容。\n", encoding="utf-8")
    target = tmp_path / "afile"
    target.write_text("keep me", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "in"), str(target)])
    assert result.exit_code == 2
    assert "is a file" in result.output and "Traceback" not in result.output
    assert target.read_text(encoding="utf-8") == "keep me"


def test_ctrl_c_before_the_run_loop_exits_130_and_says_how_to_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cleanse.commands.run_cmd as run_cmd

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run_cmd, "cleaner_from", interrupted)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("正文内容。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "in"), str(tmp_path / "out")])
    assert result.exit_code == 130
    assert "--resume" in result.output and "Aborted" not in result.output


def test_one_file_into_a_file_name_writes_that_file(tmp_path: Path) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text('{"text": "加入免费QQ群：123456\\n正文;内容。"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(data), str(tmp_path / "clean.jsonl")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "clean.jsonl").is_file(), "a file, not a folder clean.jsonl/"
    assert json.loads((tmp_path / "clean.jsonl").read_text(encoding="utf-8")) == {"text": "正文；内容。\n"}
    text = tmp_path / "a.txt"
    text.write_text("正文;内容。\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["run", str(text), str(tmp_path / "b.txt")]).exit_code == 0
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "正文；内容。\n"
    # no suffix, or an existing folder: a folder that gets the file under its own name
    assert CliRunner().invoke(main, ["run", str(text), str(tmp_path / "outdir")]).exit_code == 0
    assert (tmp_path / "outdir" / "a.txt").is_file()
    resumed = CliRunner().invoke(main, ["run", str(text), str(tmp_path / "c.txt"), "--resume"])
    assert resumed.exit_code == 2 and "--resume" in resumed.output and not (tmp_path / "c.txt").exists()


def test_clean_names_a_file_it_cannot_read_and_a_missing_one(tmp_path: Path) -> None:
    """`cleanse clean /bin/ls` said "binary data …" without the file; a missing file was said
    to have "vanished before it could be read"."""
    binary = tmp_path / "image.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    result = CliRunner().invoke(main, ["clean", str(binary)])
    assert result.exit_code == 2 and f"{binary}: binary data" in result.output
    missing = tmp_path / "nope.txt"
    for command in ("clean", "explain"):
        result = CliRunner().invoke(main, [command, str(missing)])
        assert result.exit_code == 2 and "does not exist" in result.output and "vanished" not in result.output
