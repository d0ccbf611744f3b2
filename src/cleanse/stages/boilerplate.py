"""Promotional header/footer/inline removal, driven by ``stage = "boilerplate"`` rules.

Zones: the head of a document is every line before the first body-like line, the tail every
line after the last one; ``edges`` is both, ``anywhere`` the whole text. Actions:
``drop-line`` removes the whole line, ``drop-span`` only the matched text. Precision before
recall: outside the head/tail a ``drop-line`` rule never removes a long line unless the rule
says ``long_lines = true``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from ..document import Document, Removal, drop_lines, join_lines
from ..matcher import RuleMatcher, run_without_timeouts
from ..rules import Rule
from . import Stage

LONG_LINE = 40
_SENTENCE_END = tuple("。！？；…”’」』）")


@dataclass(frozen=True)
class BoilerplateMatchers:
    """One matcher per (zone, action) group, so each line is screened once per group."""

    lines: dict[str, RuleMatcher]
    spans: dict[str, RuleMatcher]

    @classmethod
    def build(cls, rules: tuple[Rule, ...], timeout: float) -> BoilerplateMatchers:
        def group(action: str) -> dict[str, RuleMatcher]:
            return {
                zone: RuleMatcher(tuple(r for r in rules if r.action == action and r.zone == zone), timeout)
                for zone in ("head", "tail", "edges", "anywhere")
            }

        return cls(lines=group("drop-line"), spans=group("drop-span"))


def is_body_like(line: str) -> bool:
    """A line that reads as content: long enough and ending like a sentence, or a salutation."""
    s = line.strip()
    if not s:
        return False
    if len(s) <= 12 and s.endswith(("：", ":")) and not any(c in s for c in "群号QqＱ"):
        return True
    return len(s) >= 30 and s.endswith(_SENTENCE_END)


def zone_bounds(lines: list[str]) -> tuple[int, int]:
    """(first body line, last body line) indexes; the head is before, the tail after."""
    body = [i for i, line in enumerate(lines) if is_body_like(line)]
    if not body:
        return len(lines), -1
    return body[0], body[-1]


def _zones_of(i: int, first: int, last: int) -> tuple[str, ...]:
    zones = ["anywhere"]
    if i < first:
        zones += ["head", "edges"]
    if i > last:
        zones += ["tail", "edges"]
    return tuple(zones)


def _drop_line_rules(doc: Document, matchers: BoilerplateMatchers) -> Document:
    lines = doc.lines
    first, last = zone_bounds(lines)
    drops: dict[int, str] = {}
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        for zone in _zones_of(i, first, last):
            hit = matchers.lines[zone].first(line)
            if hit is None:
                continue
            rule = hit[0]
            if zone == "anywhere" and len(line.strip()) > LONG_LINE and not rule.long_lines:
                continue
            drops[i] = rule.id
            break
    return drop_lines(doc, drops)


def _drop_span_rules(doc: Document, matcher: RuleMatcher) -> Document:
    """Remove matched spans anywhere; each span is a Removal with its input line."""
    if not matcher:
        return doc
    lines, origins = doc.lines, doc.line_origins()
    removals: list[Removal] = []
    out: list[str] = []
    for line, origin in zip(lines, origins, strict=True):
        pieces, pos = [], 0
        for rule, m in matcher.finditer(line):
            pieces.append(line[pos : m.start()])
            removals.append(Removal(rule.id, origin, m.group()))
            pos = m.end()
        out.append("".join(pieces) + line[pos:] if pieces else line)
    if not removals:
        return doc
    text = join_lines(out, final_newline=doc.text.endswith("\n"))
    return doc.replace(text=text).add(removals=removals)


def _remove_boilerplate(doc: Document, *, matchers: BoilerplateMatchers) -> Document:
    for zone, matcher in matchers.lines.items():
        doc = run_without_timeouts(
            lambda d, m, z=zone: _drop_line_rules(d, _swap(matchers, z, m)), doc, matcher
        )
    span_matcher = RuleMatcher(
        tuple(r for m in matchers.spans.values() for r in m.rules),
        next(iter(matchers.spans.values())).timeout,
    )
    return run_without_timeouts(_drop_span_rules, doc, span_matcher)


def _swap(matchers: BoilerplateMatchers, zone: str, matcher: RuleMatcher) -> BoilerplateMatchers:
    """Only the given zone's drop-line group (others empty): one zone group per pass."""
    empty = {z: RuleMatcher((), matcher.timeout) for z in matchers.lines}
    return BoilerplateMatchers(lines={**empty, zone: matcher}, spans=matchers.spans)


def build_boilerplate(rules: tuple[Rule, ...], *, timeout: float) -> Stage:
    """The boilerplate stage over the enabled boilerplate rules."""
    matchers = BoilerplateMatchers.build(rules, timeout)
    return Stage("boilerplate", partial(_remove_boilerplate, matchers=matchers))
