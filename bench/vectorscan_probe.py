"""Would a Vectorscan prefilter pay? The measurement behind issue 17's item 4 (docs/scale.md).

Vectorscan/Hyperscan (the ``hyperscan`` wheel) scans many patterns in one pass, but it cannot
run lookarounds, which most placeholder rules use: in prefilter mode it drops them and
reports a superset of the rules that may match, and ``regex`` must then confirm each. This
script builds that prefilter for the placeholder stage — the stage where matching costs most
— and measures, on the lines of the benchmark corpus that hold a placeholder character:

- how many rules the prefilter lets through per line, and how many really match;
- the scan alone, and the whole finding (scan + ``regex`` per rule let through) against the
  stage's joined ``regex`` walks (:mod:`cleanse.matching.joined_scan`);
- that both find exactly the same placeholders on every line (the prefilter never misses).

    pip install hyperscan && PYTHONPATH=src python bench/vectorscan_probe.py [--docs 1000]

``hyperscan`` is not a dependency of cleanse; without it the script says so and exits 2.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus

from cleanse import Cleaner
from cleanse.matching import RuleMatcher
from cleanse.rules import Rule
from cleanse.stages import placeholder_find as pf

_NAMED = regex.compile(r"\(\?P<\w+>")


def prefilter_pattern(rule: Rule) -> bytes:
    """The rule's pattern for Vectorscan: named groups become plain ones (two ``flag`` groups in
    one pattern are legal in ``regex``, refused by Vectorscan; a prefilter needs no names)."""
    return _NAMED.sub("(", rule.pattern).encode()


def build_database(rules: tuple[Rule, ...]) -> tuple[object, object, float]:
    """One prefilter database of ``rules`` (each reports once per scan); seconds to compile."""
    import hyperscan

    base = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP
    base |= hyperscan.HS_FLAG_ALLOWEMPTY | hyperscan.HS_FLAG_SINGLEMATCH
    flags = [base | (hyperscan.HS_FLAG_CASELESS if r.ignore_case else 0) for r in rules]
    start = time.perf_counter()
    db = hyperscan.Database()
    db.compile(
        expressions=[prefilter_pattern(r) for r in rules],
        ids=list(range(len(rules))),
        elements=len(rules),
        flags=flags,
    )
    return db, hyperscan.Scratch(db), time.perf_counter() - start


class Prefiltered:
    """Placeholder finding with the prefilter choosing which rules ``regex`` runs."""

    def __init__(self, detectors: pf.Detectors) -> None:
        self.d = detectors
        self.rules = detectors.detect + detectors.keep
        self.db, self.scratch, self.compile_seconds = build_database(self.rules)

    def let_through(self, line: str) -> set[int]:
        hit: set[int] = set()
        self.db.scan(  # type: ignore[attr-defined]
            line.encode(), match_event_handler=lambda i, *_: hit.add(i), scratch=self.scratch
        )
        return hit

    def find(self, line: str) -> list[pf.Hit]:
        """What :func:`pf.find_placeholders` finds, exceptions applied the same way."""
        d = self.d
        if d.prefilter is not None and d.prefilter.search(line) is None:
            return []
        hit = self.let_through(line)
        detect = [(o, r) for o, r in enumerate(d.detect) if o in hit]
        candidates = pf._candidates(line, detect, None)
        if not candidates:
            return []
        n = len(d.detect)
        keep = tuple(r for o, r in enumerate(d.keep) if o + n in hit)
        shield = pf.protected_spans(line, keep, None)
        hits: list[pf.Hit] = []
        end = -1
        for rule, (start, stop) in candidates:
            if stop <= start or start < end:
                continue
            end = stop
            if not pf._overlaps(start, stop, shield):
                hits.append(pf.Hit(start, stop, rule.id, rule.category))
        return hits


def corpus_lines(docs: int) -> list[str]:
    """Lines of ``docs`` generated benchmark documents (as the placeholder stage sees them:
    cleaned by every earlier stage) that hold a placeholder character."""
    rng = random.Random(1)
    paragraphs = corpus._paragraphs()
    cleaner = Cleaner(placeholders="off")
    lines: list[str] = []
    for _ in range(docs):
        text = cleaner.clean(corpus.small_document(rng, paragraphs, rng.randint(300, 550))).text
        lines += [line for line in text.split("\n") if pf._CANDIDATE.search(line)]
    return lines


def per_line(fn: Callable[[str], object], lines: list[str], repeat: int = 3) -> float:
    """Best of ``repeat`` passes, µs per line."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for line in lines:
            fn(line)
        best = min(best, time.perf_counter() - start)
    return best / len(lines) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="generated documents (default 1000)")
    args = parser.parse_args(argv)
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        print("hyperscan is not installed: pip install hyperscan (only this probe needs it)")
        return 2
    cleaner = Cleaner()
    detectors = pf.Detectors.of(RuleMatcher(cleaner.ruleset.for_stage("placeholders"), None))
    probe = Prefiltered(detectors)
    lines = corpus_lines(args.docs)
    missed = [line for line in lines if probe.find(line) != pf.find_placeholders(line, detectors)]
    through = sum(len(probe.let_through(line)) for line in lines) / len(lines)
    real = sum(sum(1 for r in probe.rules if r.compiled.search(line)) for line in lines) / len(lines)
    joined = per_line(lambda line: pf.find_placeholders(line, detectors), lines)
    prefiltered = per_line(probe.find, lines)
    scan = per_line(probe.let_through, lines)
    print(
        f"{platform.node()} Python {platform.python_version()} "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {len(lines)} lines with a placeholder character"
    )
    print(f"rules: {len(probe.rules)}; database compiled in {probe.compile_seconds:.2f} s")
    print(f"rules let through per line: {through:.1f}; really matching: {real:.1f}")
    print(f"lines where the two differ: {len(missed)}")
    print("| finding placeholders | µs per line |\n|---|---:|")
    print(f"| joined regex walks (cleanse) | {joined:.1f} |")
    print(f"| Vectorscan scan alone | {scan:.1f} |")
    print(f"| Vectorscan scan + regex on the rules let through | {prefiltered:.1f} |")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
