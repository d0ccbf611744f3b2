"""All placeholder rules of a line in one regex call, with the same matches as one call per rule.

Each regex call with a timeout costs about 1.4 us before any matching, and the placeholder
stage used to make one per rule per line (~20 on a line with an X). This module joins the
rules it can prove safe into ONE pattern that is tried only where a match can start:

    (?=[first chars of all rules])
    (?:(?=[first chars of rule 0])(?=(?P<_w0>rule 0))|)      ... one such part per rule
    (?(_w0)|(?(_w1)|...(?!)))                                 at least one rule matched here

At every position it records, for each rule, the match that rule would make *starting there*
(a lookahead captures exactly what ``rule.match(line, pos)`` would). Walking those positions
left to right and keeping a rule's match only where its previous match has ended gives
exactly what ``rule.finditer(line)`` gives, because a rule can only match where a character
it can start with stands (see :func:`first_chars`).

A rule joins only when that is provable: its pattern parses as plain ``re`` syntax (with
``\\p{...}`` read as an opaque class), has no backreferences, conditionals, global or
case-insensitive flags, and every match is non-empty and starts with one of a known, small set
of characters (checked again on the rule's own match examples). Every other rule is left out
(``RuleScan.rest``) and searched one by one by the caller, as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import regex

from ..rules import Rule

Span = tuple[int, int]
# One match of one rule: (rule order, match span, flag span: the ``flag`` group, else the match).
RuleHit = tuple[int, Span, Span]

# A rule whose first character can be any of more than this many is not worth joining.
MAX_FIRST = 512
# Repeat counts as both ``re`` and ``regex`` read them ({n}, {n,}, {n,m}, {,m}); any other
# brace (a fuzzy match ``{e<=1}``, a literal ``{``) makes the rule stay out.
_BRACE = re.compile(r"\{(?:\d+(?:,\d*)?|,\d+)\}")
_INLINE_FLAGS = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])")
_DEFAULT_FLAGS = regex.compile("").flags
_REFUSED_OPS = (
    C.GROUPREF,
    C.GROUPREF_EXISTS,
    C.GROUPREF_IGNORE,
    C.GROUPREF_LOC_IGNORE,
    C.GROUPREF_UNI_IGNORE,
)
_ZERO_WIDTH = (C.ASSERT, C.ASSERT_NOT, C.AT)
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)


class _Refused(Exception):
    """A pattern this module does not join (it is searched alone instead)."""


# -- reading a pattern --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pieces:
    """Where a pattern's group names and ``\\p{...}`` escapes lie (outside character classes)."""

    names: tuple[tuple[int, int], ...]  # (start, end) of each name in ``(?P<name>``
    properties: tuple[tuple[int, int], ...]  # (start, end) of each ``\p{..}`` / ``\P{..}``


def _property_end(pattern: str, i: int) -> int:
    """End of the ``\\p``/``\\P`` escape at ``i``."""
    if pattern.startswith("{", i + 2):
        end = pattern.find("}", i + 2)
        if end < 0:
            raise _Refused
        return end + 1
    return i + 3


def _class_end(pattern: str, i: int, properties: list[tuple[int, int]]) -> int:
    """End of the character class opening at ``i``; refuses anything but plain classes."""
    j = i + 1
    if pattern.startswith("^", j):
        j += 1
    if pattern.startswith("]", j):
        raise _Refused  # a leading literal ] reads differently across versions: leave it out
    while j < len(pattern):
        c = pattern[j]
        if c == "]":
            return j + 1
        if c == "\\":
            if pattern[j + 1 : j + 2] in ("p", "P"):
                end = _property_end(pattern, j)
                properties.append((j, end))
                j = end
                continue
            j += 2
            continue
        if c == "[" or pattern[j : j + 2] in ("--", "&&", "||", "~~"):
            raise _Refused  # nested sets and set operations (regex V1 syntax)
        j += 1
    raise _Refused


def _group_open(pattern: str, i: int, names: list[tuple[int, int]]) -> int:
    """Where to go on after the ``(`` at ``i``: past a comment or a group's name."""
    if pattern.startswith("(?#", i):
        end = pattern.find(")", i)
        if end < 0:
            raise _Refused
        return end + 1
    if pattern.startswith("(?P<", i):
        end = pattern.find(">", i)
        if end < 0 or not pattern[i + 4 : end].isidentifier():
            raise _Refused
        names.append((i + 4, end))
        return end + 1
    flags = _INLINE_FLAGS.match(pattern, i)
    if flags and ("x" in flags.group(1) or flags.group(3) == ")"):
        raise _Refused  # verbose text, or flags for the whole pattern
    return i + 1


