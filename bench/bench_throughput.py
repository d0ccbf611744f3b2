"""Throughput benchmark: cleanse against a raw read-decode-write floor and against jionlp.

Generates (deterministically, see ``corpus.py``) a corpus of small dirty documents in mixed
encodings and a few multi-MB documents under a RAM disk, then measures, on the same files:

- the floor: read each file, decode it with its known codec, write UTF-8 atomically
  (temporary file + rename) — no detection, no cleaning;
- ``cleanse run -j1`` and ``cleanse run -j2`` (separate processes, start-up included);
- per-stage costs (decode + each stage, in-process, over every small document);
- ``cleanse run -j1`` on the large documents against ``jionlp.clean_text`` on the same text.

Peak RSS is read from ``wait4`` of each run (the largest of the process and its workers).

    python bench/bench_throughput.py                 # 37,500 small files, 3 x 4 MB
    python bench/bench_throughput.py --small 2000 --large 1 --large-mb 1   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def run_measured(cmd: list[str], src: Path = SRC) -> tuple[float, int, int, float]:
    """Run ``cmd``; (seconds, exit code, peak RSS in MB, CPU seconds), descendants included.

    CPU seconds (user + system of the run and its workers) stay meaningful on a busy machine
    where wall time does not: the -j2 "CPU-bound speed-up" below is -j1 CPU / (-j2 CPU / 2).
    """
    path = os.environ.get("PYTHONPATH")
    env = {**os.environ, "PYTHONPATH": str(src) + (os.pathsep + path if path else "")}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, proc.returncode, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


FLOOR_CPU: list[float] = []


def floor(src: Path, dst: Path, codecs: dict[str, str]) -> float:
    """Read, decode with the known codec, write UTF-8 atomically; seconds (CPU in FLOOR_CPU)."""
    start, cpu = time.perf_counter(), time.process_time()
    made: set[Path] = set()
    for rel, codec in codecs.items():
        text = (src / rel).read_bytes().decode(codec)
        out = dst / rel
        if out.parent not in made:
            out.parent.mkdir(parents=True, exist_ok=True)
            made.add(out.parent)
        tmp = out.parent / f".tmp-{out.name}"
        tmp.write_bytes(text.encode("utf-8"))
        os.replace(tmp, out)
    FLOOR_CPU.append(time.process_time() - cpu)
    return time.perf_counter() - start


def cleanse_run(
    src: Path, dst: Path, jobs: int, *extra: str, code: Path = SRC
) -> tuple[float, int, int, float]:
    """``cleanse run -jN`` as a user runs it: a fresh process, report included. ``code``: the
    ``src`` folder to run (another checkout's, for a before/after comparison)."""
    shutil.rmtree(dst, ignore_errors=True)
    cmd = [sys.executable, "-m", "cleanse", "run", "-q", f"-j{jobs}", str(src), str(dst), *extra]
    name = "report-large.jsonl" if dst.name == "out-large" else f"report-{dst.name}.jsonl"
    return run_measured([*cmd, "--report", str(dst.parent / name)], code)


def stage_costs(src: Path, rels: list[str]) -> dict[str, float]:
    """CPU seconds per stage over every document (in this process; decode first).

    CPU time, not wall time, so that the split stays true on a busy machine and compares with
    the CPU column of the runs. The whitespace stage runs twice (early and final); both passes
    add up under its name.
    """
    sys.path.insert(0, str(SRC))
    from cleanse import Cleaner
    from cleanse.pipeline import build_stages

    cleaner = Cleaner()
    # the stages as a run uses them: no per-call time limits, the document under a CPU budget
    # (arming its timer costs ~1 us a document, left out here)
    stages = build_stages(cleaner.ruleset, cleaner.options, per_call_timeouts=False)
    costs: dict[str, float] = {"decode": 0.0}
    for stage in stages:
        costs.setdefault(stage.name, 0.0)
    for rel in rels:
        data = (src / rel).read_bytes()
        t0 = time.process_time()
        doc = cleaner.decode(data, source=rel)
        costs["decode"] += time.process_time() - t0
        for stage in stages:
            t0 = time.process_time()
            try:
                doc = stage(doc)
            except Exception:  # a stage bug must not stop the benchmark; cost still counts
                costs[stage.name] += time.process_time() - t0
                break
            costs[stage.name] += time.process_time() - t0
    return costs


def jionlp_rate(texts: list[str]) -> float | str:
    """jionlp.clean_text characters per CPU second over ``texts`` (a note if jionlp is missing).

    CPU time, in-process, after import: the same footing as cleanse's in-process figure.
    """
    code = (
        "import sys, time, jionlp\n"
        "texts = [open(p, encoding='utf-8').read() for p in sys.argv[1:]]\n"
        "t = time.process_time()\n"
        "for s in texts: jionlp.clean_text(s)\n"
        "print(sum(map(len, texts)) / (time.process_time() - t))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, *texts], capture_output=True, text=True)
    if proc.returncode != 0:
        return "jionlp not installed (pip install jionlp)"
    return float(proc.stdout.strip().splitlines()[-1])


def timed(fn: Callable[[], float], repeat: int) -> float:
    """Best of ``repeat`` runs (the usual way to cut scheduler noise)."""
    return min(fn() for _ in range(repeat))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", type=int, default=37_500, help="number of small files [37500]")
    ap.add_argument("--large", type=int, default=3, help="number of large files [3]")
    ap.add_argument("--large-mb", type=float, default=4.0, help="size of each large file in MB [4]")
    ap.add_argument("--repeat", type=int, default=1, help="best of N timings for each run [1]")
    ap.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="another checkout's src/ to time -j1 against (before/after)",
    )
    ap.add_argument("--dir", type=Path, default=Path("/dev/shm") if Path("/dev/shm").is_dir() else None)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="cleanse-bench-", dir=args.dir))
    try:
        report(work, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def report(work: Path, args: argparse.Namespace) -> None:
    """Build the corpora, run everything, print the table."""
    small, large = work / "small", work / "large"
    small_bytes = corpus.make_small(small, args.small)
    large_bytes = corpus.make_large(large, args.large, args.large_mb)
    codecs = {
        f"d{i // 1000:03d}/doc{i:06d}.txt": corpus.ENCODINGS[i % len(corpus.ENCODINGS)]
        for i in range(args.small)
    }
    t_floor = timed(lambda: floor(small, work / "floor", codecs), args.repeat)
    runs = {j: min(cleanse_run(small, work / f"j{j}", j) for _ in range(args.repeat)) for j in (1, 2)}
    # the learned scorer's cost: the same -j1 run with model.boilerplate off, interleaved
    no_scorer = min(
        cleanse_run(small, work / "j1-rules", 1, "--disable", "model.boilerplate") for _ in range(args.repeat)
    )
    costs = stage_costs(small, sorted(codecs))
    large_run = cleanse_run(large, work / "out-large", 1)
    large_texts = sorted(str(p) for p in large.iterdir())
    large_costs = stage_costs(large, sorted(p.name for p in large.iterdir()))
    large_chars = sum(len(Path(p).read_text(encoding="utf-8")) for p in large_texts)
    jio = jionlp_rate(large_texts)
    print_table(args, small_bytes, large_bytes, t_floor, runs, costs, large_run, large_chars, jio)
    print(
        f"scorer cost: -j1 {runs[1][0]:.2f} s with model.boilerplate, {no_scorer[0]:.2f} s without "
        f"= {runs[1][0] / no_scorer[0]:.2f}x wall, {runs[1][3] / no_scorer[3]:.2f}x CPU (target <= 1.25x)"
    )
    if args.baseline is not None:
        before = min(
            cleanse_run(small, work / "j1-before", 1, code=args.baseline.resolve())
            for _ in range(args.repeat)
        )
        print(
            f"before/after: -j1 {before[0]:.2f} s with {args.baseline}, {runs[1][0]:.2f} s now "
            f"= {runs[1][0] / before[0]:.2f}x wall, {runs[1][3] / before[3]:.2f}x CPU (target <= 1.25x)"
        )
    in_process = large_chars / sum(large_costs.values())
    print(
        f"large docs in-process (decode + stages only): {in_process / 1e6:.2f} M chars per CPU s",
        end="",
    )
    if not isinstance(jio, str):
        print(f" = {in_process / jio:.2f}x jionlp", end="")
    print("; " + ", ".join(f"{k} {v:.2f} s" for k, v in large_costs.items()))
    for name in ("report-j1.jsonl", "report-j1-rules.jsonl", "out-large"):
        print(f"statuses ({name}): {statuses(work / name)}")


def statuses(report_or_dir: Path) -> str:
    """Counts of report statuses: a run whose documents fail is measuring less work."""
    path = report_or_dir
    if report_or_dir.name == "out-large":
        path = report_or_dir.parent / "report-large.jsonl"
    counts: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        status = json.loads(line)["status"]
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def print_table(
    args: argparse.Namespace,
    small_bytes: int,
    large_bytes: int,
    t_floor: float,
    runs: dict[int, tuple[float, int, int, float]],
    costs: dict[str, float],
    large_run: tuple[float, int, int, float],
    large_chars: int,
    jio: float | str,
) -> None:
    """Markdown table with seconds, MB/s and the ratios the targets are stated in."""
    mb = small_bytes / 1e6
    t1, t2 = runs[1][0], runs[2][0]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"machine: {platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}; {when}")
    print(f"small corpus: {args.small} files, {mb:.1f} MB; large: {args.large} x {args.large_mb} MB\n")
    print("| run | seconds | MB/s | ratio | peak RSS MB | CPU s | exit |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| floor (read, decode, atomic write) | {t_floor:.2f} | {mb / t_floor:.1f} | 1.00x floor | | | |")
    for j, (secs, rc, rss, cpu) in runs.items():
        print(
            f"| cleanse run -j{j} | {secs:.2f} | {mb / secs:.1f} | {secs / t_floor:.2f}x floor "
            f"| {rss} | {cpu:.2f} | {rc} |"
        )
    print(f"\n-j2 speed-up over -j1: {t1 / t2:.2f}x wall (target >= 1.8x)")
    print(f"-j2 CPU-bound speed-up: {runs[1][3] / (runs[2][3] / 2):.2f}x (-j1 CPU / half of -j2 CPU)")
    print(f"-j1 vs floor: {t1 / t_floor:.2f}x wall (target <= 2.5x)")
    print(f"-j1 vs floor: {runs[1][3] / min(FLOOR_CPU):.2f}x CPU (start-up included)\n")
    total = sum(costs.values())
    outside = runs[1][3] - total
    per_file = outside / args.small * 1e6
    print(f"outside the stages (-j1 CPU - stage CPU): {outside:.2f} s = {per_file:.0f} us/file\n")
    print(f"| stage (in-process, small corpus; total {total:.2f} CPU s) | CPU s | share | us/file |")
    print("|---|---:|---:|---:|")
    for name, secs in costs.items():
        print(f"| {name} | {secs:.2f} | {secs / total:.0%} | {secs / args.small * 1e6:.0f} |")
    secs, rc, rss, cpu = large_run
    rate = large_chars / cpu
    print(
        f"\nlarge docs: cleanse run -j1 {secs:.2f} s wall, {cpu:.2f} CPU s (start-up included), "
        f"{rate / 1e6:.2f} M chars per CPU s, peak RSS {rss} MB, exit {rc}"
    )
    limit = 150 + 3 * args.large_mb
    print(f"peak RSS target: < {limit:.0f} MB (150 MB + 3x largest file)")
    if isinstance(jio, str):
        print(f"jionlp.clean_text: {jio}")
    else:
        print(
            f"jionlp.clean_text: {jio / 1e6:.2f} M chars per CPU s; "
            f"cleanse run / jionlp = {rate / jio:.2f}x (target >= 2x)"
        )


if __name__ == "__main__":
    raise SystemExit(main())
