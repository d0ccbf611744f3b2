"""Pathological line shapes through the whole default pipeline: time must grow linearly.

    PYTHONPATH=src python bench/bench_pathological.py [--sizes 10000 100000 1000000] [--shape NAME ...]

Each shape is one line of N characters built to make a regex backtrack: long runs of one mark
(``!``, ``?``, ``,``, ``:``, ``;``, ``.``) after Chinese or Latin text, alternating brackets
(``）(``), an unclosed parenthesis before a long Chinese paragraph (common in PDF extractions
that lost their line breaks), quotes opened before long Latin text, long runs of spaces before
text, of decorative characters, of full-width brackets. Each is cleaned in-process with
``Cleaner().clean`` at the default options (so a rule that ran past its time limit would be
skipped and counted under ``skipped``), once per size.

Printed per shape and size: seconds (the fastest of a few repeats), its ratio to the *floor* (plain Chinese prose of the
same length, cleaned in the same run), the growth factor from the previous size (10 is linear
for sizes a decade apart; 100 would be quadratic) and how many rules were skipped for time.
The run fails (exit 1) when a shape is skipped for time or grows more than ``--max-growth``
(default 20: twice linear, room for cache effects on a shared machine) from 100,000 to 1,000,000.
"""

from __future__ import annotations

import argparse
import itertools
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from cleanse import Cleaner

PROSE = "中华人民共和国的各项事业，正在全面推进；这里是一段普通的中文正文。"

SHAPES: dict[str, Callable[[int], str]] = {
    "prose (floor)": lambda n: (PROSE * (n // len(PROSE) + 1))[:n],
    "中文!!!…中文": lambda n: "中文" + "!" * n + "中文",
    "中文???…中文": lambda n: "中文" + "?" * n + "中文",
    "中!?!?…": lambda n: "中" + "!?" * (n // 2),
    "a!!!…a": lambda n: "a" + "!" * n + "a",
    "中文,,,…中文": lambda n: "中文" + "," * n + "中文",
    "a,,,…中": lambda n: "a" + "," * n + "中",
    "中文:::…//": lambda n: "中文" + ":" * n + "//",
    "a;;;…a": lambda n: "a" + ";" * n + "a",
    "a...…a": lambda n: "a" + "." * n + "a",
    "中,中,…": lambda n: "中," * (n // 2),
    "中文）(）(…": lambda n: "中文" + "）(" * (n // 2),
    "((((…中))))": lambda n: "(" * (n // 2) + "中" + ")" * (n // 2),
    "(中中中…": lambda n: "(" + "中" * n,
    "中中中…)": lambda n: "中" * n + ")",
    '"aaa…中"': lambda n: '"' + "a" * n + '中"',
    "'aaa…中'": lambda n: "'" + "a" * n + "中'",
    '中"中"…': lambda n: '中"' * (n // 2),
    "中   …   文": lambda n: "中" + " " * n + "文",
    "\u3000\u3000…中": lambda n: "\u3000" * n + "中",
    "====…a": lambda n: "=" * n + "a",
    "（（（…": lambda n: "（" * n,
    "a.a.a.…": lambda n: "a." * (n // 2),
    "中a1,.!?()（）…": lambda n: ("中a1,.!?()（）" * (n // 12 + 1))[:n],
}


def measure(cleaner: Cleaner, text: str, *, least: float = 0.2) -> tuple[float, int]:
    """Seconds to clean ``text`` (the fastest of repeats filling ``least`` seconds: the CPU
    clock ticks in milliseconds here, too coarse for one short run), and how many rules were
    skipped for time."""
    best, spent, skipped = float("inf"), 0.0, 0
    while spent < least:
        start = time.perf_counter()
        doc = cleaner.clean(text)
        seconds = time.perf_counter() - start
        best, spent = min(best, seconds), spent + seconds
        skipped = sum("time limit" in w or "of CPU" in w for w in doc.meta.get("warnings", ()))
        if seconds > least / 2:
            break
    return best, skipped


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--shape", nargs="*", help="only these shapes (the floor always runs)")
    ap.add_argument("--max-growth", type=float, default=20.0)
    args = ap.parse_args()
    cleaner = Cleaner()
    cleaner.clean("预热，一行。")
    shapes = {k: v for k, v in SHAPES.items() if not args.shape or k in args.shape or "floor" in k}
    print(f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, Python {platform.python_version()}")
    print(f"{'shape':<20}" + "".join(f"{n:>12,} chars" for n in args.sizes) + "   growth   skipped")
    floor: dict[int, float] = {}
    failed = []
    for name, make in shapes.items():
        cells, times, skipped = [], [], 0
        for n in args.sizes:
            seconds, skip = measure(cleaner, make(n))
            skipped += skip
            times.append(seconds)
            if "floor" in name:
                floor[n] = max(seconds, 1e-6)
            cells.append(f"{seconds:>8.3f}s {seconds / floor[n]:>4.1f}x")
        growth = [b / max(a, 1e-6) for a, b in itertools.pairwise(times)]
        print(
            f"{name:<20}"
            + "".join(f"{c:>18}" for c in cells)
            + "   "
            + " ".join(f"{g:.0f}" for g in growth)
            + f"   {skipped}"
        )
        if skipped or (growth and times[-1] > 0.05 and growth[-1] > args.max_growth):
            failed.append(name)
    print("cells: seconds and ratio to the floor of the same size; growth: factor between sizes")
    if failed:
        print("super-linear or skipped: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
