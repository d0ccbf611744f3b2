"""Half-width punctuation inside Chinese prose -> full width (GB/T 15834-2011), by rules.

Every conversion is a ``replace`` rule in ``rules/punctuation*.toml`` whose pattern carries its
own context as lookarounds (a CJK character on the relevant side, a paren pair whose content is
Chinese, a quote whose pair encloses Chinese), so the tables are data a user can read and edit.
This module adds the two things a regex table cannot say by itself:

- **Protected spans** (:mod:`.protect`): a match that would reach into a number, URL, e-mail,
  path, code token or run of Latin words is dropped, whatever rule produced it. Lookarounds
  still see the whole line, so context is judged on the real neighbours.
- **A fixed point**: converting one mark can give its neighbour the Chinese context it lacked
  (``foo,(中文)`` -> ``foo,（中文）`` -> ``foo，（中文）``). Lines that changed are run again,
  a few times at most, so that cleaning cleaned text changes nothing.

Each conversion is recorded as a Change with its rule id, input line, before and after.
"""

from __future__ import annotations

from functools import partial

from ..document import Document, map_lines
from ..matcher import RuleMatcher, run_without_timeouts
from . import Stage
from .protect import overlaps, protected_spans

MAX_PASSES = 6

Record = tuple[str, str, str]


def convert_once(line: str, matcher: RuleMatcher) -> tuple[str, list[Record]]:
    """One pass of every rule over ``line``; matches touching a protected span are skipped."""
    hits = matcher.finditer(line)
    if not hits:
        return line, []
    spans = protected_spans(line)
    out: list[str] = []
    records: list[Record] = []
    pos = 0
    for rule, m in hits:
        if overlaps(spans, m.start(), m.end()):
            continue
        after = matcher.expand(rule, m)
        if after == m.group():
            continue
        out.append(line[pos : m.start()])
        out.append(after)
        pos = m.end()
        records.append((rule.id, m.group(), after))
    out.append(line[pos:])
    return "".join(out), records


def convert_line(line: str, matcher: RuleMatcher) -> tuple[str, list[Record]]:
    """Passes of :func:`convert_once` until nothing changes (at most ``MAX_PASSES``)."""
    if not matcher or not line:
        return line, []
    records: list[Record] = []
    for _ in range(MAX_PASSES):
        line, found = convert_once(line, matcher)
        if not found:
            break
        records += found
    return line, records


def normalize_punctuation(doc: Document, *, matcher: RuleMatcher) -> Document:
    """Apply the punctuation rules to every line, outside protected spans."""
    if not matcher:
        return doc
    return run_without_timeouts(lambda d, m: map_lines(d, lambda line: convert_line(line, m)), doc, matcher)


def build_punctuation(matcher: RuleMatcher) -> Stage:
    """The punctuation stage over the enabled punctuation rules."""
    return Stage("punctuation", partial(normalize_punctuation, matcher=matcher))
