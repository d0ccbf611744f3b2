"""What the boilerplate rules find in one line: the stage's matchers, a line's hits and cuts.

:class:`BoilerplateMatchers` holds the stage's rules the way it asks them, built once per
Cleaner: the ``drop-line`` rules grouped by zone (all of them for short lines, only the
``long_lines`` ones for long lines) and searched together as rule tables, and the strong
``drop-span`` rules behind a key screen and a bounded cache. :func:`line_hits` says which
rules hit one line, :func:`cut_all` gives every line with its inline asides cut out.

A module of its own because these are questions about one line, answered the same whatever
the document holds; the stage (:mod:`.boilerplate`) reasons about the whole document with
the answers (zones, blocks, the scorer) and applies the plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from ..matching import CACHE_CHARS, CACHE_LINES, KeyScreen, RuleMatcher, RuleTable
from ..rules import Rule
from .blocks import content
from .zones import LONG_LINE, SEPARATOR, Hits

# A line after its strong span asides are cut out, and the ``(rule, cut text)`` records.
Cut = tuple[str, tuple[tuple[Rule, str], ...]]


@dataclass(frozen=True)
class BoilerplateMatchers:
    """``drop-line`` rules grouped by zone, and the strong spans.

    ``lines`` holds every drop-line rule; ``long`` only those with ``long_lines = true``, the
    only ones that may act on a long line. Body paragraphs are long, so most of the text is
    screened by the small ``long`` groups. The groups a line is asked about are searched
    together through a :class:`~.screen.RuleTable` (built here, once per Cleaner), and span
    cuts of short lines are cached the same way (see :mod:`.screen`).
    """

    lines: dict[str, RuleMatcher]
    long: dict[str, RuleMatcher]
    spans: RuleMatcher
    separators: RuleMatcher
    # The same groups as RuleTables (see :mod:`.screen`): what ``line_hits`` searches, per
    # line length (short, long) and reach (every zone, or the body's).
    tables: dict[tuple[bool, bool], RuleTable] = field(init=False, repr=False, compare=False)
    span_screen: KeyScreen = field(init=False, repr=False, compare=False)
    _cut_cached: Callable[[str], Cut] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tables = {}
        for long_line, groups in ((False, self.lines), (True, self.long)):
            tables[long_line, False] = RuleTable(list(groups.values()))
            tables[long_line, True] = RuleTable([groups["anywhere"], self.separators], dedupe=True)
        object.__setattr__(self, "tables", tables)
        object.__setattr__(self, "span_screen", KeyScreen(self.spans.rules, self.spans.timeout))
        cut = lru_cache(maxsize=CACHE_LINES)(partial(_cut_spans, matcher=self.spans))
        object.__setattr__(self, "_cut_cached", cut)

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        """Pickles as its matchers: the tables and caches are rebuilt where it arrives."""
        return (BoilerplateMatchers, (self.lines, self.long, self.spans, self.separators))

    def cut(self, line: str) -> Cut:
        """:func:`_cut_spans` of ``line``: nothing where the span screen shows no span rule
        can match, a short line from a bounded cache (span asides repeat like ad lines)."""
        if not self.span_screen.may_match(line):
            return line, ()
        if len(line) > CACHE_CHARS:
            return _cut_spans(line, self.spans)
        return self._cut_cached(line)

    @classmethod
    def build(cls, rules: tuple[Rule, ...], timeout: float | None) -> BoilerplateMatchers:
        def group(*, long_only: bool) -> dict[str, RuleMatcher]:
            return {
                zone: RuleMatcher(
                    tuple(
                        r
                        for r in rules
                        if r.action == "drop-line" and r.zone == zone and (r.long_lines or not long_only)
                    ),
                    timeout,
                )
                for zone in ("head", "tail", "edges", "anywhere")
            }

        spans = tuple(r for r in rules if r.action == "drop-span" and r.strength == "strong")
        separators = tuple(r for r in rules if r.action == "drop-line" and r.category == SEPARATOR)
        return cls(
            lines=group(long_only=False),
            long=group(long_only=True),
            spans=RuleMatcher(spans, timeout),
            separators=RuleMatcher(separators, timeout),
        )


def line_hits(
    line: str, matchers: BoilerplateMatchers, *, body: bool = False, size: int | None = None
) -> Hits:
    """Every ``drop-line`` rule that hits the line and may act on a line this long.

    ``body=True``: only what may act inside the body (``anywhere`` rules and separators), for
    lines known to lie between the first and the last body line. ``size``: the line's
    :func:`~.blocks.content_len`, when the caller has it. The groups are searched as one
    :class:`~.screen.RuleTable`, with the results of each group's ``matching`` in turn.
    """
    if not line.strip():
        return ()
    if size is None:
        size = len(content(line))
    return matchers.tables[size > LONG_LINE, body].hits(line)


MAX_CUT_PASSES = 8


def _cut_once(line: str, matcher: RuleMatcher) -> tuple[str, list[tuple[Rule, str]]]:
    hits = matcher.finditer(line) if matcher and line.strip() else []
    if not hits:
        return line, []
    pieces, cuts, pos = [], [], 0
    for rule, m in hits:
        pieces.append(line[pos : m.start()])
        cuts.append((rule, m.group()))
        pos = m.end()
    pieces.append(line[pos:])
    return "".join(pieces), cuts


def _cut_spans(line: str, matcher: RuleMatcher) -> Cut:
    """The line with every strong span match cut out, and ``(rule, cut text)`` records.

    Cutting can join two pieces into a new match, so cuts repeat until none is left (bounded):
    cleaning the output again must find nothing more to cut.
    """
    cuts: list[tuple[Rule, str]] = []
    for _ in range(MAX_CUT_PASSES):
        line, found = _cut_once(line, matcher)
        if not found:
            break
        cuts += found
    return line, tuple(cuts)


def cut_all(text: str, lines: list[str], matchers: BoilerplateMatchers) -> list[Cut]:
    """:func:`_cut_spans` of every line (see :meth:`BoilerplateMatchers.cut`)."""
    if not matchers.span_screen.may_match(text):
        return [(line, ()) for line in lines]
    return [matchers.cut(line) for line in lines]
