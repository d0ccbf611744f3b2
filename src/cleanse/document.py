"""The one type that flows through cleanse, and the records of what happened to it.

A stage never mutates a Document: it returns a new one whose ``removed``, ``changes`` and
``flags`` have grown. Removed text is kept verbatim, so every run can be audited and undone.

Line numbers
------------
``Removal.line`` and ``Change.line`` are 1-based lines of the *decoded input*. Stages drop
lines, so a Document also carries ``origins``: for each line of the current ``text`` the input
line it came from. The helpers below (``drop_lines``, ``map_lines``) keep ``origins`` true, so a
stage author never has to think about it. ``Flag.line``/``col`` refer to the OUTPUT text.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar


@dataclass(frozen=True, slots=True)
class Removal:
    """A removed line or span. ``line`` is the 1-based line in the decoded input.

    A line removed on a learned model's score (rule ``model.boilerplate``) also carries that
    ``score`` and the ``features`` that raised it most, each with its contribution.
    """

    rule: str
    line: int
    text: str
    score: float | None = None
    features: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """An in-place normalization (punctuation, spacing, invisibles)."""

    rule: str
    line: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Flag:
    """Something found but not changed (a placeholder, a damaged byte).

    ``line``/``col`` are 1-based and count characters of the OUTPUT text; ``category`` says
    what was found in more detail (e.g. ``count`` or ``person`` for a placeholder).
    """

    kind: str
    rule: str
    line: int
    col: int
    text: str
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A text and everything cleanse did to it."""

    text: str
    source: str = ""
    encoding: str | None = None
    changes: tuple[Change, ...] = ()
    removed: tuple[Removal, ...] = ()
    flags: tuple[Flag, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)  # read-only by convention
    origins: tuple[int, ...] | None = None

    # -- construction helpers -------------------------------------------------------------
    def replace(self, **kwargs: Any) -> Document:
        """A copy with some fields replaced; like ``dataclasses.replace`` but ~5x cheaper.

        Stages call this several times per document, so it sits on the per-line hot path
        (``dataclasses.replace`` was 11% of a run's CPU). Document has no ``__post_init__``.
        """
        unknown = kwargs.keys() - _DOCUMENT_FIELDS
        if unknown:
            raise TypeError(f"Document has no field(s) {', '.join(sorted(unknown))}")
        new = object.__new__(Document)
        for name in _DOCUMENT_FIELDS:
            object.__setattr__(new, name, kwargs[name] if name in kwargs else getattr(self, name))
        return new

    def with_meta(self, **items: Any) -> Document:
        """A copy whose ``meta`` has these extra items."""
        return self.replace(meta={**self.meta, **items})

    def add(
        self,
        *,
        removed: Iterable[Removal] = (),
        changes: Iterable[Change] = (),
        flags: Iterable[Flag] = (),
        warnings: Iterable[str] = (),
        omitted: Mapping[str, int] | None = None,
    ) -> Document:
        """A copy with more records appended (``warnings`` go to ``meta['warnings']``).

        Past ``MAX_RECORDS`` changes (or flags) a document keeps no more records of them,
        only their count by rule in ``meta['omitted']``; ``omitted`` adds counts a stage
        kept without building records. Removals are never capped: removed text is kept.
        """
        removed, changes, flags, warnings = tuple(removed), tuple(changes), tuple(flags), tuple(warnings)
        if not (removed or changes or flags or warnings or omitted):
            return self
        counts: dict[str, int] = dict(omitted or {})
        changes = _within_cap(self.changes, changes, counts)
        flags = _within_cap(self.flags, flags, counts)
        doc = self.replace(removed=self.removed + removed, changes=changes, flags=flags)
        if warnings:
            doc = doc.with_meta(warnings=tuple(self.meta.get("warnings", ())) + warnings)
        if counts:
            merged = dict(self.meta.get("omitted", {}))
            for rule, n in counts.items():
                merged[rule] = merged.get(rule, 0) + n
            doc = doc.with_meta(omitted=merged)
        return doc

    # -- line views -----------------------------------------------------------------------
    @property
    def lines(self) -> list[str]:
        """The text split on ``\\n`` (a final newline does not make an extra empty line)."""
        return split_lines(self.text)

    def line_origins(self) -> tuple[int, ...]:
        """Input line number for each current line (identity until a stage drops lines)."""
        if self.origins is not None:
            return self.origins
        return tuple(range(1, len(self.lines) + 1))

    @property
    def removals(self) -> tuple[Removal, ...]:
        """Deprecated name of :attr:`removed` (the report's word, used everywhere since
        2026-12-04); kept for code written before."""
        warnings.warn("Document.removals is now Document.removed", DeprecationWarning, stacklevel=2)
        return self.removed

    @property
    def changed(self) -> bool:
        """True when any stage removed or changed anything."""
        return bool(self.removed or self.changes)


_DOCUMENT_FIELDS = tuple(f.name for f in dataclasses.fields(Document))

