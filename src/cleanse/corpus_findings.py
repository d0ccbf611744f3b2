"""What corpus learning decides on and returns: its thresholds, one learned line, the result.

:class:`LearnOptions` holds the thresholds, :class:`Finding` one counted line or template
group that passed them (read from its count record), :class:`Learned` what ``cleanse learn``
found. They are a module of their own because deciding (:mod:`cleanse.corpus_rules`) and
writing (:mod:`cleanse.corpus_render`) both read them, and the writer must not import the
decider that calls it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .corpus_count import _NO_LINE, _SENTINEL, is_template_record
from .corpus_templates import Template
from .rules import Rule


@dataclass(frozen=True)
class LearnOptions:
    """Thresholds of learning (defaults: the issue's; precision before recall)."""

    min_docs: int = 3
    min_share: float = 0.01
    edge_share: float = 0.9
    title_share: float = 0.5
    block_share: float = 0.8

    def min_count(self, total: int) -> int:
        """Documents a line must appear in: both thresholds, never fewer than 2."""
        return max(2, self.min_docs, math.ceil(self.min_share * total))


@dataclass
class Finding:
    """One learned line: its counts, example documents, and (after reading them) its text."""

    key: int
    docs: int
    head: int
    tail: int
    ad: int
    sources: tuple[int, ...]
    text: str = ""
    position: int = 0
    keep: str = ""
    variants: tuple[tuple[int, int], ...] = ()
    template: Template | None = None
    note: str = ""

    @classmethod
    def of(cls, key: int, rec: Sequence[int]) -> Finding:
        if is_template_record(rec):
            variants = tuple(
                (line, doc) for line, doc in zip(rec[6::2], rec[7::2], strict=True) if line != _NO_LINE
            )
            sources = tuple(sorted({doc for _line, doc in variants}))
            return cls(key, rec[0], rec[1], rec[2], rec[3], sources, variants=variants)
        sources = tuple(s for s in rec[6:] if s != _SENTINEL)
        return cls(key, rec[0], rec[1], rec[2], rec[3], sources)


@dataclass
class Learned:
    """What ``cleanse learn`` found: the rule file text, its rules, and the corpus size."""

    text: str
    rules: tuple[Rule, ...]
    documents: int
    blocks: list[list[Finding]] = field(default_factory=list)
