"""Applying many rules to a line for the cost of about one: a combined screen, then attribution.

All rules of a group (one stage, zone and action) are joined into a single alternation that is
searched once per line. Only on the rare lines where the screen hits are the rules tried one by
one, to attribute the match to a rule id. So 200 rules cost about what 20 do.

Every regex call runs with a timeout. A rule that runs past it raises :class:`RuleTimeout`;
:func:`run_without_timeouts` then re-runs the stage on that document without the rule, so the
document is left uncleaned by that rule only and the run goes on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import regex

from ..budget import BudgetExceeded
from ..document import Document
from ..errors import RuleTimeout
from ..rules import Rule
from .literals import grams, required_keys
from .needles import first_class

_BACKREF = regex.compile(r"\\[1-9]|\(\?P=|\\g<|\(\?[a-zA-Z]+\)")


def _screenable(rule: Rule) -> bool:
    """Backreferences and global inline flags change meaning inside an alternation."""
    return _BACKREF.search(rule.pattern) is None


def _build_screen(rules: Sequence[Rule]) -> regex.Pattern[str] | None:
    parts = [f"(?i:{r.pattern})" if r.ignore_case else f"(?:{r.pattern})" for r in rules if _screenable(r)]
    if not parts or len(parts) != len(rules):
        return None
    try:
        return regex.compile("|".join(parts))
    except regex.error:
        return None


REST = "\x00rest"
"""Among a document's keys (:meth:`RuleMatcher.keys_in`): the rules without index keys may match
in it. Never an index key: those are at most two characters long."""


@dataclass(frozen=True)
class _Plan:
    """How a group is screened: rules indexed by required keys, and the rest behind one regex.

    ``rest_first``: a class holding the first character of every rest rule's matches
    (:func:`.needles.first_class`), when each has one: one C-speed search of a document for
    it says which lines the rest rules can match, as the keys do for the others."""

    index: dict[str, tuple[int, ...]]
    rest: tuple[int, ...]
    rest_screen: regex.Pattern[str] | None
    rest_first: re.Pattern[str] | None = None


def _build_plan(rules: Sequence[Rule]) -> _Plan:
    index: dict[str, list[int]] = {}
    rest: list[int] = []
    for n, rule in enumerate(rules):
        keys = required_keys(rule.pattern, rule.ignore_case, rule.examples_match)
        if keys is None:
            rest.append(n)
            continue
        for key in keys:
            index.setdefault(key, []).append(n)
    screen = _build_screen([rules[n] for n in rest]) if rest else None
    classes = [first_class(rules[n]) for n in rest]
    first = None
    if rest and all(classes):
        first = re.compile("|".join(c for c in classes if c))
    return _Plan({k: tuple(v) for k, v in index.items()}, tuple(rest), screen, first)


@dataclass(frozen=True)
class RuleMatcher:
    """A group of rules searched together. Immutable; build once per Cleaner.

    A line is first screened: rules with required literal keys (see :mod:`literals`) are
    candidates only when one of their keys occurs in the line; the other rules share one
    combined regex. Only candidates are then searched one by one, in rule order.
    """

    rules: tuple[Rule, ...]
    timeout: float | None = 2.0
    """Seconds each regex call may run; None where the document runs under a CPU budget
    instead (:mod:`cleanse.budget`)."""
    plan: _Plan = field(init=False, compare=False, repr=False)
    _key_patterns: dict[tuple[str, ...], re.Pattern[str]] = field(
        init=False, compare=False, repr=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "plan", _build_plan(self.rules))

    def __reduce__(self) -> tuple[type, tuple[tuple[Rule, ...], float | None]]:
        return (RuleMatcher, (self.rules, self.timeout))

    def __bool__(self) -> bool:
        return bool(self.rules)

    def without(self, rule_id: str) -> RuleMatcher:
        """The same group minus one rule (after it timed out on a document)."""
        return RuleMatcher(tuple(r for r in self.rules if r.id != rule_id), self.timeout)

    def _search(self, rule: Rule, text: str, pos: int = 0) -> regex.Match[str] | None:
        try:
            return rule.compiled.search(text, pos, timeout=self.timeout)
        except TimeoutError:
            raise RuleTimeout(rule.id, self.timeout) from None

    def _rest_hits(self, text: str) -> bool:
        plan = self.plan
        if not plan.rest:
            return False
        if plan.rest_first is not None and plan.rest_first.search(text) is None:
            return False  # a stdlib class search: far cheaper than the combined screen's
        if plan.rest_screen is None:
            return True
        try:
            return plan.rest_screen.search(text, timeout=self.timeout) is not None
        except TimeoutError:
            return True  # let the rules run one by one, so the slow one is named

    def keys_in(self, text: str) -> tuple[str, ...]:
        """The index keys that occur in ``text`` (a whole document, say), and :data:`REST` when
        the rules without keys may match in it.

        A line holds only keys its document holds, so a stage can screen its lines against
        these few instead of every key (see ``keys`` below); a document without :data:`REST`
        spares its lines the rest rules' screen.
        """
        keys = tuple(k for k in self.plan.index if k in text)
        plan = self.plan
        if plan.rest and (plan.rest_first is None or plan.rest_first.search(text) is not None):
            keys += (REST,)
        return keys

    def rows_holding(self, text: str, keys: Sequence[str]) -> list[int] | None:
        """0-based indexes of the ``\\n``-separated lines of ``text`` holding one of ``keys``.

        With ``keys`` = :meth:`keys_in` of ``text``, no rule can match a line outside these,
        so a stage can skip the others without even looking at them: one scan of the document
        in C instead of a screen per line. None when some rule has no keys (every line may
        match). The key pattern is plain literal text, built from the rules, never user input.
        """
        plan = self.plan
        rest = REST in keys
        if rest and plan.rest_first is None:
            return None
        keys = tuple(k for k in keys if k != REST)
        rows: list[int] = []
        if keys:
            pattern = self._key_patterns.get(keys)
            if pattern is None:
                if len(self._key_patterns) >= 256:  # a handful of key sets recur; stay bounded
                    self._key_patterns.clear()
                alternation = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
                pattern = self._key_patterns[keys] = re.compile(alternation)
            rows = _rows_of(text, pattern.search)
        if rest and plan.rest_first is not None:  # rest rules: the lines holding a first character
            rows = sorted(set(rows).union(_rows_of(text, plan.rest_first.search)))
        return rows

    def nothing_in(self, text: str, keys: Sequence[str] | None = None) -> bool:
        """True when no rule can match anywhere in ``text``: none of the keys, nor :data:`REST`.

        ``keys``: :meth:`keys_in` of ``text`` when the caller has them already.
        """
        return not (self.keys_in(text) if keys is None else keys)

    def candidates(self, text: str, keys: Sequence[str] | None = None) -> list[int]:
        """Indexes (in rule order) of the rules that may match ``text``.

        ``keys``, when given, are the only index keys that can occur (:meth:`keys_in` of a text
        holding ``text``).
        """
        index = self.plan.index
        found: set[int] = set()
        rest = keys is None or REST in keys
        pool: Sequence[str] | dict[str, tuple[int, ...]] = index
        if keys is not None:
            pool = [k for k in keys if k != REST] if rest else keys
        if pool:
            # Scanning for each key is C-speed substring search; building the line's grams
            # only pays off when there are many more keys than characters.
            if len(pool) <= 2 * len(text):
                present: Iterable[str] = [k for k in pool if k in text]
            else:
                present = grams(text).intersection(pool)
            for key in present:
                found.update(index[key])
        if rest and self._rest_hits(text):
            found.update(self.plan.rest)
        return sorted(found)

    def matching(
        self, text: str, keys: Sequence[str] | None = None
    ) -> Iterator[tuple[Rule, regex.Match[str]]]:
        """Each rule that matches ``text`` somewhere, in rule order, with its first match."""
        if not self.rules:
            return
        for n in self.candidates(text, keys):
            rule = self.rules[n]
            m = self._search(rule, text)
            if m is not None:
                yield rule, m

    def first(self, text: str) -> tuple[Rule, regex.Match[str]] | None:
        """The first rule (in order) that matches ``text``, or None."""
        return next(self.matching(text), None)

    def finditer(self, text: str, keys: Sequence[str] | None = None) -> list[tuple[Rule, regex.Match[str]]]:
        """Every non-overlapping match of every rule, sorted by position (earlier rule wins ties).

        Overlapping matches of later rules are dropped, so spans can be edited safely.
        """
        found: list[tuple[int, int, Rule, regex.Match[str]]] = []
        for order, (rule, m) in enumerate(self.matching(text, keys)):
            while m is not None:
                found.append((m.start(), order, rule, m))
                nxt = m.end() if m.end() > m.start() else m.end() + 1
                m = self._search(rule, text, nxt) if nxt <= len(text) else None
        found.sort(key=lambda t: (t[0], t[1]))
        out: list[tuple[Rule, regex.Match[str]]] = []
        end = -1
        for start, _, rule, m in found:
            if start >= end:
                out.append((rule, m))
                end = max(m.end(), start + 1) if m.end() == start else m.end()
        return out

    def expand(self, rule: Rule, m: regex.Match[str]) -> str:
        """The replacement text of a ``replace`` rule for one match."""
        try:
            return rule.replacement(m)
        except (regex.error, IndexError) as exc:
            raise RuleTimeout(rule.id, self.timeout) from exc


def _rows_of(text: str, search: Callable[..., re.Match[str] | regex.Match[str] | None]) -> list[int]:
    """0-based indexes of the ``\\n``-separated lines of ``text`` where ``search`` finds a match
    (each line once: the next search starts on the next line)."""
    rows: list[int] = []
    row, pos = 0, 0
    m = search(text)
    while m is not None:
        row += text.count("\n", pos, m.start())
        rows.append(row)
        pos = text.find("\n", m.start())  # the end of the line just found
        if pos < 0:
            break
        m = search(text, pos + 1)
    return rows


StageBody = Callable[[Document, RuleMatcher], Document]


def run_without_timeouts(body: StageBody, doc: Document, matcher: RuleMatcher) -> Document:
    """Run a stage; each rule that times out is reported and the stage re-run without it.

    A matcher without per-call timeouts runs under a document budget: a rule failing there
    (a replacement that cannot be expanded) sends the whole document to the per-call path, so
    that its report is the one that path gives.
    """
    warnings: list[str] = []
    while True:
        try:
            result = body(doc, matcher)
        except RuleTimeout as exc:
            if matcher.timeout is None:
                raise BudgetExceeded from exc
            warnings.append(str(exc))
            smaller = matcher.without(exc.rule_id)
            if len(smaller.rules) == len(matcher.rules):  # not this stage's rule: stop here,
                return doc.add(warnings=warnings)  # leaving the document as the stage got it
            matcher = smaller
            continue
        return result.add(warnings=warnings)
