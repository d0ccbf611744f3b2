"""Literal text a rule's matches need: needles to skip lines, first characters to scan.

The matcher screens lines by keys of one or two characters (:mod:`.literals`). For the
punctuation rules that is often too little: ``punct.doubled`` is keyed by ``，`` and ``。``
and ``punct.ellipsis`` by ``。``, which nearly every Chinese line holds, so both were searched
in vain on most lines (a timed regex call each). Their matches need ``，，`` or ``。。``, and
``...`` or ``。。。``: :func:`needles` finds such strings — a set of which every match, or the
line around it, must contain one — so a line lacking them all skips the search.

The analysis reads the stdlib parse of the pattern and is conservative: a literal run grows
only through literals, plain groups, exact repeats and zero-width assertions; anything else
ends it; whatever the parse cannot say for sure (``regex``-only syntax, case folding, verbose
mode) gives ``None`` (no needles: the rule is searched wherever the matcher's keys allow).
Text in a positive lookaround is needed in the line too, so it counts. The rule's own match
examples must each hold a needle, as a safety net.

:func:`first_chars` reads the same parse for the characters every match starts with (the
``,`` of ``punct.comma``), which lets the stage find all of a rule's matches in a line with
one timed regex call (see ``punctuation._scanner``); :func:`first_class` gives them as a
character class of any size, which screens documents and lines for a rule without index keys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from re import _constants as C  # type: ignore[attr-defined]
from typing import Any

from ..rules import Rule
from .literals import class_members, most_selective, parse_pattern

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (C.AT, C.ASSERT_NOT)
# Case-folding or verbose groups are read as opaque: their literals are not what they match.
_OPAQUE_FLAGS = C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_VERBOSE
# More needles than this cost more to test than the search they would save.
MAX_NEEDLES = 8

Needles = frozenset[str]


class _Walk:
    """One pass over a parsed sequence: the literal run being built and the candidates found."""

    def __init__(self) -> None:
        self.run = ""
        self.found: list[Needles] = []

    def flush(self, then: str = "") -> None:
        if self.run:
            self.found.append(frozenset({self.run}))
        self.run = then

    def items(self, items: Iterable[tuple[Any, Any]]) -> None:
        for op, arg in items:
            self.item(op, arg)

    def item(self, op: Any, arg: Any) -> None:
        if op is C.LITERAL:
            self.run += chr(arg)
        elif op is C.SUBPATTERN and not (arg[1] & _OPAQUE_FLAGS):
            self.items(arg[3])  # a plain group is its items, in line with what surrounds it
        elif op is C.ATOMIC_GROUP:
            self.items(arg)
        elif op in _REPEATS:
            self.repeat(*arg)
        elif op is C.ASSERT:
            self.add(_best(list(arg[1])))  # a lookaround's text is in the line; it is zero-width
        elif op in _ZERO_WIDTH:
            pass  # consumes nothing: the run goes on across it
        elif op is C.BRANCH:
            alternatives = [_best(list(seq)) for seq in arg[1]]
            self.flush()
            if all(alternatives):
                self.add(frozenset().union(*alternatives))  # type: ignore[arg-type]
        elif op is C.IN:
            self.flush()
            members = class_members(arg, MAX_NEEDLES)
            if members:
                self.add(members)
        else:
            self.flush()  # categories, any character, backreferences, ...

    def repeat(self, low: int, high: int, sub: list[tuple[Any, Any]]) -> None:
        text = _literal_text(sub)
        if text is not None and low >= 1:
            # ``x{3,}`` holds ``xxx`` after the run so far and ends with ``xxx``.
            self.run += text * low
            if high != low:
                self.flush(then=text * low)
            return
        self.flush()
        if low >= 1:
            self.add(_best(list(sub)))

    def add(self, needles: Needles | None) -> None:
        if needles:
            self.found.append(needles)


def _literal_text(items: list[tuple[Any, Any]]) -> str | None:
    """The text of a sequence made of literals only, else None."""
    if all(op is C.LITERAL for op, _ in items):
        return "".join(chr(arg) for _, arg in items)
    return None


def _best(items: list[tuple[Any, Any]]) -> Needles | None:
    """The most selective needles of a sequence: longest shortest needle, then fewest."""
    walk = _Walk()
    walk.items(items)
    walk.flush()
    return most_selective(walk.found)


def needles(rule: Rule) -> Needles | None:
    """Strings of which every line holding a match of ``rule`` contains one, or None.

    Only needles of two characters or more are returned: single characters are what the
    matcher's keys screen already.
    """
    parsed = parse_pattern(rule.pattern)
    if parsed is None:
        return None
    found = _best(list(parsed))
    if not found or min(map(len, found)) < 2 or len(found) > MAX_NEEDLES:
        return None
    if rule.ignore_case and any(c.lower() != c.upper() for s in found for c in s):
        return None
    if any(not any(s in text for s in found) for text in rule.examples_match):
        return None
    return found


def first_chars(rule: Rule) -> str | None:
    """The characters every match of ``rule`` starts with (and so consumes), or None.

    Only a pattern that starts with a literal or a small class of literals (``,``, ``[?？]``)
    has them, and only without case folding.
    """
    if rule.ignore_case:
        return None
    parsed = parse_pattern(rule.pattern)
    if parsed is None or not len(parsed):
        return None
    op, arg = parsed[0]
    if op is C.LITERAL:
        return chr(arg)
    if op is C.IN:
        members = class_members(arg, MAX_NEEDLES)
        return "".join(sorted(members)) if members else None
    return None


def first_class(rule: Rule) -> str | None:
    """A stdlib character class (``[⺁-⻳]``) holding the first character every match of
    ``rule`` consumes, of any size; None when the pattern does not start with one provably.

    A line none of whose characters is in it holds no match, so a stage can skip the line
    with one C-speed search of its document for the class (see ``RuleMatcher.rows_holding``):
    a rule of one large class (``punct.cjk-radicals``) has no index keys to skip lines by.
    Only literals and ranges count (a category such as ``\\w`` reads differently in ``regex``),
    and only without case folding; each match example must hold a member.
    """
    if rule.ignore_case:
        return None
    parsed = parse_pattern(rule.pattern)
    if parsed is None or not len(parsed):
        return None
    members = _first_members(parsed[0])
    if not members:
        return None
    parts = []
    for op, arg in members:
        if op is C.LITERAL:
            parts.append(_escaped(arg))
        elif op is C.RANGE:
            parts.append(f"{_escaped(arg[0])}-{_escaped(arg[1])}")
        else:
            return None
    text = "[" + "".join(parts) + "]"
    first = re.compile(text)
    if any(not first.search(example) for example in rule.examples_match):
        return None
    return text


def _first_members(item: tuple[Any, Any]) -> list[tuple[Any, Any]] | None:
    """The class members (literals and ranges) the item's first consumed character is one of."""
    op, arg = item
    if op is C.LITERAL:
        return [(C.LITERAL, arg)]
    if op is C.IN:
        return None if any(o is C.NEGATE for o, _ in arg) else list(arg)
    if op in _REPEATS and arg[0] >= 1 and len(arg[2]):
        return _first_members(arg[2][0])
    if op is C.SUBPATTERN and not (arg[1] & _OPAQUE_FLAGS) and len(arg[3]):
        return _first_members(arg[3][0])
    return None


def _escaped(code: int) -> str:
    return re.escape(chr(code))
