"""--resume: a run killed with SIGKILL at any point, then resumed, equals an uninterrupted run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleanse.resume import MANIFEST_NAME
from conftest import ROOT, SAMPLE

SRC = ROOT / "src"
ENV = {**os.environ, "PYTHONPATH": str(SRC)}


def make_corpus(root: Path, n: int, seed: int = 7) -> None:
    """``n`` small documents cut from the sample, in mixed encodings (deterministic)."""
    rng = random.Random(seed)
    lines = SAMPLE.read_text(encoding="utf-8", errors="replace").splitlines()
    for i in range(n):
        start = rng.randrange(len(lines))
        text = "\n".join(["仅供学习 禁止外传", *lines[start : start + rng.randint(3, 12)]])
        path = root / f"p{i % 7}" / f"doc{i:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(("utf-8", "gb18030", "utf-16")[i % 3], errors="replace"))


def cleanse(*args: str | Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "cleanse", "run", "-q", *map(str, args)]
    return subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=120)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` but the manifest (whose lines a resumed run appends)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != MANIFEST_NAME
    }


def manifest_lines(out: Path) -> int:
    try:
        return (out / MANIFEST_NAME).read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def start_and_kill(
    args: list[str], out: Path, after_records: int, deadline: float = 30.0, sig: int = signal.SIGKILL
) -> int:
    """Start a run, signal its whole process group (SIGKILL: kill -9; SIGINT: Ctrl-C) once the
    manifest holds ``after_records`` records (0: at once). Returns the records it had."""
    cmd = [sys.executable, "-m", "cleanse", "run", "-q", *args]
    proc = subprocess.Popen(
        cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    end = time.monotonic() + deadline
    while proc.poll() is None and time.monotonic() < end:
        if manifest_lines(out) - 1 >= after_records:
            break
        time.sleep(0.0005)
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
    proc.wait(timeout=30)
    return max(0, manifest_lines(out) - 1)


def kill_and_resume(tmp_path: Path, n_files: int, kills: int, jobs: int, seed: int) -> None:
    src, ref, out = tmp_path / "in", tmp_path / "ref", tmp_path / "out"
    make_corpus(src, n_files)
    done = cleanse(src, ref, "--report", tmp_path / "ref.jsonl", f"-j{jobs}")
    assert done.returncode == 0, done.stderr
    rng = random.Random(seed)
    args = [str(src), str(out), "--report", str(tmp_path / "out.jsonl"), f"-j{jobs}", "--resume"]
    seen = [start_and_kill(args, out, 0)]  # killed during start-up
    for _ in range(kills - 1):
        before = seen[-1]
        seen.append(start_and_kill(args, out, rng.randint(before + 1, before + n_files // kills)))
    assert any(0 < k < n_files for k in seen), f"no kill landed mid-run: {seen}"
    final = cleanse(*args)
    assert final.returncode == 0, final.stderr
    assert tree(out) == tree(ref)
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "ref.jsonl").read_bytes()


def test_kill9_then_resume_equals_uninterrupted_run(tmp_path: Path) -> None:
    kill_and_resume(tmp_path, n_files=600, kills=5, jobs=2, seed=1)


def test_ctrl_c_then_resume_equals_uninterrupted_run(tmp_path: Path) -> None:
    src, ref, out = tmp_path / "in", tmp_path / "ref", tmp_path / "out"
    make_corpus(src, 400)
    assert cleanse(src, ref, "--report", tmp_path / "ref.jsonl", "-j2").returncode == 0
    args = [str(src), str(out), "--report", str(tmp_path / "out.jsonl"), "-j2", "--resume"]
    done = start_and_kill(args, out, 150, sig=signal.SIGINT)
    assert 0 < done < 400
    assert cleanse(*args).returncode == 0
    assert tree(out) == tree(ref)
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "ref.jsonl").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2))
def test_kill9_many_times(tmp_path: Path, seed: int) -> None:
    kill_and_resume(tmp_path, n_files=1500, kills=12, jobs=1 + seed % 2, seed=seed)


def test_resume_skips_done_inputs_and_redoes_changed_ones(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    make_corpus(src, 12)
    assert cleanse(src, out, "--resume", "--report", tmp_path / "r1.jsonl").returncode == 0
    victim = src / "p0" / "doc00000.txt"
    victim.write_text("新的内容。\n", encoding="utf-8")
    (out / "p1" / "doc00001.txt").unlink()  # a lost output is made again
    before = (out / "p2" / "doc00002.txt").stat().st_mtime_ns
    assert cleanse(src, out, "--resume", "--report", tmp_path / "r2.jsonl").returncode == 0
    assert (out / "p0" / "doc00000.txt").read_text(encoding="utf-8") == "新的内容。\n"
    assert (out / "p1" / "doc00001.txt").is_file()
    assert (out / "p2" / "doc00002.txt").stat().st_mtime_ns == before  # not rewritten
    assert len((tmp_path / "r2.jsonl").read_text(encoding="utf-8").splitlines()) == 12


def test_no_manifest_without_resume(tmp_path: Path) -> None:
    make_corpus(tmp_path / "in", 3)
    assert cleanse(tmp_path / "in", tmp_path / "out").returncode == 0
    assert not (tmp_path / "out" / MANIFEST_NAME).exists()  # OUTPUT holds only cleaned files


def test_changed_rules_or_options_reclean_everything(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    make_corpus(src, 4)
    assert cleanse(src, out, "--resume").returncode == 0
    before = (out / "p0" / "doc00000.txt").stat().st_mtime_ns
    time.sleep(0.01)
    changed = cleanse(src, out, "--resume", "--placeholders", "off")
    assert changed.returncode == 0
    assert "other rules or options" in changed.stderr
    assert (out / "p0" / "doc00000.txt").stat().st_mtime_ns != before
    again = cleanse(src, out, "--resume", "--placeholders", "off")
    assert "other rules or options" not in again.stderr


def test_torn_manifest_tail_is_cut(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    make_corpus(src, 5)
    assert cleanse(src, out, "--resume", "--report", tmp_path / "r1.jsonl").returncode == 0
    manifest = out / MANIFEST_NAME
    data = manifest.read_bytes()
    manifest.write_bytes(data[: data.rfind(b"\n", 0, len(data) - 1) + 20])  # last record torn
    assert cleanse(src, out, "--resume", "--report", tmp_path / "r2.jsonl").returncode == 0
    assert (tmp_path / "r1.jsonl").read_bytes() == (tmp_path / "r2.jsonl").read_bytes()
    assert manifest.read_bytes().count(b"\n") == 6
    assert all(line.endswith(b"}") for line in manifest.read_bytes().splitlines())


def test_resume_with_record_files(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    make_corpus(src, 3)
    (src / "r.jsonl").write_text('{"text": "正文,内容."}\nbroken\n{"text": "二"}\n', encoding="utf-8")
    assert cleanse(src, out, "--resume", "--report", tmp_path / "r1.jsonl").returncode == 0
    before = (out / "r.jsonl").stat().st_mtime_ns
    assert cleanse(src, out, "--resume", "--report", tmp_path / "r2.jsonl").returncode == 0
    assert (out / "r.jsonl").stat().st_mtime_ns == before
    assert (tmp_path / "r1.jsonl").read_bytes() == (tmp_path / "r2.jsonl").read_bytes()
    assert b'"r.jsonl:2"' in (tmp_path / "r2.jsonl").read_bytes()
