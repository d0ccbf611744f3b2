"""Half-width punctuation inside Chinese prose -> full width (GB/T 15834-2011), by rules.

Every conversion is a ``replace`` rule in ``rules/punctuation*.toml`` whose pattern carries its
own context as lookarounds (a CJK character on the relevant side, a paren pair whose content is
Chinese, a quote whose pair encloses Chinese), so the tables are data a user can read and edit.
This module adds what a regex table cannot say by itself:

- **Protected spans** (:mod:`.protect`): a match that would reach into a number, URL, e-mail,
  path, code token or run of Latin words is dropped, whatever rule produced it. Lookarounds
  still see the whole line, so context is judged on the real neighbours.
- **Quote pairing**: quotes pair up in order across a line (curly ones counted, apostrophes
  such as ``don't`` not), so a rule may write an opening quote (“ ‘) only at an opening
  position (1st, 3rd, ... quote of its kind) and a closing one (” ’) only at a closing one.
  Counting once per line keeps this linear; a regex lookbehind back to the line start did not.
- **A fixed point**: converting one mark can give its neighbour the Chinese context it lacked
  (``foo,(中文)`` -> ``foo,（中文）`` -> ``foo，（中文）``). Lines that changed are run again,
  a few times at most, so that cleaning cleaned text changes nothing.

Each conversion is recorded as a Change with its rule id, input line, before and after.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import regex

from ..document import Document
from ..errors import RuleTimeout
from ..matcher import RuleMatcher, run_without_timeouts
from ..rules import Rule
from . import Stage, map_screened_lines
from .protect import overlaps, protected_ranges

MAX_PASSES = 6

Record = tuple[str, str, str]

# For each quote a rule may write: (is it an opening quote, the characters of its family).
_QUOTES = {"“": (True, '"“”'), "”": (False, '"“”'), "‘": (True, "'‘’"), "’": (False, "'‘’")}


def _is_apostrophe(line: str, i: int) -> bool:
    """``'`` or ``’`` between two ASCII letters or digits (don't, Ian's) is not a quote."""
    return (
        0 < i < len(line) - 1
        and line[i] in "'’"
        and line[i - 1].isascii()
        and line[i - 1].isalnum()
        and line[i + 1].isascii()
        and line[i + 1].isalnum()
    )


def quote_slots(line: str, family: str) -> dict[int, bool]:
    """Position of each quote of ``family`` -> True where it opens (1st, 3rd, ...), else False."""
    slots: dict[int, bool] = {}
    for i, ch in enumerate(line):
        if ch in family and not _is_apostrophe(line, i):
            slots[i] = len(slots) % 2 == 0
    return slots


def _pairing_ok(line: str, start: int, after: str, cache: dict[str, dict[int, bool]]) -> bool:
    """A rule writing a quote must write an opening quote at an opening position, and so on."""
    if after not in _QUOTES:
        return True
    opening, family = _QUOTES[after]
    if family not in cache:
        cache[family] = quote_slots(line, family)
    return cache[family].get(start) is opening


def _search(rule: Rule, line: str, pos: int, timeout: float) -> regex.Match[str] | None:
    try:
        return rule.compiled.search(line, pos, timeout=timeout)
    except TimeoutError:
        raise RuleTimeout(rule.id, timeout) from None


def _candidates(
    line: str, matcher: RuleMatcher, keys: Sequence[str] | None = None
) -> list[tuple[int, int, Rule, regex.Match[str], str]]:
    """Every allowed match of every rule: (start, rule order, rule, match, replacement).

    Matches are filtered *before* overlaps are resolved, so a match dropped for touching a
    protected span or for a quote in the wrong slot does not hide another rule's match there.
    """
    found: list[tuple[int, int, Rule, regex.Match[str], str]] = []
    spans: list[tuple[int, int]] | None = None
    slots: dict[str, dict[int, bool]] = {}
    for order, (rule, first) in enumerate(matcher.matching(line, keys)):
        m: regex.Match[str] | None = first
        while m is not None:
            if spans is None:
                spans = protected_ranges(line)
            after = matcher.expand(rule, m)
            if (
                after != m.group()
                and not overlaps(spans, m.start(), m.end())
                and _pairing_ok(line, m.start(), after, slots)
            ):
                found.append((m.start(), order, rule, m, after))
            nxt = m.end() if m.end() > m.start() else m.end() + 1
            m = _search(rule, line, nxt, matcher.timeout) if nxt <= len(line) else None
    found.sort(key=lambda t: (t[0], t[1]))
    return found


def convert_once(
    line: str, matcher: RuleMatcher, keys: Sequence[str] | None = None
) -> tuple[str, list[Record]]:
    """One pass of every rule over ``line``; earlier matches win, overlapping later ones drop.

    ``keys``: the matcher's keys that can occur in ``line`` (None: any of them).
    """
    out: list[str] = []
    records: list[Record] = []
    pos = limit = 0
    for start, _, rule, m, after in _candidates(line, matcher, keys):
        if start < limit:
            continue
        out.append(line[pos:start])
        out.append(after)
        pos = m.end()
        limit = start + 1 if m.end() == start else m.end()  # one insertion per position
        records.append((rule.id, m.group(), after))
    out.append(line[pos:])
    return "".join(out), records


def convert_line(
    line: str, matcher: RuleMatcher, keys: Sequence[str] | None = None
) -> tuple[str, list[Record]]:
    """Passes of :func:`convert_once` until nothing changes (at most ``MAX_PASSES``).

    ``keys`` (those of the line's document) screen the first pass only: a conversion can bring
    a key the document lacked (``,`` -> ``，``), so later passes screen with every key.
    """
    if not matcher or not line:
        return line, []
    records: list[Record] = []
    for _ in range(MAX_PASSES):
        line, found = convert_once(line, matcher, keys)
        if not found:
            break
        records += found
        keys = None
    return line, records


def normalize_punctuation(doc: Document, *, matcher: RuleMatcher) -> Document:
    """Apply the punctuation rules to every line, outside protected spans."""
    if not matcher:
        return doc
    return run_without_timeouts(_normalize_body, doc, matcher)


def _normalize_body(doc: Document, matcher: RuleMatcher) -> Document:
    return map_screened_lines(doc, matcher, lambda line, keys: convert_line(line, matcher, keys))


def build_punctuation(matcher: RuleMatcher) -> Stage:
    """The punctuation stage over the enabled punctuation rules."""
    return Stage("punctuation", partial(normalize_punctuation, matcher=matcher))
