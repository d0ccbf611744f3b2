"""Searching a line's boilerplate rules for less: a C-speed screen, one table, a bounded cache.

:class:`~cleanse.matching.matcher.RuleMatcher` finds a line's candidate rules in Python (the line's
1- and 2-character grams against the rules' required keys) and then searches each candidate
with a timeout. Per line and group that costs microseconds even where no rule can match, and
a search with a timeout costs about 1.5 us however short the line (the timeout's clock).
The boilerplate stage asks up to five groups about every line, so this module cuts it down:

- :class:`KeyScreen` answers "could any rule match?" with one search of a regex this module
  compiles itself from the same required keys (:func:`cleanse.matching.literals.required_keys`),
  plus, for rules without keys, one combined search of their own patterns.
- :class:`RuleTable` does the matchers' work for several groups at once (the hits of each
  group's ``matching`` in turn): the screen first, the keys present found from the line's
  distinct characters, then each candidate searched in order, with its group's timeout and a
  :class:`~cleanse.errors.RuleTimeout` on overrun.
- A table answers a short line it has seen from a bounded cache: boilerplate lines repeat
  from document to document (the same seller's stamp on thousands of files), so most timed
  searches are never repeated. Results are a pure function of the rules and the line; a
  search that times out raises and is not cached, so a timeout is reported as before.

Both are sound by the contract of ``required_keys``: a rule whose keys all miss a text cannot
match it. Where the screen cannot tell (a keyless pattern that cannot join an alternation, a
combined search that times out) it says yes, and the rules are searched one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import regex

from ..errors import RuleTimeout
from ..rules import Rule
from .literals import required_keys
from .matcher import RuleMatcher

# A RuleTable answers lines of up to CACHE_CHARS characters from a cache of CACHE_LINES lines.
# Ad lines are short; body lines are long and rarely repeat, so they are not kept. The bound
# keeps memory flat (at most about 1 MB of text per cache, whatever the corpus).
CACHE_LINES = 2048
CACHE_CHARS = 120

# Backreferences and global inline flags change meaning inside an alternation (as in matcher).
_UNJOINABLE = regex.compile(r"\\[1-9]|\(\?P=|\\g<|\(\?[a-zA-Z]+\)")


def _keys_pattern(keys: set[str]) -> re.Pattern[str] | None:
    """One alternation of the literal keys (fixed text, so no timeout is needed)."""
    if not keys:
        return None
    return re.compile("|".join(re.escape(k) for k in sorted(keys, key=lambda k: (-len(k), k))))


def _rest_pattern(rules: Sequence[Rule]) -> regex.Pattern[str] | None:
    """The keyless rules' patterns as one alternation, or None when they cannot be joined."""
    if any(_UNJOINABLE.search(r.pattern) for r in rules):
        return None
    parts = [f"(?i:{r.pattern})" if r.ignore_case else f"(?:{r.pattern})" for r in rules]
    try:
        return regex.compile("|".join(parts))
    except regex.error:
        return None


class KeyScreen:
    """``may_match(text)``: False only when no rule of ``rules`` can match ``text``."""

    __slots__ = ("_empty", "_keys", "_rest", "_rest_unknown", "_timeout")

    def __init__(self, rules: Sequence[Rule], timeout: float | None) -> None:
        keys: set[str] = set()
        rest: list[Rule] = []
        for rule in rules:
            found = required_keys(rule.pattern, rule.ignore_case, rule.examples_match)
            if found is None:
                rest.append(rule)
            else:
                keys.update(found)
        self._empty = not rules
        self._keys = _keys_pattern(keys)
        self._rest = _rest_pattern(rest) if rest else None
        self._rest_unknown = bool(rest) and self._rest is None
        self._timeout = timeout

    def may_match(self, text: str) -> bool:
        """Could some rule match ``text``? (No false "no"; a "yes" may be wrong.)"""
        if self._empty:
            return False
        if self._rest_unknown:
            return True
        if self._keys is not None and self._keys.search(text) is not None:
            return True
        if self._rest is None:
            return False
        try:
            return self._rest.search(text, timeout=self._timeout) is not None
        except TimeoutError:
            return True  # the matcher then runs the rules one by one and names the slow one


