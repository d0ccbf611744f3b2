"""Where every match of one placeholder rule holds a known character, read from its pattern.

:mod:`.joined_scan` joins the placeholder rules into one walk of the line that stops
only at some characters and tries each rule there. This module reads a single rule's
pattern to say which characters, and where: each rule is anchored on a character every
match holds at a known, narrow range of offsets (its first character, or a rarer one
further in: see :class:`Anchor`).

A rule is anchored only when that is provable: its pattern parses as plain ``re`` syntax
(with ``\\p{...}`` read as any character, see :mod:`.pattern_text`), has no backreferences,
conditionals or global flags, and every match is non-empty and holds an anchor (checked
again on the rule's own match examples). Otherwise :func:`anchor` gives None and the rule
is searched on its own, as before.

The same reading gives what a lookahead body must start with (:func:`_guard`, put in each
lookahead of a joined rule) and, for a rule searched on its own, a cheaper search that every
line it matches in must pass (:func:`required_search`).
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from functools import lru_cache
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import regex

from ..rules import EXAMPLE_TIMEOUT, Rule
from .pattern_text import _analysis_text, _Pieces, _pieces, _Refused

# A rule whose first character can be any of more than this many is not worth joining.
MAX_FIRST = 512
# An anchor (see Anchor) whose offset in a match varies more than this is not used.
MAX_SPREAD = 6
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


# What a match can start with: a character, a (large) range or a category such as \s.
Atom = str | tuple[str, int, int]
_CATEGORIES = {
    C.CATEGORY_DIGIT: r"\d",
    C.CATEGORY_NOT_DIGIT: r"\D",
    C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S",
    C.CATEGORY_WORD: r"\w",
    C.CATEGORY_NOT_WORD: r"\W",
}
_CATEGORY_CODE = {code: n for n, code in enumerate(_CATEGORIES)}


@lru_cache(maxsize=1)
def _every_character() -> str:
    """Every code point but the surrogates, as one string (about 30 ms, once per process)."""
    low = array("I", range(0xD800)).tobytes().decode("utf-32-le")
    return low + array("I", range(0xE000, 0x110000)).tobytes().decode("utf-32-le")


@lru_cache(maxsize=64)
def _case_variants(chars: frozenset[str]) -> frozenset[str]:
    """Every character that ``chars`` match case-insensitively, as ``regex`` itself decides
    (it matches more than ``str.lower`` says: the Kelvin sign for k, dotless i for I...)."""
    literals = "|".join(regex.escape(c) for c in sorted(chars))  # each as a literal would match
    return frozenset(regex.findall(f"(?i)(?:{literals})", _every_character()))


def _class_atoms(items: list[tuple[Any, Any]], fold: bool) -> set[Atom]:
    """Members of a class: characters, ranges and categories; a negated class refuses."""
    atoms: set[Atom] = set()
    for op, av in items:
        if op is C.LITERAL:
            atoms.add(chr(av))
        elif op is C.RANGE and av[1] - av[0] < MAX_FIRST:
            atoms.update(map(chr, range(av[0], av[1] + 1)))
        elif op is C.RANGE and not fold:
            atoms.add(("range", av[0], av[1]))
        elif op is C.CATEGORY and av in _CATEGORY_CODE and not fold:
            atoms.add(("cat", _CATEGORY_CODE[av], 0))
        else:
            raise _Refused
    return _folded(atoms) if fold else atoms


def _folded(atoms: set[Atom]) -> set[Atom]:
    """``atoms`` (characters only) with every case-insensitive match of each."""
    chars = frozenset(a for a in atoms if isinstance(a, str))
    if len(chars) != len(atoms):
        raise _Refused
    folded: set[Atom] = set(chars | _case_variants(chars))
    return folded


def _first_of_item(op: Any, av: Any, fold: bool) -> tuple[set[Atom], bool]:
    """(what a match of one parsed item can start with, whether it can match empty).

    ``fold``: inside a case-insensitive group (``(?i:...)``).
    """
    if op is C.LITERAL:
        return (_folded({chr(av)}) if fold else {chr(av)}), False
    if op is C.IN:
        return _class_atoms(av, fold), False
    if op is C.CATEGORY and av in _CATEGORY_CODE and not fold:
        return {("cat", _CATEGORY_CODE[av], 0)}, False
    if op in _ZERO_WIDTH:
        return set(), True
    if op is C.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if add_flags & (C.SRE_FLAG_LOCALE | C.SRE_FLAG_VERBOSE | C.SRE_FLAG_ASCII):
            raise _Refused
        if add_flags & C.SRE_FLAG_IGNORECASE:
            fold = True
        elif del_flags & C.SRE_FLAG_IGNORECASE:
            fold = False
        return _first_of(sub, fold)
    if op is C.BRANCH:
        atoms: set[Atom] = set()
        empty = False
        for alternative in av[1]:
            first, can_be_empty = _first_of(alternative, fold)
            atoms |= first
            empty = empty or can_be_empty
        return atoms, empty
    if op in _REPEATS:
        low, high, sub = av
        if high == 0:
            return set(), True
        first, can_be_empty = _first_of(sub, fold)
        return first, can_be_empty or low == 0
    if op is C.ATOMIC_GROUP:
        return _first_of(av, fold)
    raise _Refused  # any character, a negated literal, a backreference...


def _first_of(items: Any, fold: bool = False) -> tuple[set[Atom], bool]:
    """What a sequence can start with: that of each item until one cannot match empty."""
    atoms: set[Atom] = set()
    for op, av in items:
        first, can_be_empty = _first_of_item(op, av, fold)
        atoms |= first
        if not can_be_empty:
            return atoms, False
    return atoms, True


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


def _parse(text: str) -> Any:
    try:
        parsed = sre_parse.parse(text)
    except (re.error, RecursionError, OverflowError, ValueError, IndexError):
        raise _Refused from None
    if parsed.state.flags & ~C.SRE_FLAG_UNICODE:
        raise _Refused
    return parsed


@dataclass(frozen=True)
class Anchor:
    """Every match of a rule holds one of ``chars`` at ``lo`` to ``hi`` characters from its start.

    The walk stops only at those characters and tries the rule ``lo`` to ``hi`` places
    before each: every place a match can start is tried (some twice, which changes nothing).
    An anchor need not be the first character: ``(?:启动|在)[XＸ]`` is anchored on the X,
    which is far rarer than 在 and, above all, keeps the walk's class of stops small (a
    ``regex`` class is searched member by member at every character).
    """

    chars: frozenset[str]
    lo: int
    hi: int


def _shifted(found: Anchor, lo: int, hi: int) -> Anchor:
    return Anchor(found.chars, found.lo + lo, found.hi + hi)


def _anchors_of_item(op: Any, av: Any) -> list[Anchor]:
    """Anchors of one consuming item, at offsets from the item's start."""
    try:
        atoms, can_be_empty = _first_of_item(op, av, False)
    except _Refused:
        atoms, can_be_empty = set(), True
    chars = frozenset(a for a in atoms if isinstance(a, str))
    found = (
        [Anchor(chars, 0, 0)] if not can_be_empty and chars and len(chars) == len(atoms) <= MAX_FIRST else []
    )
    if op is C.SUBPATTERN and not av[1] and not av[2]:  # a plain group: look inside
        found += _anchors_of(av[3])
    elif op is C.BRANCH:  # every alternative must hold one: offsets and characters add up
        try:
            each = [min(_anchors_of(alternative), key=_cost) for alternative in av[1]]
        except ValueError:  # an alternative without any
            return found
        chars = frozenset().union(*(a.chars for a in each))
        found.append(Anchor(chars, min(a.lo for a in each), max(a.hi for a in each)))
    return found