MAX_RECORDS = 2_000
"""Changes, and flags, a document keeps records of per rule; each one past this is only
counted (``meta['omitted']``, the report's ``omitted``), so every rule that acted still shows
its first records. A 10 MB text of half-width commas made millions of records: 386 MB of
memory and a 600 MB report for one document."""

R = TypeVar("R", Change, Flag)


def _within_cap(kept: tuple[R, ...], more: tuple[R, ...], counts: dict[str, int]) -> tuple[R, ...]:
    """``kept + more``, at most ``MAX_RECORDS`` of each rule; the rest counted into ``counts``."""
    if len(kept) + len(more) <= MAX_RECORDS:  # no rule can be over: the common case
        return kept + more if more else kept
    per_rule = Counter(r.rule for r in kept)
    out: list[R] = []
    for record in more:
        if per_rule[record.rule] < MAX_RECORDS:
            per_rule[record.rule] += 1
            out.append(record)
        else:
            counts[record.rule] = counts.get(record.rule, 0) + 1
    return kept + tuple(out)


def split_lines(text: str) -> list[str]:
    """Split on ``\\n`` only; a trailing newline ends the last line rather than adding one."""
    if not text:
        return []
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def join_lines(lines: Iterable[str], *, final_newline: bool) -> str:
    """Inverse of :func:`split_lines`."""
    out = "\n".join(lines)
    return out + "\n" if final_newline and out else out


BLANK_LINES_RULE = "whitespace.blank-lines"


def _fit_origins(text: str, origins: Sequence[int]) -> tuple[int, ...]:
    """``origins`` cut to the lines ``text`` really has.

    Joining lines whose last one is empty (``["a", ""]`` without a final newline, or ``[""]``)
    gives a text with one line fewer; without this cut ``origins`` would be longer than
    ``lines`` and the next stage would fail.
    """
    return tuple(origins[: len(split_lines(text))])


def drop_lines(
    doc: Document,
    drops: Mapping[int, str],
    evidence: Mapping[int, tuple[float, tuple[tuple[str, float], ...]]] | None = None,
) -> Document:
    """Remove the lines whose 0-based index is a key of ``drops``; the value is the rule id.

    Each dropped line becomes a Removal with its input line number, and ``origins`` follows.
    ``evidence``: ``(score, features)`` of lines a model removed, kept on their Removal.
    """
    if not drops:
        return doc
    lines, origins = doc.lines, doc.line_origins()
    keep = [i for i in range(len(lines)) if i not in drops]
    # A dropped last line leaves the line before it with its own newline: keep that newline,
    # or a blank line before it would vanish from the text with no Removal to show for it.
    final = doc.text.endswith("\n") or (len(lines) - 1) in drops
    text = join_lines((lines[i] for i in keep), final_newline=final)
    # The one case the text still cannot hold: only a blank line is left. It is gone, so say so.
    survivors = len(split_lines(text))
    gone = {**drops, **dict.fromkeys(keep[survivors:], BLANK_LINES_RULE)}
    evidence = evidence or {}
    removals = [Removal(gone[i], origins[i], lines[i], *evidence.get(i, (None, ()))) for i in sorted(gone)]
    kept = tuple(origins[i] for i in keep[:survivors])
    return doc.replace(text=text, origins=kept).add(removed=removals)


LineFix = Callable[[str], tuple[str, list[tuple[str, str, str]]]]


def map_lines(doc: Document, fix: LineFix, rows: Iterable[int] | None = None) -> Document:
    """Apply ``fix`` to every line; it returns the new line and ``(rule, before, after)`` records.

    ``rows`` (0-based, ascending): only these lines can change, so ``fix`` runs on them alone
    (a screen found that nothing in the other lines can match). Line count must not change: a
    fix that needs to drop lines uses :func:`drop_lines`.
    """
    lines, origins = doc.lines, doc.line_origins()
    if len(origins) != len(lines):
        raise ValueError(f"{len(lines)} lines but {len(origins)} origins")
    out = list(lines)
    changes: list[Change] = []
    room = MAX_RECORDS - len(doc.changes)  # below this no rule can pass its cap
    per_rule: Counter[str] | None = None  # counted once records may pass it
    counts: dict[str, int] = {}  # changes past the cap: counted, never built
    for i in range(len(lines)) if rows is None else rows:
        new, records = fix(lines[i])
        if "\n" in new:
            raise ValueError("a line fix must not insert newlines")
        out[i] = new
        origin = origins[i]
        for rule, before, after in records:
            if len(changes) < room:
                changes.append(Change(rule, origin, before, after))
                continue
            if per_rule is None:
                per_rule = Counter(c.rule for c in (*doc.changes, *changes))
            if per_rule[rule] < MAX_RECORDS:
                per_rule[rule] += 1
                changes.append(Change(rule, origin, before, after))
            else:
                counts[rule] = counts.get(rule, 0) + 1
    if not changes and not counts and out == lines:
        return doc
    text = join_lines(out, final_newline=doc.text.endswith("\n"))
    return doc.replace(text=text, origins=_fit_origins(text, origins)).add(changes=changes, omitted=counts)
