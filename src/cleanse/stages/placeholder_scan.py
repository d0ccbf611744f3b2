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
(its first character, or a rarer one further in: see :class:`Anchor`); at each anchor the
rule is tried from every place a match can start. A capture group inside a lookaround holds
exactly what ``rule.match(line, pos)`` would, and ``Match.allspans`` lists every capture, so
taking each rule's matches left to right, each only where the previous one ended, gives
exactly what ``rule.finditer(line)`` gives.

A rule joins only when that is provable: its pattern parses as plain ``re`` syntax (with
``\\p{...}`` read as any character), has no backreferences, conditionals or global flags,
every match is non-empty and holds an anchor (checked again on the rule's own match examples),
and its ``flag`` group, if any, is captured exactly once per match. Every other rule is left
out (``RuleScan.rest``) and searched one by one by the caller, as before. If the joined search
runs past the timeout, the caller searches rule by rule, so that the slow rule is named.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
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
# An anchor (see Anchor) whose offset in a match varies more than this is not used.
MAX_SPREAD = 6
# Sets of anchor characters with a walk branch of their own (see _branches).
DEDICATED = 1
# Longer lines are searched rule by rule: the walk's memory grows with its stops (~12 KB
# each, all freed after the line), which a single 1 MB line of X's would turn into gigabytes.
MAX_LINE = 2000
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
    """What the analysis needs to know of a pattern's text (all outside character classes
    unless said): group names, ``\\p{...}`` escapes, lookahead bodies, scoped flags."""

    names: tuple[tuple[int, int], ...]  # (start, end) of each name in ``(?P<name>``
    properties: tuple[tuple[int, int, bool], ...]  # each ``\p{..}``/``\P{..}``, and: in a class?
    lookaheads: tuple[tuple[int, int], ...]  # (start, end) of the body of each (?=...) / (?!...)
    scoped_flags: bool  # some (?flags:...) group: a class in it may read differently
    top_lookaheads: tuple[tuple[int, int], ...] = ()  # bodies of (?=...) outside any group
    top_alternation: bool = False  # a | outside any group


def _property_end(pattern: str, i: int) -> int:
    """End of the ``\\p``/``\\P`` escape at ``i``."""
    if pattern.startswith("{", i + 2):
        end = pattern.find("}", i + 2)
        if end < 0:
            raise _Refused
        return end + 1
    return i + 3


def _class_end(pattern: str, i: int, properties: list[tuple[int, int, bool]]) -> int:
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
                properties.append((j, end, True))
                j = end
                continue
            j += 2
            continue
        if c == "[" or pattern[j : j + 2] in ("--", "&&", "||", "~~"):
            raise _Refused  # nested sets and set operations (regex V1 syntax)
        j += 1
    raise _Refused


class _Reader:
    """Tokenize just enough to find group names, property escapes and lookahead bodies."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.names: list[tuple[int, int]] = []
        self.properties: list[tuple[int, int, bool]] = []
        self.lookaheads: list[tuple[int, int]] = []
        self.scoped_flags = False
        self.open: list[int] = []  # per open group: where a lookahead's body starts, else -1
        self.top_lookaheads: list[tuple[int, int]] = []
        self.top: set[int] = set()  # bodies of positive lookaheads opened outside any group
        self.top_alternation = False

    def group(self, i: int) -> int:
        """Read the ``(`` at ``i``; returns where to go on."""
        pattern = self.pattern
        if pattern.startswith("(?#", i):
            end = pattern.find(")", i)
            if end < 0:
                raise _Refused
            return end + 1
        if pattern.startswith("(?P<", i):
            end = pattern.find(">", i)
            if end < 0 or not pattern[i + 4 : end].isidentifier():
                raise _Refused
            self.names.append((i + 4, end))
            self.open.append(-1)
            return end + 1
        flags = _INLINE_FLAGS.match(pattern, i)
        if flags:
            if "x" in flags.group(1) or flags.group(3) == ")":
                raise _Refused  # verbose text, or flags for the whole pattern
            self.scoped_flags = self.scoped_flags or bool(flags.group(1) or flags.group(2))
        lookahead = pattern.startswith("(?=", i) or pattern.startswith("(?!", i)
        if not self.open and pattern.startswith("(?=", i):
            self.top.add(i + 3)
        self.open.append(i + 3 if lookahead else -1)
        return i + 1

    def read(self) -> _Pieces:
        pattern = self.pattern
        i = 0
        while i < len(pattern):
            c = pattern[i]
            if c == "\\":
                if pattern[i + 1 : i + 2] in ("p", "P"):
                    end = _property_end(pattern, i)
                    self.properties.append((i, end, False))
                    i = end
                elif i + 1 >= len(pattern):
                    raise _Refused
                else:
                    i += 2
            elif c == "[":
                i = _class_end(pattern, i, self.properties)
            elif c == "(":
                i = self.group(i)
            elif c == ")":
                if not self.open:
                    raise _Refused
                body = self.open.pop()
                if body >= 0:
                    self.lookaheads.append((body, i))
                if body in self.top:
                    self.top_lookaheads.append((body, i))
                i += 1
            elif c == "|":
                self.top_alternation = self.top_alternation or not self.open
                i += 1
            elif c == "{":
                brace = _BRACE.match(pattern, i)
                if brace is None:
                    raise _Refused
                i = brace.end()
            else:
                i += 1
        if self.open:
            raise _Refused
        return _Pieces(
            tuple(self.names),
            tuple(self.properties),
            tuple(self.lookaheads),
            self.scoped_flags,
            tuple(self.top_lookaheads),
            self.top_alternation,
        )


def _pieces(pattern: str) -> _Pieces:
    """Read ``pattern`` (see :class:`_Reader`), refusing odd syntax."""
    return _Reader(pattern).read()


def _rewrite(pattern: str, edits: Sequence[tuple[int, int, str]]) -> str:
    """``pattern`` with each (start, end) range replaced by its text (ranges do not overlap)."""
    out: list[str] = []
    pos = 0
    for start, end, text in sorted(edits):
        out += [pattern[pos:start], text]
        pos = end
    out.append(pattern[pos:])
    return "".join(out)


def _analysis_text(pattern: str, pieces: _Pieces, lo: int = 0, hi: int | None = None) -> str:
    """``pattern[lo:hi]`` as the stdlib parser can read it, for analysis only: every group
    name made unique (duplicates are legal in ``regex``) and each ``\\p{...}`` made "any
    character" (a class the analysis never takes for a known set)."""
    hi = len(pattern) if hi is None else hi
    edits = [(s - lo, e - lo, f"a{n}") for n, (s, e) in enumerate(pieces.names) if lo <= s and e <= hi]
    edits += [
        (s - lo, e - lo, r"\d\D" if in_class else r"[\d\D]")
        for s, e, in_class in pieces.properties
        if lo <= s and e <= hi
    ]
    return _rewrite(pattern[lo:hi], edits)


# -- first characters ---------------------------------------------------------------------------

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


def anchor(rule: Rule, timeout: float = 2.0, prefer: frozenset[str] = frozenset()) -> Anchor | None:
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
            for m in rule.compiled.finditer(text, timeout=timeout):
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


# -- the joined pattern -------------------------------------------------------------------------


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


def _member(order: int, rule: Rule, timeout: float) -> tuple[str, bool]:
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
        ours = [m.span() for m in renamed.finditer(example, timeout=timeout)]
        if ours != [m.span() for m in original.finditer(example, timeout=timeout)]:
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
    def of(cls, rules: Sequence[Rule], timeout: float = 2.0) -> RuleScan:
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
            where = anchor(rule, timeout, prefer)
            try:
                member, _ = _member(order, rule, timeout) if where is not None else (None, False)
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

    def matches(self, line: str, timeout: float) -> list[RuleHit] | None:
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