def _anchors_of(items: Any) -> list[Anchor]:
    """Every anchor found at a narrow enough range of offsets in a match of ``items``."""
    found: list[Anchor] = []
    lo = hi = 0
    for op, av in items:
        if op not in _ZERO_WIDTH:
            found += [_shifted(a, lo, hi) for a in _anchors_of_item(op, av)]
        low, high = sre_parse.SubPattern(items.state, [(op, av)]).getwidth()
        lo, hi = lo + low, hi + high
        if hi - lo > MAX_SPREAD:
            break
    return [a for a in found if a.hi - a.lo <= MAX_SPREAD]


def _cost(found: Anchor) -> tuple[int, int, int]:
    """Fewer characters first (a smaller class of stops), then fewer places to try."""
    return len(found.chars), found.hi - found.lo, found.lo


def anchor(rule: Rule, prefer: frozenset[str] = frozenset()) -> Anchor | None:
    """Where every match of ``rule`` holds a known character (all its matches are non-empty).

    Of several anchors the one with the fewest characters wins, characters in ``prefer``
    (stops the walk makes anyway, for other rules) not counted. None whenever unsure: the
    rule is then searched on its own, the general way.
    """
    if rule.ignore_case:
        return None
    try:
        if rule.compiled.flags != _DEFAULT_FLAGS:
            return None
        parsed = _parse(_analysis_text(rule.pattern, _pieces(rule.pattern)))
        _walk(parsed)
        choices = _anchors_of(parsed)
        if not choices:
            return None
        found = min(choices, key=lambda a: (_cost(a)[0] - len(a.chars & prefer), *_cost(a)))
        for text in rule.examples_match:  # a safety net: the rule's own examples must agree
            for m in rule.compiled.finditer(text, timeout=EXAMPLE_TIMEOUT):
                near = text[m.start() + found.lo : m.start() + found.hi + 1]
                if m.end() <= m.start() or not found.chars.intersection(near):
                    return None
    except (_Refused, regex.error, TimeoutError):
        return None
    return found


