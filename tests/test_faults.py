"""Faults: disk full and permission errors on write, files that vanish, Ctrl-C, and kill -9.

The promises: a failed write names the file, the run exits 1, no partial file is left, and the
other files are unaffected; Ctrl-C stops promptly and says how far the run got; after a
``kill -9`` at any moment, every file under OUTPUT is complete and equal to the uninterrupted
output (temporary ``.cleanse-tmp-*`` files may remain and the next run removes them).

``CLEANSE_KILLS`` overrides how many kills the kill -9 test makes (3 by default; 30 in its ``slow`` case).
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanse import io as cleanse_io
from cleanse.cli import main
from cleanse.io import TMP_PREFIX

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "sample" / "speech-with-ads.txt"


def make_inputs(src: Path, count: int) -> None:
    """``count`` dirty documents in two folders (each a little different)."""
    data = SAMPLE.read_bytes()
    for i in range(count):
        path = src / f"d{i % 2}" / f"{i:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data + f"\n第{i}页\n".encode())


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes), temporary files included."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _fail_on(target: str, exc: OSError, real: object) -> object:
    """A stand-in for os.replace/fsync that fails for one output file only."""

    def fake(*args: object) -> object:
        if any(target in str(a) for a in args if isinstance(a, str | Path)):
            raise exc
        return real(*args)  # type: ignore[operator]

    return fake


@pytest.mark.parametrize(
    ("where", "error", "words"),
    [
        ("replace", OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
        ("replace", PermissionError(errno.EACCES, "Permission denied"), "Permission denied"),
        ("mkstemp", OSError(errno.EROFS, "Read-only file system"), "Read-only file system"),
    ],
    ids=["disk-full", "permission", "read-only"],
)
def test_write_failure_names_file_leaves_nothing_and_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, error: OSError, words: str
) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    make_inputs(src, 6)
    victim = "d1/00003.txt"
    if where == "replace":
        monkeypatch.setattr(cleanse_io.os, "replace", _fail_on("00003.txt", error, os.replace))
    else:
        real = cleanse_io._open_new

        def open_new(path: str) -> tuple[int, str]:
            if os.path.basename(os.path.dirname(path)) == "d1":
                raise error
            return real(path)

        monkeypatch.setattr(cleanse_io, "_open_new", open_new)
    result = CliRunner().invoke(main, ["run", str(src), str(out), "-j", "1"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert str(out / victim) in result.output and words in result.output
    files = snapshot(out)
    assert victim not in files, "no partial output file"
    assert not [f for f in files if TMP_PREFIX in f], "no temporary file left behind"
    expected_ok = 3 if where == "replace" else 0  # read-only: every file of d1 fails
    assert sum(f.startswith("d0/") for f in files) == 3
    assert sum(f.startswith("d1/") for f in files) == (2 if expected_ok else 0)


def test_report_that_cannot_be_written_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    make_inputs(src, 2)
    (tmp_path / "blocker").write_text("a file where a folder should be")
    report = tmp_path / "blocker" / "report.jsonl"
    result = CliRunner().invoke(main, ["run", str(src), str(out), "--report", str(report), "-j", "1"])
    assert result.exit_code == 1
    assert f"cannot write the report {report}" in result.output and "Traceback" not in result.output
    assert f"the outputs of the 2 documents cleaned are complete under {out}" in result.output
    assert len(snapshot(out)) == 2


def test_an_unwritable_report_of_a_dry_run_claims_no_outputs(tmp_path: Path) -> None:
    """Issue 21: the message said "the outputs are written" when none were."""
    src, out = tmp_path / "in", tmp_path / "out"
    make_inputs(src, 2)
    (tmp_path / "blocker").write_text("a file where a folder should be")
    report = tmp_path / "blocker" / "report.jsonl"
    args = ["run", str(src), str(out), "--report", str(report), "--dry-run", "-j", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "this was a dry run: nothing else was written" in result.output
    assert "outputs" not in result.output.split("cannot write the report")[1].splitlines()[0]
    assert not out.exists()


def test_resume_into_an_unwritable_output_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: --resume into an OUTPUT it cannot write ended in a traceback."""
    from cleanse import resume

    src, out = tmp_path / "in", tmp_path / "out"
    make_inputs(src, 2)

    def refuse(*args: object, **kwargs: object) -> None:  # root ignores permission bits
        raise PermissionError(13, "Permission denied", str(out))

    monkeypatch.setattr(resume.Manifest, "open", classmethod(lambda cls, *a, **k: refuse()))
    result = CliRunner().invoke(main, ["run", str(src), str(out), "--resume", "-j", "1"])
    assert result.exit_code == 2, result.output
    assert f"{out}: cannot keep the --resume manifest there (Permission denied)" in result.output
    assert "make OUTPUT writable, or run without --resume" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


