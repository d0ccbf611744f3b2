"""The machine's own multi-core ceiling: N processes each running the same pure-Python loop.

Speed-up = N x (time of one alone / time of each when N run together). On SMT machines (two
hardware threads per core) this flattens past the physical core count; a scaling figure for
``cleanse run -jN`` is read against it, not against N.

    python bench/cpu_ceiling.py 1 2 4 8 16
"""

from __future__ import annotations

import multiprocessing as mp
import sys
import time


def spin(_: int) -> float:
    """A fixed amount of interpreter work (string ops, dicts: like cleaning), its seconds."""
    start = time.perf_counter()
    counts: dict[str, int] = {}
    text = "近年来，我市搭建五大工作平台，深入实施“银发生辉”工程。" * 4
    for i in range(3_000_000):
        part = text[i % 50 : i % 50 + 20]
        counts[part] = counts.get(part, 0) + len(part.split("，"))
    return time.perf_counter() - start


def main() -> None:
    jobs = [int(a) for a in sys.argv[1:]] or [1, 2, 4, 8, 16]
    ctx = mp.get_context("fork")
    alone = None
    for n in jobs:
        with ctx.Pool(n) as pool:
            pool.map(spin, range(n))  # warm up
            secs = max(pool.map(spin, range(n), chunksize=1))
        alone = alone or secs  # the first count given is the baseline (1)
        print(f"{n:3d} processes: {secs:.3f} s each, speed-up {n * alone / secs:.2f}x")


if __name__ == "__main__":
    main()