def _pieces(pattern: str) -> _Pieces:
    """Tokenize just enough to find group names and property escapes, refusing odd syntax."""
    names: list[tuple[int, int]] = []
    properties: list[tuple[int, int]] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if pattern[i + 1 : i + 2] in ("p", "P"):
                end = _property_end(pattern, i)
                properties.append((i, end))
                i = end
            elif i + 1 >= len(pattern):
                raise _Refused
            else:
                i += 2
        elif c == "[":
            i = _class_end(pattern, i, properties)
        elif c == "(":
            i = _group_open(pattern, i, names)
        elif c == "{":
            brace = _BRACE.match(pattern, i)
            if brace is None:
                raise _Refused
            i = brace.end()
        else:
            i += 1
    return _Pieces(tuple(names), tuple(properties))


def _rewrite(pattern: str, edits: Sequence[tuple[int, int, str]]) -> str:
    """``pattern`` with each (start, end) range replaced by its text (ranges do not overlap)."""
    out: list[str] = []
    pos = 0
    for start, end, text in sorted(edits):
        out += [pattern[pos:start], text]
        pos = end
    out.append(pattern[pos:])
    return "".join(out)


# -- first characters ---------------------------------------------------------------------------


def _class_chars(items: list[tuple[Any, Any]]) -> set[str]:
    """Members of a plain class (literals and small ranges); categories or negation refuse."""
    chars: set[str] = set()
    for op, av in items:
        if op is C.LITERAL:
            chars.add(chr(av))
        elif op is C.RANGE and av[1] - av[0] < MAX_FIRST:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            raise _Refused
    return chars


def _first_of_item(op: Any, av: Any) -> tuple[set[str], bool]:
    """(characters a match of one parsed item can start with, whether it can match empty)."""
    if op is C.LITERAL:
        return {chr(av)}, False
    if op is C.IN:
        return _class_chars(av), False
    if op in _ZERO_WIDTH:
        return set(), True
    if op is C.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & (C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_LOCALE | C.SRE_FLAG_VERBOSE):
            raise _Refused
        return _first_of(sub)
    if op is C.BRANCH:
        chars: set[str] = set()
        empty = False
        for alternative in av[1]:
            first, can_be_empty = _first_of(alternative)
            chars |= first
            empty = empty or can_be_empty
        return chars, empty
    if op in _REPEATS:
        low, high, sub = av
        if high == 0:
            return set(), True
        first, can_be_empty = _first_of(sub)
        return first, can_be_empty or low == 0
    if op is C.ATOMIC_GROUP:
        return _first_of(av)
    raise _Refused  # any character, a category, a negated literal, a backreference...


def _first_of(items: Any) -> tuple[set[str], bool]:
    """First characters of a sequence: those of each item until one cannot match empty."""
    chars: set[str] = set()
    for op, av in items:
        first, can_be_empty = _first_of_item(op, av)
        chars |= first
        if not can_be_empty:
            return chars, False
    return chars, True


def _walk(items: Any) -> None:
    """Refuse backreferences and conditionals anywhere (joined, their group numbers shift)."""
    for op, av in items:
        if op in _REFUSED_OPS:
            raise _Refused
        if op is C.SUBPATTERN:
            _walk(av[3])
        elif op is C.BRANCH:
            for alternative in av[1]:
                _walk(alternative)
        elif op in _REPEATS:
            _walk(av[2])
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _walk(av[1])
        elif op is C.ATOMIC_GROUP:
            _walk(av)


def _analysed(pattern: str, pieces: _Pieces) -> frozenset[str]:
    """The first characters of every match of ``pattern``; refuses when a match may be empty."""
    edits = [(s, e, f"a{n}") for n, (s, e) in enumerate(pieces.names)]  # duplicates allowed
    edits += [(s, e, r"\d") for s, e in pieces.properties]  # opaque: never a known first char
    try:
        parsed = sre_parse.parse(_rewrite(pattern, edits))
    except (re.error, RecursionError, OverflowError, ValueError, IndexError):
        raise _Refused from None
    if parsed.state.flags & ~C.SRE_FLAG_UNICODE:
        raise _Refused
    _walk(parsed)
    chars, can_be_empty = _first_of(parsed)
    if can_be_empty or not chars or len(chars) > MAX_FIRST:
        raise _Refused
    return frozenset(chars)


def first_chars(rule: Rule, timeout: float = 2.0) -> frozenset[str] | None:
    """The characters every match of ``rule`` starts with (all matches are non-empty), or None.

    None whenever unsure: the rule is then searched on its own, the general way.
    """
    if rule.ignore_case:
        return None
    try:
        if rule.compiled.flags != _DEFAULT_FLAGS:
            return None
        chars = _analysed(rule.pattern, _pieces(rule.pattern))
        for text in rule.examples_match:  # a safety net: the rule's own examples must agree
            for m in rule.compiled.finditer(text, timeout=timeout):
                if m.end() <= m.start() or text[m.start()] not in chars:
                    return None
    except (_Refused, regex.error, TimeoutError):
        return None
    return chars


