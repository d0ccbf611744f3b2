"""Throughput per input format: 1,000 generated .docx, .html and .pdf files against their .txt twins.

Each format gets a folder of ``--files`` documents on a RAM disk (/dev/shm when there is one),
made by ``tests/documents_gen.py``: paragraphs of the bundled sample with the stamps in the
header and footer (a PDF has them on every page, typeset over two pages), and the same
documents as .txt twins. ``cleanse run -j1`` (a separate process, start-up included) cleans
each folder; the table gives files per second and the time against the .txt twins, so the
cost of reading each format shows apart from the cleaning.

    python bench/bench_formats.py              # 1,000 files per format
    python bench/bench_formats.py --files 200  # quick
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import documents_gen as gen  # noqa: E402

MAKERS = {
    "txt": lambda paras: gen.twin_text(paras).encode("utf-8"),
    "docx": gen.docx_bytes,
    "html": gen.html_bytes,
    "pdf": lambda paras: gen.pdf_bytes(paras, per_page=12),
}


def make(root: Path, fmt: str, count: int) -> int:
    """``count`` documents of one format under ``root``; returns their bytes."""
    rng = random.Random(7)
    root.mkdir(parents=True)
    total = 0
    for i in range(count):
        paras = gen.pdf_paragraphs(rng, 4) if fmt == "pdf" else gen.body(rng, 4)
        data = MAKERS[fmt](paras)
        (root / f"doc{i:05d}.{fmt}").write_bytes(data)
        total += len(data)
    return total


def cleanse_run(src: Path, out: Path) -> float:
    """Seconds of one ``cleanse run -j1`` (start-up included)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "cleanse", "run", str(src), str(out), "-j", "1", "-q"]
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="documents per format (default 1000)")
    args = parser.parse_args(argv)
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        work = Path(tmp)
        sizes = {fmt: make(work / fmt, fmt, args.files) for fmt in MAKERS}
        seconds = {fmt: cleanse_run(work / fmt, work / f"out-{fmt}") for fmt in MAKERS}
        outputs = {fmt: len(list((work / f"out-{fmt}").iterdir())) for fmt in MAKERS}
    print(
        f"{platform.node()} Python {platform.python_version()} {os.cpu_count()} CPUs, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.files} files per format, cleanse run -j1"
    )
    print("| format | MB | seconds | files/s | × .txt time | outputs |\n|---|---:|---:|---:|---:|---:|")
    for fmt in MAKERS:
        rate = args.files / seconds[fmt]
        ratio = seconds[fmt] / seconds["txt"]
        print(
            f"| {fmt} | {sizes[fmt] / 1e6:.1f} | {seconds[fmt]:.2f} | {rate:,.0f} | {ratio:.2f} | {outputs[fmt]} |"
        )
    return 0 if all(n == args.files for n in outputs.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
