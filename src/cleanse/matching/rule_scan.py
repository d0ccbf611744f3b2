"""Every match of a punctuation rule in a line, for as few timed regex calls as possible.

The punctuation stage needs each match of each candidate rule (not just the first, as the
matcher's ``finditer`` keeps): it filters them against protected spans and quote slots
before overlaps are resolved. Every call of a rule's pattern runs with the rule timeout, and a
timed call costs ~1.5 us to set up plus ~0.7 us per match found, more than finding a comma
costs. So, per rule and line:

- a rule whose matches all start with one of a few characters, and whose replacement is a
  constant or a ``translate`` table (so no match object is needed), is run once, as a *scanner*
  (:func:`_scanner`) whose single match captures every match of the rule;
- any other rule runs one ``finditer`` (:func:`_finditer_matches`);
- only when either runs out of time, or after an empty match, is the line searched one match
  at a time (:func:`_searched`), exactly as the matcher searches. So a rule raises
  :class:`RuleTimeout` when one of its searches does, and the matches are the same.

What this needs of each rule is worked out once per matcher (:func:`plans`), with the
:mod:`.needles` that let a line skip a rule whose longer required text it lacks.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import regex

from ..errors import RuleTimeout
from ..rules import EXAMPLE_TIMEOUT, Rule
from .matcher import RuleMatcher
from .needles import Needles, first_chars, needles

# For each quote a rule may write: (is it an opening quote, the characters of its family).
QUOTES = {"“": (True, '"“”'), "”": (False, '"“”'), "‘": (True, "'‘’"), "’": (False, "'‘’")}

# A rule's own groups are renumbered inside a scanner, so references to them (backreferences,
# conditionals) cannot be kept; global flags and \G mean something else there too.
_UNSCANNABLE = regex.compile(r"\\[1-9]|\(\?P=|\\g<|\(\?\(|\(\?[a-zA-Z]+\)|\\G")
# Longer lines are left to ``finditer``: a scanner keeps every capture of the line in memory.
SCAN_MAX = 20_000


class RulePlan(NamedTuple):
    """What the stage needs of one rule, in the matcher's order."""

    rule: Rule
    constant: str | None  # the replacement when it is the same text for every match
    quote: tuple[bool, str] | None  # ``QUOTES[constant]`` when that is a quote
    needles: Needles | None  # text one of which a line must hold for the rule to match there
    scanner: regex.Pattern[str] | None  # see :func:`_scanner`


def _constant_replacement(rule: Rule) -> str | None:
    """The replacement of every match when no match can change it: a ``replace`` template
    without escapes or group references (``m.expand`` returns it as it is), else None."""
    if rule.translate is not None or rule.replace is None or "\\" in rule.replace:
        return None
    return rule.replace


@lru_cache(maxsize=512)
def _scanner(rule: Rule) -> regex.Pattern[str] | None:
    """One pattern whose single match captures every match of ``rule`` in a line, or None.

    When every match of the rule starts with one of a few characters F
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
            m = scanner.match(text, timeout=EXAMPLE_TIMEOUT)
            expected = [x.span() for x in rule.compiled.finditer(text, timeout=EXAMPLE_TIMEOUT)]
        except TimeoutError:
            return None
        if m is None or m.spans(1) != expected:
            return None
    return scanner


def _plan(rule: Rule) -> RulePlan:
    constant = _constant_replacement(rule)
    quote = QUOTES.get(constant) if constant is not None else None
    scanner = _scanner(rule) if constant is not None or rule.translate is not None else None
    return RulePlan(rule, constant, quote, needles(rule), scanner)


# Matchers seen lately -> their plans. A Cleaner has one punctuation matcher, plus one more
# each time a rule times out on a document, so a handful of entries covers a run; the cache is
# emptied when it grows past that, so it cannot grow without bound.
_PLANS: dict[int, tuple[RuleMatcher, tuple[RulePlan, ...]]] = {}
_MAX_PLANS = 16


def plans(matcher: RuleMatcher) -> tuple[RulePlan, ...]:
    """The plan of each of the matcher's rules, in its order (cached by identity; the matcher
    is kept alive with its plans, so its id cannot be reused while the entry stands)."""
    hit = _PLANS.get(id(matcher))
    if hit is not None and hit[0] is matcher:
        return hit[1]
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    found = tuple(_plan(rule) for rule in matcher.rules)
    _PLANS[id(matcher)] = (matcher, found)
    return found


def replacements(line: str, matcher: RuleMatcher, plan: RulePlan) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` of each match of the plan's rule in ``line``, in order."""
    rule, constant, _, _, scanner = plan
    timeout = matcher.timeout
    if scanner is None or len(line) > SCAN_MAX:
        found = _finditer_matches(rule, line, timeout)
        if constant is None:
            return [(m.start(), m.end(), matcher.expand(rule, m)) for m in found]
        return [(m.start(), m.end(), constant) for m in found]
    try:
        spans = scanner.match(line, timeout=timeout).spans(1)  # type: ignore[union-attr]
    except TimeoutError:
        spans = [m.span() for m in _searched(rule, line, 0, timeout)]
    if constant is None:  # a translate rule (the only other kind given a scanner)
        return [(start, end, rule.translated(line[start:end])) for start, end in spans]
    return [(start, end, constant) for start, end in spans]


def _searched(rule: Rule, line: str, pos: int, timeout: float | None) -> list[regex.Match[str]]:
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


def _finditer_matches(rule: Rule, line: str, timeout: float | None) -> list[regex.Match[str]]:
    """What :func:`_searched` finds from the line start, for the cost of one regex call.

    The two agree match for match up to the first empty match (after one, ``finditer`` may
    match again at the same position), so the rest is searched from there. ``finditer``'s
    timeout covers the whole iteration, not each match: when it runs out, the line is
    searched again one match at a time.
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
