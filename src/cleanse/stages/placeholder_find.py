"""Finding redaction placeholders in one line: detectors, exceptions, and which hits stand.

The placeholder stage (:mod:`.placeholders`) flags or marks what this module finds. A line is
searched by every ``flag`` rule (detector) and every ``keep`` rule (exception) of the stage;
a detector's hit that overlaps an exception's match is dropped, and each place gives one
:class:`Hit`, however many detectors found it. The rules are searched together where
:mod:`..matching.joined_scan` can prove that gives the same matches, one by one otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import regex

from ..errors import RuleTimeout
from ..matching import RuleMatcher, RuleScan, line_keys, required_search
from ..rules import Rule, default_rules_dir

Span = tuple[int, int]
# Tests of a line, all of which must pass for a rule to be tried on it.
KeyTest = tuple[Callable[[str], bool], ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """One placeholder found in a line: 0-based character span, rule and category."""

    start: int
    end: int
    rule: str
    category: str | None


# -- finding placeholders in one line -----------------------------------------------------------


# Every default placeholder form contains one of these, so a line without any is skipped at
# once (4x faster on real text). User detectors may look for other forms, so with any rule
# from outside the default rules folder every line is searched.
_CANDIDATE = regex.compile(r"[XＸ×○＊*某]")


@lru_cache(maxsize=256)
def _is_default_source(source: str) -> bool:
    return bool(source) and Path(source).resolve().parent == default_rules_dir().resolve()


def _is_default(rule: Rule) -> bool:
    return _is_default_source(rule.source)


@lru_cache(maxsize=16)
def _scan(rules: tuple[Rule, ...]) -> RuleScan:
    """The joined scan of ``rules`` (the costliest thing a Cleaner builds: a fraction of a
    second), shared by the stages built with and without per-call timeouts."""
    return RuleScan.of(rules)


@dataclass(frozen=True)
class Detectors:
    """The stage's rules split once per document: detectors (``flag``) and exceptions (``keep``).

    ``keys`` holds, per detector, the literal keys one of which every match contains (None: not
    known), so a line lacking them skips that detector's search (see :mod:`..matching.literals`).
    """

    detect: tuple[Rule, ...]
    keep: tuple[Rule, ...]
    timeout: float | None = 2.0
    prefilter: regex.Pattern[str] | None = None
    keys: tuple[KeyTest, ...] = ()
    keep_keys: tuple[KeyTest, ...] = ()
    joined: bool = False
    needs: tuple[regex.Pattern[str] | None, ...] = ()
    keep_needs: tuple[regex.Pattern[str] | None, ...] = ()

    @classmethod
    def of(cls, matcher: RuleMatcher) -> Detectors:
        """Split a matcher's rules (after a timeout it has fewer: see ``run_without_timeouts``)."""
        detect = tuple(r for r in matcher.rules if r.action != "keep")
        keep = tuple(r for r in matcher.rules if r.action == "keep")
        prefilter = _CANDIDATE if all(map(_is_default, detect)) else None
        timeout = matcher.timeout
        return cls(
            detect,
            keep,
            timeout,
            prefilter,
            _keys_of(detect),
            _keys_of(keep),
            True,
            tuple(map(required_search, detect)),
            tuple(map(required_search, keep)),
        )

    @cached_property
    def scan(self) -> RuleScan | None:
        """The detectors joined into one search (``joined``), built when a line first needs
        it: a document without a placeholder character never pays for it."""
        return _scan(self.detect) if self.joined else None

    @cached_property
    def keep_scan(self) -> RuleScan | None:
        """The exceptions joined likewise."""
        return _scan(self.keep) if self.joined else None

    def applicable(self, line: str) -> list[tuple[int, Rule]]:
        """``(order, detector)`` for each detector that may match ``line`` (its keys occur)."""
        return _may_match(line, self.detect, self.keys)

    def exceptions(self, line: str) -> tuple[Rule, ...]:
        """The exception rules that may match ``line``; the others cannot protect anything."""
        return tuple(rule for _, rule in _may_match(line, self.keep, self.keep_keys))

    def candidates(self, line: str) -> list[tuple[Rule, Span]]:
        """What ``_candidates`` finds, with the joined detectors searched in one call.

        The general path (every detector on its own) runs when the joined search is not
        available or ran past the timeout, so a slow rule is still named and dropped.
        """
        scan = self.scan
        hits = scan.matches(line, self.timeout) if scan is not None else None
        if scan is None or hits is None:
            return _candidates(line, self.applicable(line), self.timeout)
        found = [(flag, order, self.detect[order]) for order, _, flag in hits]
        for order, rule in _may_match_some(line, scan.rest, self.detect, self.keys, self.needs, self.timeout):
            found += [(_flag_span(m), order, rule) for m in _matches(rule, line, self.timeout)]
        return _by_position(found)

    def shield(self, line: str) -> list[Span]:
        """What ``protected_spans`` finds, with the joined exceptions searched in one call."""
        scan = self.keep_scan
        hits = scan.matches(line, self.timeout) if scan is not None else None
        if scan is None or hits is None:
            return protected_spans(line, self.exceptions(line), self.timeout)
        spans = [span for _, span, _ in hits]
        for _, rule in _may_match_some(
            line, scan.rest, self.keep, self.keep_keys, self.keep_needs, self.timeout
        ):
            spans += [m.span() for m in _matches(rule, line, self.timeout)]
        return spans


