"""Throughput of the punctuation and whitespace stages on large Chinese documents, next to autocorrect.

    PYTHONPATH=src python bench/bench_punctuation.py [--mb 4] [--docs 8]

The text is the devset's gold bodies (human-written Chinese documentation, ../shared/devset/gold)
or, where that folder is missing, the bundled sample; half-width noise is injected the way the
devset does it (， -> , and （） -> () at a fixed stride), and the whole is repeated into
``--docs`` documents of about ``--mb`` MB in total. Each tool runs once over the same documents;
numbers are characters per second of input. autocorrect-py (``pip install autocorrect-py``) is
run when importable and reported as unavailable otherwise.
"""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable
from pathlib import Path

from cleanse import load_rules
from cleanse.document import Document
from cleanse.matching.matcher import RuleMatcher
from cleanse.stages.punctuation import build_punctuation
from cleanse.stages.whitespace import build_whitespace

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "devset" / "gold"
SAMPLE = ROOT / "fixtures" / "sample" / "speech-with-ads.txt"


def source_text() -> str:
    """Clean Chinese prose: the devset gold bodies, else the sample."""
    if GOLD.is_dir():
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted(GOLD.glob("doc*.txt")))
    return SAMPLE.read_text(encoding="utf-8")


def add_noise(text: str, stride: int = 7) -> str:
    """Every ``stride``-th full-width comma or paren becomes half-width (deterministic)."""
    table = {"，": ",", "（": "(", "）": ")", "；": ";", "：": ":"}
    out, n = [], 0
    for ch in text:
        if ch in table:
            n += 1
            if n % stride == 0:
                ch = table[ch]
        out.append(ch)
    return "".join(out)


def documents(mb: float, docs: int) -> list[str]:
    base = add_noise(source_text())
    per_doc = int(mb * 1_000_000 / 3 / docs)  # ~3 UTF-8 bytes per CJK char
    reps = max(1, per_doc // len(base) + 1)
    return [(base + "\n") * reps for _ in range(docs)]


def timed(name: str, fn: Callable[[str], object], texts: list[str]) -> tuple[str, float, float]:
    """One run over ``texts`` after a warm-up call (patterns compile once per process)."""
    fn(texts[0][:2000])
    chars = sum(len(t) for t in texts)
    start = time.perf_counter()
    for t in texts:
        fn(t)
    secs = time.perf_counter() - start
    return name, chars / secs, secs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=4.0, help="total size of the documents in MB (UTF-8)")
    ap.add_argument("--docs", type=int, default=8, help="number of documents")
    args = ap.parse_args()
    texts = documents(args.mb, args.docs)
    rules = load_rules()
    punct = build_punctuation(RuleMatcher(rules.for_stage("punctuation")))
    ws = build_whitespace(RuleMatcher(rules.for_stage("whitespace")), final=True)

    rows = [
        timed("cleanse punctuation stage", lambda t: punct(Document(t)), texts),
        timed("cleanse whitespace stage (final)", lambda t: ws(Document(t)), texts),
        timed("cleanse punctuation + whitespace", lambda t: ws(punct(Document(t))), texts),
    ]
    try:
        import autocorrect_py

        rows.append(timed("autocorrect-py format()", autocorrect_py.format, texts))
    except ImportError:
        rows.append(("autocorrect-py (not installed)", 0.0, 0.0))

    chars = sum(len(t) for t in texts)
    print(
        f"{len(texts)} documents, {chars:,} chars ({chars // len(texts):,} per document); "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(f"{'tool':40} {'chars/s':>14} {'seconds':>9}")
    for name, rate, secs in rows:
        print(f"{name:40} {rate:14,.0f} {secs:9.2f}")


if __name__ == "__main__":
    main()