def test_resume_removes_outputs_whose_input_is_gone_or_no_longer_cleaned(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 21: stale outputs stayed when an input was deleted or turned binary under --resume."""
    src, out = tmp_path / "in", tmp_path / "out"
    make_inputs(src, 4)

    def outputs() -> list[str]:
        return sorted(n for n in snapshot(out) if not n.rsplit("/", 1)[-1].startswith(".cleanse"))

    first = CliRunner().invoke(main, ["run", str(src), str(out), "--resume", "-j", "1"])
    assert first.exit_code == 0, first.output
    names = outputs()
    assert len(names) == 4
    (src / names[0]).unlink()
    (src / names[1]).write_bytes(b"\x00\x01binary\x00")
    (tmp_path / "kept.txt").write_text("not an input")
    second = CliRunner().invoke(main, ["run", str(src), str(out), "--resume", "-j", "1"])
    assert second.exit_code == 0, second.output
    assert outputs() == names[2:], "both stale outputs are gone, the others stay"
    assert f"{names[0]} is no longer under INPUT" in caplog.text
    assert f"{names[1]} is no longer cleaned" in caplog.text
    # an input left out by a narrower --glob is not stale: its output stays
    third = CliRunner().invoke(main, ["run", str(src), str(out), "--resume", "--glob", "nothing*", "-j", "1"])
    assert outputs() == names[2:], third.output


def test_a_file_that_vanishes_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    from cleanse import Cleaner
    from cleanse.discovery import discover
    from cleanse.job import Job
    from cleanse.runner import run

    src, out = tmp_path / "in", tmp_path / "out"
    make_inputs(src, 4)
    paths = discover(src)
    (src / paths[1]).unlink()
    entries, summary = run(Cleaner(), Job(src, out), paths, jobs=1)
    assert summary.failed == 1 and entries[1]["status"] == "failed"
    assert "vanished" in entries[1]["error"] and paths[1] in entries[1]["error"]
    assert sorted(snapshot(out)) == sorted(p for p in paths if p != paths[1])


def cleanse_cmd(src: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "cleanse", "run", str(src), str(out), "-q", *extra]


ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def test_ctrl_c_stops_promptly_and_says_how_far_it_got(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    make_inputs(src, 1200)
    report = tmp_path / "report.jsonl"
    proc = subprocess.Popen(
        cleanse_cmd(src, out, "-j", "2", "--report", str(report)),
        env=ENV,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    _wait_for_outputs(out, 200, proc)  # results reach the parent a chunk (<= 64 files) at a time
    time.sleep(0.3)  # and the parent takes a moment to count them
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the whole process group
    sent = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - sent < 5, "Ctrl-C must stop the run promptly"
    assert proc.returncode == 130, err
    assert "interrupted:" in err and "of 1200 files done" in err
    assert "Traceback" not in err
    done = int(err.split("interrupted: ")[1].split(" of")[0])
    assert 0 < done < 1200
    assert len(report.read_text(encoding="utf-8").splitlines()) == done
    assert not [f for f in snapshot(out) if TMP_PREFIX in f]


def _wait_for_outputs(out: Path, count: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if out.is_dir() and sum(1 for _ in out.rglob("*.txt")) >= count:
            return
        time.sleep(0.02)
    raise AssertionError("the run never started writing (or ended too soon)")


def _wait_group_gone(pgid: int, limit: float = 30.0) -> None:
    """Orphaned pool workers (same process group) exit once they find the parent's pipe broken.

    Waiting on the group, not on a list of children, also covers workers forked just as the
    parent was killed; after ``limit`` seconds any left are killed, so the next run starts clean.
    """
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


@pytest.mark.parametrize("kills", [3, pytest.param(30, marks=pytest.mark.slow)])
def test_kill_9_never_leaves_a_partial_or_wrong_file(tmp_path: Path, kills: int) -> None:
    src, ref_out, out = tmp_path / "in", tmp_path / "ref", tmp_path / "out"
    make_inputs(src, 400)
    subprocess.run(cleanse_cmd(src, ref_out, "-j", "2"), env=ENV, check=True, timeout=300)
    reference = snapshot(ref_out)
    assert len(reference) == 400
    rng = random.Random(int(os.environ.get("CLEANSE_KILL_SEED", "10")))
    kills = int(os.environ.get("CLEANSE_KILLS", kills))
    for n in range(kills):
        proc = subprocess.Popen(
            cleanse_cmd(src, out, "-j", "2"), env=ENV, start_new_session=True, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.3, 1.5))  # startup is ~0.4 s: kills land in every phase
        if n % 2:  # the whole process group, as a job killer does
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # only the parent, as the OOM killer may: orphaned workers must not do harm
            proc.kill()
        proc.wait(timeout=30)
        _wait_group_gone(proc.pid)
        for rel, data in snapshot(out).items():
            if Path(rel).name.startswith(TMP_PREFIX):
                continue
            assert data == reference[rel], f"{rel} is partial or differs from the uninterrupted run"
    subprocess.run(cleanse_cmd(src, out, "-j", "2"), env=ENV, check=True, timeout=300)
    assert snapshot(out) == reference, "a finished re-run equals the uninterrupted run, no temp files"


def test_a_full_tmpdir_keeps_the_report_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21: a full TMPDIR (where report entries are spooled) aborted the run with a
    traceback and no report. The spool cuts the line it could not finish and goes on in memory."""
    import errno
    import tempfile

    from click.testing import CliRunner

    from cleanse.cli import main

    src = tmp_path / "in"
    make_inputs(src, 30)
    reference = tmp_path / "ref.jsonl"
    assert (
        CliRunner()
        .invoke(main, ["run", str(src), str(tmp_path / "o1"), "-j", "1", "--report", str(reference)])
        .exit_code
        == 0
    )
    real = tempfile.TemporaryFile

    class Filling:
        """A spool file that takes 3,000 bytes, then half of the next write, then ENOSPC."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            self.raw = real(*args, **kwargs)
            self.room = 3000

        def write(self, data: bytes) -> int:
            if self.room <= 0:
                raise OSError(errno.ENOSPC, "No space left on device")
            n = min(len(data), max(1, self.room // 2) if len(data) > self.room else len(data))
            self.room -= n
            return self.raw.write(bytes(data[:n]))

        def __getattr__(self, name: str) -> object:
            return getattr(self.raw, name)

    monkeypatch.setattr(tempfile, "TemporaryFile", Filling)
    report = tmp_path / "r.jsonl"
    result = CliRunner().invoke(
        main, ["run", str(src), str(tmp_path / "o2"), "-j", "1", "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert report.read_bytes() == reference.read_bytes()


def test_ctrl_c_inside_a_spool_write_leaves_count_and_report_agreeing(tmp_path: Path) -> None:
    """CI caught `interrupted: 433 of 1200` over a report of 432 lines: Ctrl-C landed in
    ``EntrySpool.append`` after the count went up and before the bytes were in. Entries now
    count only once written, and a torn tail is overwritten by the next append."""
    from cleanse.io import EntrySpool

    spool = EntrySpool()
    spool.append(b'{"n": 1}\n{"n": 2}\n', count=2)
    real = spool._fh

    class Torn:
        """Writes half of the data, then the user presses Ctrl-C."""

        def write(self, data: memoryview) -> int:
            real.write(bytes(data[: len(data) // 2]))
            raise KeyboardInterrupt

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    spool._fh = Torn()
    with pytest.raises(KeyboardInterrupt):
        spool.append(b'{"n": 3}\n', count=1)
    assert len(spool) == 2 and [e["n"] for e in spool] == [1, 2]
    spool._fh = real
    spool.append(b'{"n": 4}\n', count=1)
    out = tmp_path / "r.jsonl"
    spool.write_jsonl(out)
    assert out.read_text().splitlines() == ['{"n": 1}', '{"n": 2}', '{"n": 4}']
    assert len(spool) == 3