def _class_text(atoms: set[Atom]) -> str:
    """The body of a regex class holding exactly ``atoms`` (every ASCII symbol escaped)."""

    def char(c: str) -> str:
        return "\\" + c if c.isascii() and not c.isalnum() else c

    parts = []
    for atom in sorted(atoms, key=repr):
        if isinstance(atom, str):
            parts.append(char(atom))
        elif atom[0] == "range":
            parts.append(f"{char(chr(atom[1]))}-{char(chr(atom[2]))}")
        else:
            parts.append(list(_CATEGORIES.values())[atom[1]])
    return "".join(parts)


def _guard(pattern: str, pieces: _Pieces, body: tuple[int, int]) -> str:
    """``(?=[...])`` of what the lookahead body at ``body`` can start with ("" when unknown).

    Put first inside the lookahead it changes nothing (the body needs one of those characters
    there anyway), but the many literal alternatives of a context (个|人|名|...) are then tried
    only where one of them can start: most rules fail at most X's after one class test.
    """
    try:
        parsed = _parse(_analysis_text(pattern, pieces, *body))
        atoms, can_be_empty = _first_of(parsed)
    except _Refused:
        return ""
    if can_be_empty or not atoms:
        return ""
    codes = {a[1] for a in atoms if not isinstance(a, str) and a[0] == "cat"}
    if any(code ^ 1 in codes for code in codes):  # \d with \D, \s with \S...: any character
        return ""
    return f"(?=[{_class_text(atoms)}])"


def required_search(rule: Rule) -> regex.Pattern[str] | None:
    """A pattern that must match somewhere in a line for ``rule`` to match in it, or None.

    A rule that is not joined is searched on its own, and ``(?=.*S)`` at its top level
    (``^(?=.*设X为).+``) makes every match need S further on: a search for S alone is far
    cheaper than the rule's own (which tries ``.*`` and then S backwards from every place).
    """
    if rule.ignore_case:
        return None
    try:
        if rule.compiled.flags != _DEFAULT_FLAGS:
            return None
        pieces = _pieces(rule.pattern)
        if pieces.top_alternation:
            return None
        for start, end in pieces.top_lookaheads:
            body = rule.pattern[start:end]
            lead = ".*?" if body.startswith(".*?") else ".*" if body.startswith(".*") else ""
            if lead and len(body) > len(lead):
                _walk(_parse(_analysis_text(rule.pattern, pieces, start + len(lead), end)))
                return regex.compile(body[len(lead) :])
    except (_Refused, regex.error):
        return None
    return None
