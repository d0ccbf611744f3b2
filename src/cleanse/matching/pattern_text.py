"""Reading a placeholder rule's pattern text, for the analysis in :mod:`.anchors`.

Rules are ``regex`` patterns, but the analysis reads them with the stdlib parser
(``re._parser``), which knows neither repeated group names nor ``\\p{...}`` escapes.
:class:`_Reader` tokenizes just enough of a pattern to find its group names, property
escapes, lookahead bodies and scoped flags, and refuses (:class:`_Refused`) whatever it
cannot read for certain: nested sets and set operations, verbose or whole-pattern flags,
braces other than repeat counts. :func:`_analysis_text` then rewrites the text so that the
stdlib parser reads it (for analysis only), and :func:`_rewrite` is how
:mod:`.joined_scan` renames a joined rule's groups.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Repeat counts as both ``re`` and ``regex`` read them ({n}, {n,}, {n,m}, {,m}); any other
# brace (a fuzzy match ``{e<=1}``, a literal ``{``) makes the rule stay out.
_BRACE = re.compile(r"\{(?:\d+(?:,\d*)?|,\d+)\}")
_INLINE_FLAGS = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])")


class _Refused(Exception):
    """A pattern the joined search does not take (it is searched alone instead)."""


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
