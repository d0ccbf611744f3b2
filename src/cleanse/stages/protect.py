"""Protected spans: the parts of a line that punctuation normalization must never touch.

GB/T 15834-2011 keeps half-width marks in numbers (``3.14``, ``1,000``, ``5%``, ``16:32``,
``2011-02-15``), in URLs, e-mail addresses, file paths, code and command lines (``ssh(1)``,
``apt-get install foo``, ``a:b``), in whole runs of Latin words (an English sentence keeps its
ASCII punctuation) and in ordinals such as ``1.`` that start a heading. This module finds those
spans so the punctuation stage can drop any conversion that would reach into one.

The detection is deliberately generous: protecting a plain word costs nothing (no rule would
change it), while missing a span could corrupt a URL or a command. What is *not* protected is
the sentence punctuation at the edges of an ASCII run (``foo,`` before a Chinese clause, a
``(`` whose partner lies outside the run), because that punctuation belongs to the Chinese
sentence. Quote marks stay with the ASCII text they touch (``"/etc/x"``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

import regex


class Span(NamedTuple):
    """A protected ``[start, end)`` range of one line and what kind of text it is."""

    start: int
    end: int
    kind: str


# Non-space printable ASCII runs (``[!-~]+``) are numbers, identifiers, paths, URLs, e-mails,
# code tokens. Only runs holding a letter or digit can be protected, so only those are looked
# for: from a run's first letter or digit to its end (a pattern that starts with a class is
# scanned for quickly, and the stdlib ``re`` does it about twice as fast as ``regex``); the
# marks before that first letter or digit are added back by :func:`_alnum_runs`.
_ALNUM_TAIL = re.compile(r"[A-Za-z0-9][!-~]*")
# Two or more Latin words separated by spaces (optionally after , ; :): an English phrase.
_LATIN_WORDS = regex.compile(
    r"[A-Za-z][A-Za-z0-9'’_-]*(?:[,;:]?[ \t]+[A-Za-z0-9][A-Za-z0-9'’_-]*)+(?:[.?!](?=[ \t]+[A-Za-z]))?"
)
_BACKTICK = regex.compile(r"`[^`\n]+`")
# printf("中文"), _('提示'): a call whose argument is a string literal is code, Chinese or not.
_CALL = regex.compile(r"[A-Za-z_][\w.]*\(\s*([\"'])[^\n]{0,200}?\1\s*(?:,[^()\n]{0,200})?\)")
_ORDINAL = regex.compile(r"^[\s\u3000]*(?:\d+(?:\.\d+)*\.(?!\d)|[A-Za-z0-9]{1,3}\))")
_URL = regex.compile(r"(?:(?:https?|ftp|file)://|www\.)", regex.IGNORECASE)
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = regex.compile(r"[-+]?\d+(?:[.,:/-]\d+)*%?")
_ENTITY = regex.compile(r"&#?\w+;")
_ENTITY_TAIL = regex.compile(r"&#?\w+;$")
# [text](target) — a Markdown link target is an address, Chinese or not: (<…>) or one level
# of parentheses inside (wiki/握手_(技术)).
_MD_TARGET = regex.compile(r"\]\((?:<[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"\n]*\")?\)")
# ;-) :-( ^_^ — a mark with a nose, or a bare one before a space, the end or a mark.
_EMOTICON = regex.compile(
    r"(?<![A-Za-z0-9])(?:[:;=]['\-^o][)(\]\[DPpOo|/\\*]|[:;][)(DP](?=\s|$|[,.!?，。！？])|\^_*\^|[>-]_[<-])"
)
_PATH = regex.compile(r"(?:~|\.{1,2})?/|[A-Za-z]:\\|\w/\w")

# 发[2020]12号: a bracketed year inside a document number is 公文 notation, not code.
_DOC_NUMBER = regex.compile(r"[\[(](?:19|20)\d{2}[\])][\dX]*")
_TRAIL = ".,:;?!"
_LEAD = ",:;?!"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop sentence punctuation at the edges of an ASCII run: it belongs to the sentence.

    Quote marks are never trimmed: a quote next to ASCII text on its inner side belongs to
    that text (the quote rules only convert pairs whose content starts and ends non-ASCII).
    Parentheses are dealt with before (see :func:`ascii_runs`).
    """
    url = _URL.match(text, start) is not None
    # A run glued to the preceding word or mark (时间:16:32) starts with that sentence's mark;
    # a run after a space (输入 :%set) is a token of its own and keeps its leading mark.
    after_word = start > 0 and not text[start - 1].isspace()
    trail = ".,:;?!'\"" if url else _TRAIL
    while start < end and not _ENTITY.fullmatch(text, start, end):
        if text[end - 1] == ";" and _ENTITY_TAIL.search(text, start, end):
            break  # &lt;&quot; — a chain of entities keeps every ;
        if text[end - 1] in trail:
            end -= 1
        elif text[start] in _LEAD and after_word:
            start += 1
        else:
            break
    return start, end


def _kind(piece: str) -> str:
    """A name for what an ASCII run is (for tests and debugging; protection is the same)."""
    if _URL.match(piece):
        return "url"
    if _EMAIL.search(piece):
        return "email"
    if _NUMBER.fullmatch(piece):
        return "number"
    if _PATH.search(piece):
        return "path"
    if any(not c.isalnum() for c in piece):
        return "code"
    return "word"


