"""Agreement of cleanse's punctuation normalization with autocorrect's and zhlint's own test cases.

    python bench/punct_conformance.py [--cases fixtures/conformance/punct-cases.jsonl] [--project NAME] [--summary]

Each line of the cases file is one (input, expected output) pair taken from the test suite of
autocorrect (huacnlee/autocorrect) or zhlint (zhlint-project/zhlint), kept only where it is about
half-width <-> full-width punctuation; ``expected_ignoring_spacing`` is the expected output with
the input's spacing, since those tools also add or remove spaces between CJK and Latin text and
cleanse does not. Each input is cleaned with the default rules, ``placeholders="off"`` and
``keep_boilerplate=True`` (so only the whitespace, mojibake and punctuation stages run), and the
result is compared with ``expected_ignoring_spacing`` after the same normalization on both sides:
strip the text and each line, collapse runs of spaces, and drop spaces next to full-width
punctuation. Printed: agree / disagree counts per project, then every disagreement with its
source, input, expected output and cleanse's output. A disagreement is not necessarily a cleanse
bug: the two tools' own styles differ (zhlint writes ASCII brackets in Chinese text, autocorrect
converts full-width punctuation in English-only lines to ASCII).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cleanse import Cleaner  # noqa: E402

DEFAULT_CASES = ROOT / "fixtures" / "conformance" / "punct-cases.jsonl"

# Full-width punctuation (GB/T 15834 marks as written in horizontal Chinese text): spaces next to
# these are dropped before comparing, since neither side's spacing around them is under test.
FULLWIDTH_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】「」『』〔〕［］｛｝…—～·＿－／＜＞＂＇"
_SPACES = re.compile(r" {2,}")
_AROUND_FULLWIDTH = re.compile(rf" *([{re.escape(FULLWIDTH_PUNCT)}]) *")


def load_cases(path: Path) -> list[dict]:
    """The cases file: one JSON object per line."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def normalize(text: str) -> str:
    """Strip the text and its lines, collapse runs of spaces, drop spaces next to full-width punctuation."""
    lines = [_SPACES.sub(" ", line.strip()) for line in text.strip().split("\n")]
    return _AROUND_FULLWIDTH.sub(r"\1", "\n".join(lines))


def make_cleaner() -> Cleaner:
    """Default rules; no placeholder flags and no boilerplate removal (short one-line inputs)."""
    return Cleaner(placeholders="off", keep_boilerplate=True)


def run(cases: list[dict], cleaner: Cleaner) -> list[tuple[dict, str, bool]]:
    """(case, cleanse output, agrees) for every case."""
    results = []
    for case in cases:
        out = cleaner.clean(case["input"]).text
        agrees = normalize(out) == normalize(case["expected_ignoring_spacing"])
        results.append((case, out, agrees))
    return results


def show(s: str) -> str:
    """A string as a JSON literal, so that newlines and edge spaces are visible."""
    return json.dumps(s, ensure_ascii=False)


def report(results: list[tuple[dict, str, bool]], summary_only: bool) -> None:
    agree: Counter[str] = Counter()
    disagree: Counter[str] = Counter()
    for case, _, ok in results:
        (agree if ok else disagree)[case["project"]] += 1
    projects = sorted(set(agree) | set(disagree))
    print(f"{'project':<12} {'cases':>5} {'agree':>5} {'disagree':>8}")
    for p in projects:
        print(f"{p:<12} {agree[p] + disagree[p]:>5} {agree[p]:>5} {disagree[p]:>8}")
    total_a, total_d = sum(agree.values()), sum(disagree.values())
    print(f"{'total':<12} {total_a + total_d:>5} {total_a:>5} {total_d:>8}")
    if summary_only:
        return
    for p in projects:
        bad = [(c, out) for c, out, ok in results if c["project"] == p and not ok]
        if not bad:
            continue
        print(f"\n== {p}: {len(bad)} disagreements")
        for case, out in bad:
            print(f"\n{case['source']}")
            print(f"  input:    {show(case['input'])}")
            print(f"  expected: {show(case['expected'])}")
            if case["expected_ignoring_spacing"] != case["expected"]:
                print(f"  (spacing as input): {show(case['expected_ignoring_spacing'])}")
            print(f"  cleanse:  {show(out)}")
            if case.get("note"):
                print(f"  note:     {case['note']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="JSONL file of cases")
    ap.add_argument("--project", help="only the cases of this project (autocorrect or zhlint)")
    ap.add_argument("--summary", action="store_true", help="print the counts only")
    args = ap.parse_args()
    cases = load_cases(args.cases)
    if args.project:
        cases = [c for c in cases if c["project"] == args.project]
    report(run(cases, make_cleaner()), args.summary)


if __name__ == "__main__":
    main()
