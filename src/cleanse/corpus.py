"""Corpus-level boilerplate learning: lines repeated across documents become reviewable rules.

The work is split in two modules: :mod:`cleanse.corpus_count` counts (one pass, in worker
processes, bounded memory) and :mod:`cleanse.corpus_rules` decides and writes the rule file.
This module is the public face of both.

>>> from cleanse.corpus import Corpus, learn_corpus      # doctest: +SKIP
>>> learned = learn_corpus(Corpus.of(root, discover(root), Cleaner()), jobs=4)  # doctest: +SKIP
>>> Path("learned.toml").write_text(learned.text)        # doctest: +SKIP
"""

from __future__ import annotations

from .corpus_count import (
    HEAD_LINES,
    MAX_LINE_CHARS,
    TABLE_CAP,
    Corpus,
    count_corpus,
    is_content_line,
    normalize_line,
)
from .corpus_rules import Learned, LearnOptions, learn_corpus, line_pattern

__all__ = [
    "HEAD_LINES",
    "MAX_LINE_CHARS",
    "TABLE_CAP",
    "Corpus",
    "LearnOptions",
    "Learned",
    "count_corpus",
    "is_content_line",
    "learn_corpus",
    "line_pattern",
    "normalize_line",
]
