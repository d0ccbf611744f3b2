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
from functools import lru_cache, partial

import regex

from ..document import Document
from ..errors import RuleTimeout
from ..matcher import RuleMatcher, run_without_timeouts
from ..rules import Rule
from . import Stage, map_screened_lines
from .needles import Needles, first_chars, needles
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


Found = tuple[int, int, int, str, str, str]
# Per rule, in the matcher's order: the rule, its replacement when that is the same text for
# every match (else None), what that text is as a quote (else None), the longer text a line
# must hold for the rule to match there (see :mod:`.needles`; None: unknown) and its scanner
# (see :func:`_scanner`; None: matches are found with ``finditer``).
_Entry = tuple[Rule, str | None, tuple[bool, str] | None, Needles | None, "regex.Pattern[str] | None"]


def _constant_replacement(rule: Rule) -> str | None:
    """The replacement of every match when no match can change it: a ``replace`` template
    without escapes or group references (``m.expand`` returns it as it is), else None."""
    if rule.translate is not None or rule.replace is None or "\\" in rule.replace:
        return None
    return rule.replace


# A rule's own groups are renumbered inside a scanner, so references to them cannot be kept;
# global flags and \G mean something else there too.
_UNSCANNABLE = regex.compile(r"\\[1-9]|\(\?P=|\\g<|\(\?[a-zA-Z]+\)|\\G")
# Longer lines are left to ``finditer``: a scanner keeps every capture of the line in memory.
SCAN_MAX = 20_000


@lru_cache(maxsize=512)
def _scanner(rule: Rule, timeout: float) -> regex.Pattern[str] | None:
    """One pattern whose single match captures every match of ``rule`` in a line, or None.

    A timed regex call costs ~1.5 us to set up and ~0.7 us more per match it finds, more than
    finding a match costs. When every match of the rule starts with one of a few characters F
    (:func:`.needles.first_chars`), ``(?:[^F]*+(?:(RULE)|[F]))*`` walks the line: it skips to
    the next F, takes the rule's match there (the one a search from that point would find)
    or steps over the F, and so on, and ``spans(1)`` lists the matches ``finditer`` would
    give (none is empty: each starts with an F). Checked against ``finditer`` on the rule's
    examples before it is used. Cached: a matcher rebuilt without a timed-out rule reuses it.
    """
    first = first_chars(rule)
    if first is None or _UNSCANNABLE.search(rule.pattern):
        return None
    chars = "".join(f"\\U{ord(c):08x}" for c in first)
    try:
        scanner = regex.compile(f"(?:[^{chars}]*+(?:({rule.pattern})|[{chars}]))*")
    except regex.error:
        return None
    for text in (*rule.examples_match, *rule.examples_keep, *(a for a, _ in rule.examples_fix)):
        try:
            m = scanner.match(text, timeout=timeout)
            expected = [x.span() for x in rule.compiled.finditer(text, timeout=timeout)]
        except TimeoutError:
            return None
        if m is None or m.spans(1) != expected:
            return None
    return scanner


def _entries(matcher: RuleMatcher) -> tuple[_Entry, ...]:
    """What :func:`_matches` needs of each rule, worked out once per matcher."""
    entries = []
    for rule in matcher.rules:
        constant = _constant_replacement(rule)
        quote = _QUOTES.get(constant) if constant is not None else None
        scanner = _scanner(rule, matcher.timeout) if constant is not None else None
        entries.append((rule, constant, quote, needles(rule), scanner))
    return tuple(entries)


# Matchers seen lately -> their entries. A Cleaner has one punctuation matcher, plus one more
# each time a rule times out on a document, so a handful of entries covers a run; the cache is
# emptied when it grows past that, so it cannot grow without bound.
_PLANS: dict[int, tuple[RuleMatcher, tuple[_Entry, ...]]] = {}
_MAX_PLANS = 16


def _plan(matcher: RuleMatcher) -> tuple[_Entry, ...]:
    """The cached entries of ``matcher`` (keyed by identity; the matcher is kept alive with
    them, so its id cannot be reused while the entry stands)."""
    hit = _PLANS.get(id(matcher))
    if hit is not None and hit[0] is matcher:
        return hit[1]
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    entries = _entries(matcher)
    _PLANS[id(matcher)] = (matcher, entries)
    return entries