class _Rest:
    """The keyless rules of one matcher: always candidates when their combined search hits."""

    __slots__ = ("positions", "screen", "timeout")

    def __init__(self, positions: tuple[int, ...], rules: Sequence[Rule], timeout: float | None) -> None:
        self.positions = positions
        self.screen = _rest_pattern(rules)
        self.timeout = timeout

    def hits(self, text: str) -> bool:
        if self.screen is None:
            return True
        try:
            return self.screen.search(text, timeout=self.timeout) is not None
        except TimeoutError:
            return True  # the rules then run one by one, so the slow one is named


class RuleTable:
    """Several matchers' rules searched as one: ``hits(line)`` is the concatenation, in group
    order, of each group's ``(rule for rule, _ in matcher.matching(line))``.

    It does the matchers' work (candidates by required key, keyless rules behind their
    combined search, then each candidate searched in order with the group's timeout and a
    :class:`~cleanse.errors.RuleTimeout` on overrun) once for all groups, with less Python per
    line: a key screen first, and the keys present found from the line's distinct characters.

    ``dedupe``: leave out of a later group every rule equal to one of an earlier group (the
    same rule finds the same match, so it is only reported once; see ``line_hits``).
    """

    __slots__ = ("_args", "_by_first", "_cached", "_first", "_rests", "_rules", "_screen", "_timeouts")

    def __init__(self, groups: Sequence[RuleMatcher], *, dedupe: bool = False) -> None:
        self._args = (tuple(groups), dedupe)
        rules: list[Rule] = []
        timeouts: list[float | None] = []
        index: dict[str, list[int]] = {}
        rests: list[_Rest] = []
        for group in groups:
            earlier = tuple(rules)
            rest: list[int] = []
            for rule in group.rules:
                if dedupe and rule in earlier:
                    continue
                n = len(rules)
                rules.append(rule)
                timeouts.append(group.timeout)
                keys = required_keys(rule.pattern, rule.ignore_case, rule.examples_match)
                if keys is None:
                    rest.append(n)
                for key in keys or ():
                    index.setdefault(key, []).append(n)
            if rest:
                rests.append(_Rest(tuple(rest), [rules[n] for n in rest], group.timeout))
        by_first: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
        for key, positions in sorted(index.items()):
            by_first.setdefault(key[0], []).append((key, tuple(positions)))
        self._rules = tuple(rules)
        self._timeouts = tuple(timeouts)
        self._rests = tuple(rests)
        self._by_first = by_first
        self._first = frozenset(by_first)
        self._screen = _keys_pattern(set(index))
        self._cached = lru_cache(maxsize=CACHE_LINES)(self._search)

    def __reduce__(self) -> tuple[Callable[..., RuleTable], tuple[tuple[RuleMatcher, ...], bool]]:
        """Pickles as its groups (the cache stays behind)."""
        return _table, self._args

    def __bool__(self) -> bool:
        return bool(self._rules)

    def candidates(self, text: str) -> list[int]:
        """Positions (in order) of the rules that may match ``text``: a key of theirs occurs
        in it, or they are keyless and their group's combined search hits."""
        found: set[int] = set()
        if self._screen is not None and self._screen.search(text) is not None:
            by_first = self._by_first
            for char in self._first.intersection(text):
                for key, positions in by_first[char]:
                    if len(key) == 1 or key in text:
                        found.update(positions)
        for rest in self._rests:
            if rest.hits(text):
                found.update(rest.positions)
        return sorted(found)

    def hits(self, text: str) -> tuple[Rule, ...]:
        """Every rule that matches ``text`` somewhere, in order.

        Short lines are answered from a bounded cache (see ``CACHE_LINES``).
        """
        return self._cached(text) if len(text) <= CACHE_CHARS else self._search(text)

    def _search(self, text: str) -> tuple[Rule, ...]:
        out: list[Rule] = []
        for n in self.candidates(text):
            rule = self._rules[n]
            try:
                found = rule.compiled.search(text, timeout=self._timeouts[n])
            except TimeoutError:
                raise RuleTimeout(rule.id, self._timeouts[n]) from None
            if found is not None:
                out.append(rule)
        return tuple(out)


def _table(groups: tuple[RuleMatcher, ...], dedupe: bool) -> RuleTable:
    return RuleTable(groups, dedupe=dedupe)
