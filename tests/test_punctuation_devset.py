"""The devset's punctuation and protected-span labels, scored with the devset's own scorer.

Each document is decoded with its labelled encoding (encoding detection is scored elsewhere),
so these numbers measure the punctuation and whitespace stages alone: every injected
half-width mark fixed, every protected ASCII span intact, whitespace clean.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections import Counter
from pathlib import Path

from cleanse import Cleaner


def _scorer(devset: Path):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(devset))
    try:
        return importlib.import_module("score")
    finally:
        sys.path.remove(str(devset))


def test_devset_punctuation_and_protected_spans(devset_dir: Path) -> None:
    score = _scorer(devset_dir)
    totals: Counter[str] = Counter()
    misses: list[tuple[str, object]] = []
    cleaners: dict[str, Cleaner] = {}
    for label_path in sorted((devset_dir / "gold").glob("doc*.json")):
        label = json.loads(label_path.read_text(encoding="utf-8"))
        gold = score.split_lines(label_path.with_suffix(".txt").read_text(encoding="utf-8"))
        enc = label["encoding"]
        cleaner = cleaners.setdefault(enc, Cleaner(encoding=enc))
        doc = cleaner.clean_bytes((devset_dir / "in" / label["path"]).read_bytes())
        counts, miss = score.score_doc(label, gold, doc.text, None, None)
        totals.update(counts)
        misses += [(label["id"], m) for key in ("punct_unfixed", "protected_broken") for m in miss[key]]
    assert totals["punct_total"] > 300 and totals["prot_total"] > 700
    assert misses == []
    assert totals["punct_fixed"] == totals["punct_total"]
    assert totals["prot_intact"] == totals["prot_total"]
    assert totals["ws_clean"] == totals["nbsp_free"] == totals["docs"]