def _key_test(keys: frozenset[str]) -> Callable[[str], bool]:
    """Does a line hold one of ``keys``? One substring test, or one literal alternation (a
    plain ``re`` search: linear, so it needs no timeout)."""
    if len(keys) == 1:
        key = next(iter(keys))
        return lambda line: key in line
    search = re.compile("|".join(map(re.escape, sorted(keys, key=len, reverse=True)))).search
    return lambda line: search(line) is not None


def _keys_of(rules: tuple[Rule, ...]) -> tuple[KeyTest, ...]:
    """Per rule, the tests a line must pass (one per key set) for the rule to be tried on it."""
    return tuple(
        tuple(_key_test(keys) for keys in line_keys(r.pattern, r.ignore_case, r.examples_match))
        for r in rules
    )


def _may_match(line: str, rules: tuple[Rule, ...], keys: tuple[KeyTest, ...]) -> list[tuple[int, Rule]]:
    """``(order, rule)`` for the rules whose key sets all occur in ``line`` (all rules when unknown)."""
    if len(keys) != len(rules):
        return list(enumerate(rules))
    return [
        (order, rule)
        for order, (rule, tests) in enumerate(zip(rules, keys, strict=True))
        if all(test(line) for test in tests)
    ]


def _may_match_some(
    line: str,
    orders: tuple[int, ...],
    rules: tuple[Rule, ...],
    keys: tuple[KeyTest, ...],
    needs: tuple[regex.Pattern[str] | None, ...] = (),
    timeout: float | None = 2.0,
) -> list[tuple[int, Rule]]:
    """``_may_match`` over the rules at ``orders`` only (those not joined in one search), also
    dropping a rule whose required search (``needs``, see ``required_search``) finds nothing."""
    if len(keys) == len(rules):
        found = [(order, rules[order]) for order in orders if all(test(line) for test in keys[order])]
    else:
        found = [(order, rules[order]) for order in orders]
    if len(needs) != len(rules):
        return found
    return [(order, rule) for order, rule in found if _holds(needs[order], line, timeout)]


def _holds(need: regex.Pattern[str] | None, line: str, timeout: float | None) -> bool:
    """Does ``need`` match in ``line``? (Yes when unknown or slow: the rule itself then runs.)"""
    if need is None:
        return True
    try:
        return need.search(line, timeout=timeout) is not None
    except TimeoutError:
        return True


def _matches(rule: Rule, line: str, timeout: float | None) -> list[regex.Match[str]]:
    """Every match of one rule in a line (each rule alone: one combined alternation of these
    lookaround-heavy patterns is far slower than searching them one by one)."""
    try:
        return list(rule.compiled.finditer(line, timeout=timeout))
    except TimeoutError:
        raise RuleTimeout(rule.id, timeout) from None


def protected_spans(line: str, keep: tuple[Rule, ...], timeout: float | None) -> list[Span]:
    """Spans of ``line`` that exception rules protect (all matches of every rule)."""
    return [m.span() for rule in keep for m in _matches(rule, line, timeout)]


def _candidates(line: str, detect: list[tuple[int, Rule]], timeout: float | None) -> list[tuple[Rule, Span]]:
    """Flag spans of every detector in position order; at one position the earlier rule wins."""
    found = [(_flag_span(m), order, rule) for order, rule in detect for m in _matches(rule, line, timeout)]
    return _by_position(found)


def _by_position(found: list[tuple[Span, int, Rule]]) -> list[tuple[Rule, Span]]:
    """Candidates sorted by flag start, then rule order (stable: a rule's own stay in order)."""
    found.sort(key=lambda t: (t[0][0], t[1]))
    return [(rule, span) for span, _, rule in found]


def _overlaps(start: int, end: int, spans: list[Span]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _flag_span(match: regex.Match[str]) -> Span:
    """The flagged part of a detector match: its ``flag`` group, else the whole match."""
    if "flag" in match.groupdict():
        start, end = match.span("flag")
        if start >= 0:
            return start, end
    return match.span()


def find_placeholders(line: str, rules: Detectors | RuleMatcher) -> list[Hit]:
    """The placeholders of one line, in order, one Hit per placeholder, exceptions applied.

    ``rules`` are the stage's rules (detectors and exceptions). Where several detectors flag
    overlapping text, the first in position (then rule) order is kept: no duplicates.
    """
    if isinstance(rules, RuleMatcher):
        rules = Detectors.of(rules)
    if rules.prefilter is not None and rules.prefilter.search(line) is None:
        return []
    candidates = rules.candidates(line)
    if not candidates:
        return []
    shield = rules.shield(line)
    hits: list[Hit] = []
    end = -1
    for rule, (start, stop) in candidates:
        if stop <= start or start < end:
            continue
        end = stop
        if not _overlaps(start, stop, shield):
            hits.append(Hit(start, stop, rule.id, rule.category))
    return hits