# -- the joined pattern -------------------------------------------------------------------------


def char_class(chars: frozenset[str], negate: bool = False) -> str:
    """A regex class of exactly ``chars`` (every ASCII symbol escaped), or of all others."""
    body = "".join("\\" + c if c.isascii() and not c.isalnum() else c for c in sorted(chars))
    return ("[^" if negate else "[") + body + "]"


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


def _member(order: int, rule: Rule) -> str:
    """The rule's pattern with its group names made unique to it (``_n{order}_{name}``).

    Refuses a rule with a ``flag`` group that a match may capture other than exactly once:
    the joined search lists the flag spans of all matches together, so they must pair up.
    """
    pattern = rule.pattern
    pieces = _pieces(pattern)
    names = [pattern[s:e] for s, e in pieces.names]
    if "flag" in names:
        edits = [(s, e, f"a{n}") for n, (s, e) in enumerate(pieces.names)]
        edits += [(s, e, r"\d") for s, e in pieces.properties]
        parsed = sre_parse.parse(_rewrite(pattern, edits))
        ids = frozenset(parsed.state.groupdict[f"a{n}"] for n, name in enumerate(names) if name == "flag")
        if _flag_count(parsed, ids) != 1:
            raise _Refused
    renames = [(s, e, f"_n{order}_{name}") for (s, e), name in zip(pieces.names, names, strict=True)]
    text = _rewrite(pattern, renames)
    renamed = regex.compile(text)
    original = rule.compiled
    if renamed.groups != original.groups or set(renamed.groupindex) != {
        f"_n{order}_{name}" for name in original.groupindex
    }:
        raise _Refused
    return text


@dataclass(frozen=True)
class RuleScan:
    """Rules of one kind (detectors or exceptions) joined into one pattern where provable.

    The pattern walks the whole line in ONE ``match`` call: runs of characters no joined rule
    can start with are skipped at C speed; at every other position each rule that can start
    there is tried inside a capturing lookahead, whose captures (``Match.spans``) list every
    position where that rule matches.

    ``members``: ``(order, wrapper group, flag group or -1)`` of each joined rule, in rule
    order; ``rest``: the orders of the rules left to be searched one by one.
    """

    pattern: regex.Pattern[str] | None
    screen: regex.Pattern[str] | None
    members: tuple[tuple[int, int, int], ...]
    rest: tuple[int, ...]

    @classmethod
    def of(cls, rules: Sequence[Rule], timeout: float = 2.0) -> RuleScan:
        """Join every rule that :func:`first_chars` understands; leave out the others."""
        parts: list[str] = []
        joined: list[tuple[int, frozenset[str]]] = []
        rest: list[int] = []
        for order, rule in enumerate(rules):
            chars = first_chars(rule, timeout)
            try:
                member = _member(order, rule) if chars is not None else None
            except (_Refused, regex.error, re.error, RecursionError, KeyError):
                member = None
            if chars is None or member is None:
                rest.append(order)
                continue
            joined.append((order, chars))
            parts.append(f"(?:(?={char_class(chars)})(?=(?P<_w{order}>{member}))|)")
        if not joined:
            return cls(None, None, (), tuple(rest))
        every = frozenset().union(*(chars for _, chars in joined))
        walk = f"(?:{char_class(every, negate=True)}++|{''.join(parts)}{char_class(every)})*+"
        try:
            pattern = regex.compile(walk)
        except regex.error:
            return cls(None, None, (), tuple(range(len(rules))))
        index = pattern.groupindex
        members = tuple((order, index[f"_w{order}"], index.get(f"_n{order}_flag", -1)) for order, _ in joined)
        return cls(pattern, regex.compile(char_class(every)), members, tuple(rest))

    def matches(self, line: str, timeout: float) -> list[RuleHit] | None:
        """Every match of every joined rule, as each rule's own ``finditer`` finds them.

        Grouped by rule, each rule's in position order. None when the joined search ran past
        ``timeout`` (the caller then searches rule by rule, so that the slow rule is named).
        """
        if self.pattern is None or self.screen is None or self.screen.search(line) is None:
            return []
        try:
            m = self.pattern.match(line, timeout=timeout)
        except TimeoutError:
            return None
        if m is None:
            return None
        every = m.allspans()
        hits: list[RuleHit] = []
        for order, wrapper, flag in self.members:
            spans = every[wrapper]
            if not spans:
                continue
            end = 0
            # A rule's finditer resumes where its last match ended: later overlapping ones drop.
            for span, flag_span in zip(spans, every[flag] if flag >= 0 else spans, strict=True):
                if span[0] >= end:
                    end = span[1]
                    hits.append((order, span, flag_span))
        return hits
