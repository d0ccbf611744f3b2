"""Peak memory and time of ``cleanse learn`` on many short generated documents.

Generates N short documents (a unique title, one to three unique sentences; 15% carry one
of five invented platforms' stamps, two of them templates whose slots change per document),
then runs ``cleanse learn`` on them as a subprocess
and samples, every 0.1 s, the resident memory of its process tree: the parent's RSS, and the
sum of PSS (proportional set size, so pages shared by the forked workers count once) over the
parent and its workers. Every document has a unique title, so the number of distinct counted
lines grows with N: the in-memory table must stay at its cap while the rest is spilled.

    PYTHONPATH=src python bench/bench_learn.py 100000 300000 1000000 -j 2
    PYTHONPATH=src python bench/bench_learn.py 300000 --max-lines 100000

Generated corpora are kept under --work (default /tmp/cleanse-bench-learn) for reruns.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from pathlib import Path

STAMPS = (
    (("云帆资料库", "云帆 · 每日更新"), 0.05),
    (("晴川文苑",), 0.03),
    (("竹影范文  zhuying.net",), 0.02),
    (("本材料已收录于知识星球「{name}」，严禁二次转载",), 0.03),
    (("—— 本资料由{name}会员群首发，严禁倒卖 ——",), 0.02),
)
NAMES = ("机关文稿", "材料君", "公文写作库", "学习资料圈", "知文苑", "笔杆文库")
_CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def _words(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_CJK) for _ in range(n))


def short_doc(rng: random.Random) -> str:
    """A unique title and one to three unique sentences; sometimes a platform stamp."""
    lines = [_words(rng, rng.randint(6, 12))]
    lines += [_words(rng, rng.randint(15, 40)) + "。" for _ in range(rng.randint(1, 3))]
    roll = rng.random()
    for stamp, share in STAMPS:
        if roll < share:
            name = rng.choice(NAMES)
            filled = [line.format(name=name) for line in stamp]
            return "\n".join([*filled, *lines, filled[0]]) + "\n"
        roll -= share
    return "\n".join(lines) + "\n"


def generate(root: Path, count: int, seed: int = 1) -> float:
    """Write ``count`` documents in folders of 1,000 (skipped when already there)."""
    marker = root / f".done-{count}"
    if marker.exists():
        return 0.0
    start = time.perf_counter()
    rng = random.Random(seed)
    for i in range(count):
        folder = root / f"{i // 1000:05d}"
        if i % 1000 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:07d}.txt").write_bytes(short_doc(rng).encode("utf-8"))
    marker.touch()
    return time.perf_counter() - start


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def _kib(path: str, field: str) -> int:
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kib(pid: int) -> int:
    """Sum of PSS over a process and its descendants (shared pages counted once)."""
    todo, total = [pid], 0
    while todo:
        p = todo.pop()
        total += _kib(f"/proc/{p}/smaps_rollup", "Pss:")
        todo += _children(p)
    return total


def measure(root: Path, jobs: int, max_lines: int | None) -> dict[str, float]:
    """Run ``cleanse learn`` on ``root``; peak parent RSS, peak tree PSS (MiB), seconds, rules."""
    cmd = [sys.executable, "-m", "cleanse", "learn", str(root), "-o", str(root / "learned.toml"), "-q"]
    cmd += ["-j", str(jobs)] + (["--max-lines", str(max_lines)] if max_lines else [])
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    peak_pss = peak_rss = 0
    while proc.poll() is None:
        peak_pss = max(peak_pss, tree_pss_kib(proc.pid))
        peak_rss = max(peak_rss, _kib(f"/proc/{proc.pid}/status", "VmHWM:"))
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"cleanse learn failed with exit code {proc.returncode}")
    text = (root / "learned.toml").read_text(encoding="utf-8")
    rules, templates = text.count("[[rule]]"), text.count('"learned.template-')
    return {
        "rss": peak_rss / 1024,
        "pss": peak_pss / 1024,
        "seconds": seconds,
        "rules": rules,
        "templates": templates,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("sizes", nargs="+", type=int, help="corpus sizes (documents)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--max-lines", type=int, default=None, help="table cap passed to cleanse learn")
    parser.add_argument("--work", type=Path, default=Path("/tmp/cleanse-bench-learn-t"))
    args = parser.parse_args()
    print(
        "| documents | generate s | learn s | docs/s | peak RSS parent MiB | peak PSS tree MiB | rules (templates) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|")
    for size in args.sizes:
        root = args.work / f"n{size}"
        gen = generate(root, size)
        r = measure(root, args.jobs, args.max_lines)
        print(
            f"| {size:,} | {gen:.0f} | {r['seconds']:.0f} | {size / r['seconds']:,.0f} | "
            f"{r['rss']:.0f} | {r['pss']:.0f} | {r['rules']:.0f} ({r['templates']:.0f}) |",
            flush=True,
        )


if __name__ == "__main__":
    main()