def _unmatched_parens(text: str, start: int, end: int) -> list[int]:
    """Positions of ``(`` / ``)`` in ``text[start:end]`` without a partner inside that range."""
    if text.find("(", start, end) < 0 and text.find(")", start, end) < 0:
        return []
    stack: list[int] = []
    lone: list[int] = []
    for i in range(start, end):
        if text[i] == "(":
            stack.append(i)
        elif text[i] == ")":
            if stack:
                stack.pop()
            else:
                lone.append(i)
    return sorted(lone + stack)


def _split_at(start: int, end: int, cuts: list[int]) -> list[tuple[int, int]]:
    """``[start, end)`` minus the single positions in ``cuts``."""
    parts, pos = [], start
    for cut in cuts:
        parts.append((pos, cut))
        pos = cut + 1
    parts.append((pos, end))
    return [(a, b) for a, b in parts if b > a]


def _alnum_runs(line: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every maximal run of ``[!-~]`` holding a letter or digit.

    A match of ``_ALNUM_TAIL`` starts at the first letter or digit after the previous run, so
    the characters of ``[!-~]`` just before it are marks of the same run.
    """
    runs = []
    for m in _ALNUM_TAIL.finditer(line):
        start, end = m.span()
        while start and "!" <= line[start - 1] <= "~":
            start -= 1
        runs.append((start, end))
    return runs


def _ascii_bounds(line: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every ASCII run holding a letter or digit, trimmed and split at lone
    parentheses: what :func:`ascii_runs` returns, without naming each run's kind."""
    bounds = []
    for start, end in _alnum_runs(line):
        if line[start:end].isalnum():  # a word or a number: nothing to trim, split or skip
            bounds.append((start, end))
            continue
        if _DOC_NUMBER.fullmatch(line, start, end) and start > 0 and not line[start - 1].isascii():
            continue
        for a, b in _split_at(start, end, _unmatched_parens(line, start, end)):
            a, b = _trim(line, a, b)
            if any(c.isalnum() for c in line[a:b]):
                bounds.append((a, b))
    return bounds


def ascii_runs(line: str) -> list[Span]:
    """Every ASCII run holding a letter or digit, its sentence punctuation trimmed off.

    A parenthesis whose partner lies outside the run (附件1(pdf格式)) belongs to the sentence
    around it, so the run is split there and the paren is left unprotected.
    """
    return [Span(a, b, _kind(line[a:b])) for a, b in _ascii_bounds(line)]


def _other_bounds(line: str) -> list[tuple[int, int]]:
    """Latin phrases, backtick code, calls with string arguments, Markdown link targets,
    emoticons and a leading ordinal.

    A Latin phrase needs a space or tab between its words, backtick code a backtick, a
    call a ``(`` and an emoticon a ``:``, ``;`` or ``^``: lines without one skip that search
    (most Chinese lines have no space).
    """
    bounds = []
    if ":" in line or ";" in line or "^" in line or "=" in line or "_" in line:
        bounds += [m.span() for m in _EMOTICON.finditer(line)]
    if " " in line or "\t" in line:
        bounds += [m.span() for m in _LATIN_WORDS.finditer(line)]
    if "`" in line:
        bounds += [m.span() for m in _BACKTICK.finditer(line)]
    if "(" in line:
        bounds += [m.span() for m in _CALL.finditer(line)]
        if "](" in line:
            bounds += [(m.start() + 1, m.end()) for m in _MD_TARGET.finditer(line)]
    m = _ORDINAL.match(line)
    if m:
        bounds.append(m.span())
    return bounds


def protected_spans(line: str) -> list[Span]:
    """All protected spans of one line, sorted by start (they may overlap)."""
    if line.isascii():
        return [Span(0, len(line), "ascii-line")] if line.strip() else []
    spans = ascii_runs(line)
    spans += [Span(m.start(), m.end(), "latin-words") for m in _LATIN_WORDS.finditer(line)]
    spans += [Span(m.start(), m.end(), "code") for m in _BACKTICK.finditer(line)]
    spans += [Span(m.start(), m.end(), "code") for m in _CALL.finditer(line)]
    spans += [Span(m.start(), m.end(), "emoticon") for m in _EMOTICON.finditer(line)]
    spans += [Span(m.start() + 1, m.end(), "link-target") for m in _MD_TARGET.finditer(line)]
    m = _ORDINAL.match(line)
    if m:
        spans.append(Span(m.start(), m.end(), "ordinal"))
    return sorted(spans)


def protected_ranges(line: str) -> list[tuple[int, int]]:
    """``merge(protected_spans(line))`` without naming kinds: the hot path of punctuation.

    Naming a run's kind costs several regex calls per run and only tests and debugging read it.
    """
    if line.isascii():
        return [(0, len(line))] if line.strip() else []
    return _merge_bounds(sorted(_ascii_bounds(line) + _other_bounds(line)))


def merge(spans: list[Span]) -> list[tuple[int, int]]:
    """Sorted spans joined into disjoint ``(start, end)`` ranges, for :func:`overlaps`."""
    return _merge_bounds([(span.start, span.end) for span in sorted(spans)])


def _merge_bounds(bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ``(start, end)`` pairs joined into disjoint ranges."""
    out: list[tuple[int, int]] = []
    for start, end in bounds:
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def overlaps(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """Would changing ``line[start:end]`` touch a protected range? (``start == end``: an insertion.)

    ``ranges`` come from :func:`merge` (disjoint, sorted), so this is a binary search.
    """
    i = bisect_right(ranges, (start, float("inf"))) - 1
    if start == end:
        return i >= 0 and ranges[i][0] < start < ranges[i][1]
    if i >= 0 and ranges[i][1] > start:
        return True
    return i + 1 < len(ranges) and ranges[i + 1][0] < end
