"""What the cleaner already does around a learned candidate, in the documents it was seen in.

Learning and the line scorer (``model.boilerplate``) meet here. Each candidate line or
template has a few example documents (the first ones holding it); those documents are
cleaned once, exactly as ``cleanse run`` would, and two facts are read from the result:

- **also scored**: in how many examples the scorer removes the candidate's lines on its own.
  Such a rule is still written: measured on generated folders of 4,000 files, leaving out
  the candidates the scorer removed in all (up to three) examples lost 9% of stamp lines,
  because the scorer does not remove a stamp in every context (see docs/learn.md). The
  ``why`` says it, so a reviewer knows the rule mostly backs up the scorer;
- **next to removed ads**: in how many examples the candidate sits in the same block, within
  :data:`cleanse.corpus.AD_REACH` lines, as a line the rules or the scorer remove. A neutral
  line (a platform name, a slogan) repeated at the edges next to scored ad lines is the
  strongest evidence of a stamp; the rule's ``why`` says so.

Only example documents are cleaned (at most three per candidate), so this costs a few hundred
documents whatever the corpus size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .corpus import AD_REACH, split_text
from .corpus_count import Corpus
from .document import Document
from .errors import CleanseError
from .io import read_bytes, source_path

SCORER = "model.boilerplate"
WHITESPACE = "whitespace."


@dataclass(frozen=True)
class Evidence:
    """A candidate's facts over its example documents."""

    examples: int
    scored: int
    beside_ads: int

    def note(self) -> str:
        """For the rule's ``why``: empty when there is nothing to say."""
        notes = []
        if self.beside_ads:
            notes.append(
                f"next to lines removed as ads in {self.beside_ads} of {self.examples} example documents"
            )
        if self.scored:
            notes.append(f"the scorer ({SCORER}) also removes it in {self.scored} of {self.examples}")
        return "; ".join(notes)


@dataclass
class ExampleCleaner:
    """Cleans example documents once each and answers questions about their lines."""

    corpus: Corpus
    _cleaned: dict[int, tuple[list[str], dict[int, str]]] = field(default_factory=dict)

    def _clean(self, index: int) -> tuple[list[str], dict[int, str]]:
        """The document's lines and, by 1-based line number, the rule that removed each."""
        cached = self._cleaned.get(index)
        if cached is not None:
            return cached
        rel = self.corpus.paths[index]
        cleaner = self.corpus.cleaner
        try:  # one read and one decode: the lines learning saw, then the cleaning of them
            decoded: Document = cleaner.decode(read_bytes(source_path(self.corpus.root, rel)), source=rel)
            lines = split_text(decoded.text)
            removed = {
                r.line: r.rule for r in cleaner.clean(decoded).removed if not r.rule.startswith(WHITESPACE)
            }
        except CleanseError:
            lines, removed = [], {}
        self._cleaned[index] = (lines, removed)
        return lines, removed

    def evidence(self, sources: Sequence[int], is_candidate: Callable[[str], bool]) -> Evidence:
        """The facts for a candidate whose lines ``is_candidate`` recognises."""
        examples = scored = beside = 0
        for index in sources:
            lines, removed = self._clean(index)
            hits = [n for n, line in enumerate(lines, 1) if line.strip() and is_candidate(line)]
            if not hits:
                continue
            examples += 1
            scored += all(removed.get(n) == SCORER for n in hits)
            beside += any(_beside_ad(lines, removed, n, is_candidate) for n in hits)
        return Evidence(examples, scored, beside)


def _beside_ad(
    lines: Sequence[str], removed: dict[int, str], n: int, is_candidate: Callable[[str], bool]
) -> bool:
    """A removed line (not the candidate) within AD_REACH non-blank lines, no blank between."""
    for step in (-1, 1):
        seen, k = 0, n + step
        while 1 <= k <= len(lines) and seen < AD_REACH and lines[k - 1].strip():
            if k in removed and not is_candidate(lines[k - 1]):
                return True
            seen, k = seen + 1, k + step
    return False
