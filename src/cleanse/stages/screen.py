"""Can any rule of a group match this line? One C-speed check before the per-rule work.

:class:`~cleanse.matcher.RuleMatcher` finds a line's candidate rules in Python (the line's
1- and 2-character grams against the rules' required keys), which costs several
microseconds per line and group even when, as on most lines, no rule can match. A
:class:`KeyScreen` answers "could any rule match?" with one search of a regex that this module
compiles itself from the same required keys (:func:`cleanse.literals.required_keys`), plus,
for rules without keys, one combined search of their own patterns. Only where it says yes
does the stage ask the matcher, so results, attribution and timeouts stay the matcher's.

The screen is sound by the contract of ``required_keys``: a rule whose keys all miss a text
cannot match it. It never says no where a rule could match; where it cannot tell (a pattern
whose keys are unknown and that cannot join an alternation, a combined search that times
out) it says yes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import regex

from ..literals import required_keys
from ..rules import Rule

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

    def __init__(self, rules: Sequence[Rule], timeout: float) -> None:
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
