"""The stages: small transformations ``(Document) -> Document``, applied in a fixed order.

encoding (bytes -> Document) -> whitespace (early) -> boilerplate -> punctuation ->
whitespace (final) -> placeholders. Each stage module exposes a ``build_*`` function that
takes the RuleSet and Options and returns a :class:`Stage`. The helpers here apply the
generic rule actions (``replace`` and ``flag``) so that stages share one engine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..document import Document, Flag, map_lines
from ..matching import RuleMatcher, run_without_timeouts

StageFn = Callable[[Document], Document]


@dataclass(frozen=True)
class Stage:
    """A named, picklable step: ``stage(doc) -> doc``."""

    name: str
    fn: StageFn

    def __call__(self, doc: Document) -> Document:
        return self.fn(doc)


def replace_in_line(
    line: str, matcher: RuleMatcher, keys: Sequence[str] | None = None
) -> tuple[str, list[tuple[str, str, str]]]:
    """Apply every ``replace`` rule's matches in one line; returns the line and change records.

    ``keys``: the matcher's keys present in the line's document (see ``RuleMatcher.keys_in``).
    """
    if not matcher:
        return line, []
    hits = matcher.finditer(line, keys)
    if not hits:
        return line, []
    out: list[str] = []
    records: list[tuple[str, str, str]] = []
    pos = 0
    for rule, m in hits:
        after = matcher.expand(rule, m)
        out.append(line[pos : m.start()])
        out.append(after)
        pos = m.end()
        if after != m.group():
            records.append((rule.id, m.group(), after))
    out.append(line[pos:])
    return "".join(out), records


def apply_replace_rules(doc: Document, matcher: RuleMatcher) -> Document:
    """All ``replace`` rules of a group over every line, each change recorded with its rule."""
    if not matcher:
        return doc
    return run_without_timeouts(_replace_body, doc, matcher)


ScreenedFix = Callable[[str, Sequence[str]], tuple[str, list[tuple[str, str, str]]]]


def map_screened_lines(doc: Document, matcher: RuleMatcher, fix: ScreenedFix) -> Document:
    """``fix(line, keys)`` over the lines that can change, found by one screen of the whole
    document: when no rule's key occurs anywhere, nothing runs (the common case); otherwise
    only lines holding a key are fixed (all lines when some rule has no keys)."""
    text = doc.text
    keys = matcher.keys_in(text)
    if matcher.nothing_in(text, keys):
        return doc
    return map_lines(doc, lambda line: fix(line, keys), matcher.rows_holding(text, keys))


def _replace_body(doc: Document, matcher: RuleMatcher) -> Document:
    return map_screened_lines(doc, matcher, lambda line, keys: replace_in_line(line, matcher, keys))


def flag_rules(doc: Document, matcher: RuleMatcher, *, default_kind: str) -> Document:
    """Flags for every match of a group of ``flag`` rules; positions are 1-based in ``doc.text``.

    A rule may mark the exact flagged part with a group named ``flag``; otherwise the whole
    match is flagged. Positions count characters of the current (= output) text.
    """
    if not matcher:
        return doc

    def body(d: Document, m: RuleMatcher) -> Document:
        flags = []
        for n, line in enumerate(d.lines, 1):
            for rule, match in m.finditer(line):
                start, end = match.span("flag") if "flag" in match.groupdict() else match.span()
                if start < 0:
                    start, end = match.span()
                flags.append(
                    Flag(rule.kind or default_kind, rule.id, n, start + 1, line[start:end], rule.category)
                )
        return d.add(flags=flags)

    return run_without_timeouts(body, doc, matcher)
