"""All placeholder rules of a line in one regex call, with the same matches as one call per rule.

The placeholder stage used to search every rule on its own in every line with an X (~20
``finditer`` calls, each with a timeout, each scanning the whole line). This module joins
the rules it can prove safe into ONE pattern, matched once at the start of the line, that
walks the line and tries each rule only where it can match:

    (?: [^stops]++                                skip what no rule is anchored on (C speed)
      | (?=[stops of class 1])                    one branch per class of anchor characters
        (?=(?P<_w0>rule 0)|)                      rule 0 tried here: captured if it matches
        (?<=(?=(?P<_w3>rule 3))(?s:.){1}|)        rule 3 tried one character back...
        [stops of class 1]
      | ...
    )*+

Each rule is anchored on a character every match holds at a known, narrow range of offsets
(its first character, or a rarer one further in: see :mod:`.anchors`, which reads
each rule's pattern); at each anchor the rule is tried from every place a match can start.
A capture group inside a lookaround holds exactly what ``rule.match(line, pos)`` would, and
``Match.allspans`` lists every capture, so taking each rule's matches left to right, each
only where the previous one ended, gives exactly what ``rule.finditer(line)`` gives.

A rule joins only when that is provable: it has an anchor (:func:`.anchors.anchor`
says when), and its ``flag`` group, if any, is captured exactly once per match. Every other
rule is left out (``RuleScan.rest``) and searched one by one by the caller, as before. If
the joined search runs past the timeout, the caller searches rule by rule, so that the slow
rule is named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from re import _constants as C  # type: ignore[attr-defined]
from typing import Any

import regex

from ..rules import EXAMPLE_TIMEOUT, Rule
from .anchors import _REPEATS, _ZERO_WIDTH, Anchor, _class_text, _guard, _parse, anchor
from .pattern_text import _analysis_text, _pieces, _Refused, _rewrite

Span = tuple[int, int]
# One match of one rule: (rule order, match span, flag span: the ``flag`` group, else the match).
RuleHit = tuple[int, Span, Span]

# Sets of anchor characters with a walk branch of their own (see _branches).
DEDICATED = 1
# Longer lines are searched rule by rule: the walk's memory grows with its stops (~12 KB
# each, all freed after the line), which a single 1 MB line of X's would turn into gigabytes.
MAX_LINE = 2000


def char_class(chars: frozenset[str], negate: bool = False) -> str:
    """A regex class of exactly ``chars`` (every ASCII symbol escaped), or of all others."""
    return ("[^" if negate else "[") + _class_text(set(chars)) + "]"


def _flag_count(items: Any, flags: frozenset[int]) -> int | None:
    """How often a successful match captures the ``flag`` groups (None: it may vary)."""
    total = 0
    for op, av in items:
        if op is C.SUBPATTERN:
            inner = _flag_count(av[3], flags)
            count = None if inner is None else inner + (av[0] in flags)
        elif op is C.BRANCH:
            counts = {_flag_count(alternative, flags) for alternative in av[1]}
            count = counts.pop() if len(counts) == 1 else None
        elif op in _REPEATS or op is C.ASSERT_NOT:
            inner = _flag_count(av[2] if op in _REPEATS else av[1], flags)
            count = 0 if inner == 0 else None  # repeated or discarded captures
        elif op is C.ASSERT:
            count = _flag_count(av[1], flags)
        elif op is C.ATOMIC_GROUP:
            count = _flag_count(av, flags)
        else:
            count = 0
        if count is None:
            return None
        total += count
    return total


def _flag_is_match(items: Any, flags: frozenset[int]) -> bool:
    """Is the ``flag`` group the whole match? (One flag group between zero-width assertions,
    or a choice of such sequences.) Then the match span is the flag span: no group needed."""
    if len(items) == 1 and items[0][0] is C.BRANCH:
        return all(_flag_is_match(alternative, flags) for alternative in items[0][1][1])
    consuming = [(op, av) for op, av in items if op not in _ZERO_WIDTH]
    return len(consuming) == 1 and consuming[0][0] is C.SUBPATTERN and consuming[0][1][0] in flags


def _member(order: int, rule: Rule) -> tuple[str, bool]:
    """The rule's pattern to join, and whether it keeps a ``flag`` group.

    Group names are made unique to the rule (``_n{order}_{name}``), a ``flag`` group that is
    the whole match becomes a plain group (every group costs the walk time at every
    lookaround), and each lookahead gets a guard first (see :func:`_guard`).

    Refuses a rule with a ``flag`` group that a match may capture other than exactly once:
    the joined search lists the flag spans of all matches together, so they must pair up.
    """
    pattern = rule.pattern
    pieces = _pieces(pattern)
    names = [pattern[s:e] for s, e in pieces.names]
    keep_flag = False
    if "flag" in names:
        parsed = _parse(_analysis_text(pattern, pieces))
        ids = frozenset(parsed.state.groupdict[f"a{n}"] for n, name in enumerate(names) if name == "flag")
        if _flag_count(parsed, ids) != 1:
            raise _Refused
        keep_flag = not _flag_is_match(parsed, ids)
    edits = [
        (s, e, f"_n{order}_{name}") if name != "flag" or keep_flag else (s - 4, e + 1, "(?:")
        for (s, e), name in zip(pieces.names, names, strict=True)
    ]
    if not pieces.scoped_flags:
        edits += [(s, s, _guard(pattern, pieces, (s, e))) for s, e in pieces.lookaheads]
    text = _rewrite(pattern, edits)
    renamed = regex.compile(text)
    original = rule.compiled
    expected = {f"_n{order}_{name}" for name in original.groupindex if name != "flag" or keep_flag}
    dropped = "flag" in original.groupindex and not keep_flag
    if renamed.groups != original.groups - dropped or set(renamed.groupindex) != expected:
        raise _Refused
    for example in rule.examples_match + rule.examples_keep:  # a safety net, as for anchor
        ours = [m.span() for m in renamed.finditer(example, timeout=EXAMPLE_TIMEOUT)]
        if ours != [m.span() for m in original.finditer(example, timeout=EXAMPLE_TIMEOUT)]:
            raise _Refused
    return text, keep_flag


def _tries(order: int, where: Anchor, member: str) -> str:
    """The rule tried at each place a match may start, seen from an anchor character."""
    parts = []
    for k in range(where.lo, where.hi + 1):
        capture = f"(?P<_w{order}>{member})"
        # A lookaround with an empty alternative always holds; it captures when the rule matches.
        parts.append(f"(?={capture}|)" if k == 0 else f"(?<=(?={capture})(?s:.){{{k}}}|)")
    return "".join(parts)


def _branches(joined: list[tuple[int, Anchor, str]], dedicated: int) -> list[str]:
    """The walk's branches: one for each of the ``dedicated`` sets of anchor characters that
    the most rules share, and one for all other anchor characters.

    At a position the walk takes the branch whose characters hold the position's character.
    A dedicated branch tries its rules straight away; the last branch tries each rule behind
    a class test of its own anchor characters. (A branch per set would test fewer classes,
    but every branch holds a copy of its rules, and ``regex`` compiles in Python: copies cost
    start-up time.) A rule in several branches keeps one group number; its captures add up.
    """
    rules_of: dict[str, list[int]] = {}
    for n, (_, where, _) in enumerate(joined):
        for c in where.chars:
            rules_of.setdefault(c, []).append(n)
    classes: dict[tuple[int, ...], set[str]] = {}
    for c, members in rules_of.items():
        classes.setdefault(tuple(members), set()).add(c)
    ranked = sorted(classes.items(), key=lambda item: (-len(item[0]), -len(item[1]), sorted(item[1])))
    branches = []
    for rule_numbers, class_chars in ranked[:dedicated]:
        here = char_class(frozenset(class_chars))
        parts = "".join(_tries(*joined[n]) for n in rule_numbers)
        branches.append(f"(?={here}){parts}{here}")
    others = frozenset().union(*(chars for _, chars in ranked[dedicated:]))
    if others:
        parts = "".join(
            f"(?:(?={char_class(where.chars & others)}){_tries(order, where, member)}|)"
            for order, where, member in joined
            if where.chars & others
        )
        branches.append(f"(?={char_class(others)}){parts}{char_class(others)}")
    return branches


@dataclass(frozen=True)
class RuleScan:
    """Rules of one kind (detectors or exceptions) joined into one pattern where provable.

    The pattern walks the whole line in ONE ``match`` call (see the module docstring).
    ``screen``: the anchor characters, a line without any has no match. ``members``:
    ``(order, wrapper group, flag group or -1, tried from several places)`` of each joined
    rule, in rule order; ``rest``: the orders of the rules left to be searched one by one.
    Built once per stage (and again only after a rule timed out); nothing is cached per line.
    """

    pattern: regex.Pattern[str] | None
    screen: regex.Pattern[str] | None
    members: tuple[tuple[int, int, int, bool], ...]
    rest: tuple[int, ...]

    @classmethod
    def of(cls, rules: Sequence[Rule]) -> RuleScan:
        """Join every rule that :func:`anchor` understands; leave out the others."""
        joined: list[tuple[int, Anchor, str]] = []
        rest: list[int] = []
        # The characters most rules can start with: anchoring on them costs no extra stops.
        starts = [
            where.chars for where in map(anchor, rules) if where is not None and where.lo == where.hi == 0
        ]
        prefer = frozenset(
            c for c in frozenset().union(*starts) if 2 * sum(c in s for s in starts) > len(starts)
        )
        for order, rule in enumerate(rules):
            where = anchor(rule, prefer=prefer)
            try:
                member, _ = _member(order, rule) if where is not None else (None, False)
            except (_Refused, regex.error, KeyError, TimeoutError):
                member = None
            if where is None or member is None:
                rest.append(order)
                continue
            joined.append((order, where, member))
        if not joined:
            return cls(None, None, (), tuple(rest))
        every = frozenset().union(*(where.chars for _, where, _ in joined))
        walk = f"(?:{char_class(every, negate=True)}++|{'|'.join(_branches(joined, DEDICATED))})*+"
        try:
            pattern = regex.compile(walk)
        except regex.error:
            return cls(None, None, (), tuple(range(len(rules))))
        index = pattern.groupindex
        members = tuple(
            (order, index[f"_w{order}"], index.get(f"_n{order}_flag", -1), where.hi > where.lo)
            for order, where, _ in joined
        )
        return cls(pattern, regex.compile(char_class(every)), members, tuple(rest))

    def matches(self, line: str, timeout: float | None) -> list[RuleHit] | None:
        """Every match of every joined rule, as each rule's own ``finditer`` finds them.

        Grouped by rule, each rule's in position order. None when the joined search ran past
        ``timeout`` (the caller then searches rule by rule, so that the slow rule is named),
        and for lines longer than ``MAX_LINE``.
        """
        if self.pattern is None or self.screen is None or self.screen.search(line) is None:
            return []
        if len(line) > MAX_LINE:
            return None
        try:
            m = self.pattern.match(line, timeout=timeout)
        except TimeoutError:
            return None
        if m is None:
            return None
        every = m.allspans()
        hits: list[RuleHit] = []
        for order, wrapper, flag, repeats in self.members:
            spans = every[wrapper]
            if not spans:
                continue
            pairs = list(zip(spans, every[flag] if flag >= 0 else spans, strict=True))
            if repeats:  # tried from several anchors: the same match may come twice, out of order
                pairs = sorted(set(pairs))
            end = 0
            # A rule's finditer resumes where its last match ended: later overlapping ones drop.
            for span, flag_span in pairs:
                if span[0] >= end:
                    end = span[1]
                    hits.append((order, span, flag_span))
        return hits
