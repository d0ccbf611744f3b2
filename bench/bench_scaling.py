"""Multi-core scaling: ``cleanse run -jN`` for N = 1, 2, 4, … up to the cores, on the same files.

Generates the small-document corpus of ``corpus.py`` (deterministic) on a RAM disk, measures
the raw floor once (read, decode with the known codec, atomic write: one process), then runs
``cleanse run -jN`` as a user would (a fresh process each, report included) and prints speed-up
and parallel efficiency against ``-j1``. Wall time is the best of ``--repeat`` runs.

    python bench/bench_scaling.py                    # 40,000 files, -j1 .. -j<cores>
    python bench/bench_scaling.py --small 4000 --jobs 1 2

``--out FILE`` also writes the table (markdown) to FILE.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus
from bench_throughput import cleanse_run, floor


def default_jobs(cores: int) -> list[int]:
    """1, 2, 4, 8, … and the core count itself."""
    jobs, j = [], 1
    while j < cores:
        jobs.append(j)
        j *= 2
    return [*jobs, cores]


def measure(work: Path, small: int, jobs: list[int], repeat: int) -> list[str]:
    """The table's lines: one row per job count."""
    src = work / "small"
    size = corpus.make_small(src, small)
    codecs = {
        f"d{i // 1000:03d}/doc{i:06d}.txt": corpus.ENCODINGS[i % len(corpus.ENCODINGS)] for i in range(small)
    }
    t_floor = min(floor(src, work / "floor", codecs) for _ in range(repeat))
    rows: dict[int, tuple[float, int, int, float]] = {}
    for j in jobs:
        rows[j] = min((cleanse_run(src, work / f"out-j{j}", j) for _ in range(repeat)), key=lambda r: r[0])
        shutil.rmtree(work / f"out-j{j}", ignore_errors=True)
    mb = size / 1e6
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"machine: {platform.node()}, {os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), "
        f"Python {platform.python_version()}; {when}",
        f"corpus: {small} files, {mb:.1f} MB on {work.parent}; floor (1 process) {t_floor:.2f} s "
        f"= {mb / t_floor:.1f} MB/s",
        "",
        "| run | seconds | MB/s | files/s | speed-up vs -j1 | efficiency | x floor | peak RSS MB | CPU s | exit |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    base = rows[jobs[0]][0] * jobs[0] if jobs[0] == 1 else None
    for j, (secs, rc, rss, cpu) in rows.items():
        speedup = f"{base / secs:.2f}x" if base else ""
        eff = f"{base / secs / j:.0%}" if base else ""
        lines.append(
            f"| cleanse run -j{j} | {secs:.2f} | {mb / secs:.1f} | {small / secs:.0f} | {speedup} | {eff} "
            f"| {secs / t_floor:.2f}x | {rss} | {cpu:.1f} | {rc} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", type=int, default=40_000, help="number of small files [40000]")
    ap.add_argument("--jobs", type=int, nargs="+", help="job counts [1 2 4 ... cores]")
    ap.add_argument("--repeat", type=int, default=1, help="best of N timings for each run [1]")
    ap.add_argument("--dir", type=Path, default=Path("/dev/shm") if Path("/dev/shm").is_dir() else None)
    ap.add_argument("--out", type=Path, help="also write the table here")
    args = ap.parse_args(argv)
    jobs = args.jobs or default_jobs(len(os.sched_getaffinity(0)))
    work = Path(tempfile.mkdtemp(prefix="cleanse-scaling-", dir=args.dir))
    try:
        lines = measure(work, args.small, jobs, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