def _matches(line: str, matcher: RuleMatcher, keys: Sequence[str] | None) -> list[Found]:
    """Every allowed match of every rule: (start, rule index, end, rule id, before, after),
    sorted by start, then rule order.

    Matches are filtered *before* overlaps are resolved, so a match dropped for touching a
    protected span or for a quote in the wrong slot does not hide another rule's match there.
    """
    found: list[Found] = []
    spans: list[tuple[int, int]] | None = None
    slots: dict[str, dict[int, bool]] = {}
    entries = _plan(matcher)
    for n in matcher.candidates(line, keys):
        rule, constant, quote, wanted, _ = entries[n]
        if wanted is not None:
            for needle in wanted:
                if needle in line:
                    break
            else:
                continue  # no needle: the rule cannot match here
        rule_id = rule.id
        for start, end, after in _replacements(line, matcher, entries[n]):
            before = line[start:end]
            if after != before:
                if spans is None:
                    spans = protected_ranges(line)
                if constant is None:
                    quote = _QUOTES.get(after)
                if not (spans and overlaps(spans, start, end)) and (
                    quote is None or _slot(line, start, quote[1], slots) is quote[0]
                ):
                    found.append((start, n, end, rule_id, before, after))
    found.sort()
    return found


def _replacements(line: str, matcher: RuleMatcher, entry: _Entry) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` of each match of the entry's rule in ``line``."""
    rule, constant, _, _, scanner = entry
    timeout = matcher.timeout
    if constant is None:
        return [(m.start(), m.end(), matcher.expand(rule, m)) for m in _rule_matches(rule, line, timeout)]
    if scanner is None or len(line) > SCAN_MAX:
        return [(m.start(), m.end(), constant) for m in _rule_matches(rule, line, timeout)]
    try:
        spans = scanner.match(line, timeout=timeout).spans(1)  # type: ignore[union-attr]
    except TimeoutError:
        spans = [m.span() for m in _searched(rule, line, 0, timeout)]
    return [(start, end, constant) for start, end in spans]


def _searched(rule: Rule, line: str, pos: int, timeout: float) -> list[regex.Match[str]]:
    """The matches of ``rule`` in ``line`` from ``pos`` on, one search per match, each with its
    own timeout (as the matcher searches): the next search starts where a match ends, or one
    further after an empty match."""
    found: list[regex.Match[str]] = []
    search = rule.compiled.search
    while pos <= len(line):
        try:
            m = search(line, pos, timeout=timeout)
        except TimeoutError:
            raise RuleTimeout(rule.id, timeout) from None
        if m is None:
            break
        found.append(m)
        pos = m.end() if m.end() > m.start() else m.end() + 1
    return found


def _rule_matches(rule: Rule, line: str, timeout: float) -> list[regex.Match[str]]:
    """What :func:`_searched` finds from the line start, for the cost of one regex call.

    A timed regex call costs more to set up (~1.5 us) than a match costs to find, so one
    ``finditer`` replaces a search per match. The two agree match for match up to the first
    empty match (after one, ``finditer`` may match again at the same position), so the rest
    is searched from there. ``finditer``'s timeout covers the whole iteration, not each match:
    when it runs out, the line is searched again one match at a time, so a rule times out
    exactly when one of its searches does.
    """
    try:
        found = list(rule.compiled.finditer(line, timeout=timeout))
    except TimeoutError:
        return _searched(rule, line, 0, timeout)
    for i, m in enumerate(found):
        if m.start() == m.end():
            del found[i + 1 :]
            found += _searched(rule, line, m.end() + 1, timeout)
            break
    return found


def _slot(line: str, start: int, family: str, cache: dict[str, dict[int, bool]]) -> bool | None:
    """Does the quote of ``family`` at ``start`` open (True) or close (False)? None: no quote."""
    slots = cache.get(family)
    if slots is None:
        slots = cache[family] = quote_slots(line, family)
    return slots.get(start)


def convert_once(
    line: str, matcher: RuleMatcher, keys: Sequence[str] | None = None
) -> tuple[str, list[Record]]:
    """One pass of every rule over ``line``; earlier matches win, overlapping later ones drop.

    ``keys``: the matcher's keys that can occur in ``line`` (None: any of them).
    """
    found = _matches(line, matcher, keys)
    if not found:
        return line, []
    out: list[str] = []
    records: list[Record] = []
    pos = limit = 0
    for start, _, end, rule_id, before, after in found:
        if start < limit:
            continue
        out.append(line[pos:start])
        out.append(after)
        pos = end
        limit = start + 1 if end == start else end  # one insertion per position
        records.append((rule_id, before, after))
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
