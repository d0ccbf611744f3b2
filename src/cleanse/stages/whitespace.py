"""Line endings, invisible characters, trailing space, blank runs and the final newline.

Character-level fixes (invisibles, NBSP, trailing whitespace) are ``replace`` rules in
``rules/whitespace.toml``, so users can read and change them. The structural fixes below are
code, each with a fixed rule id so every change is still attributable:

- ``whitespace.line-endings``: CRLF and lone CR become LF (one Change per document).
- ``whitespace.blank-lines``: runs of blank lines collapse to ``max_blank_lines``; blank lines
  at the start and end go (each a Removal, so nothing disappears unreported).
- ``whitespace.final-newline``: a non-empty text ends with exactly one newline.

Leading U+3000 indentation is content in Chinese documents (GB/T 9704 paragraphs start with
two of them) and is kept by default. Two policies are options of the final pass:

- ``whitespace.indent`` (``indent``): ``keep`` (default) leaves leading whitespace alone;
  ``strip`` removes it; ``normalize`` turns any indentation (spaces, tabs, U+3000) of a
  non-blank line into exactly two U+3000, the GB/T 9704 paragraph indent. Lines without
  indentation (headings, most extracted text) are never indented.
- ``whitespace.tabs`` (``tabs``): ``keep`` (default); ``space`` turns each run of tabs (and
  the spaces around it) into one space; ``expand`` expands tabs to 4-column stops.
"""

from __future__ import annotations

from functools import partial

import regex

from ..document import Change, Document, drop_lines, join_lines, map_lines, split_lines
from ..matching import RuleMatcher
from . import Stage, apply_replace_rules

_LINE_BREAK = regex.compile(r"\r\n?")
_INDENT = regex.compile(r"^[ \t\u3000]+")
_TAB_RUN = regex.compile(r" *\t[ \t]*")
INDENT_POLICIES = ("keep", "strip", "normalize")
TAB_POLICIES = ("keep", "space", "expand")
TAB_WIDTH = 4
GBT9704_INDENT = "\u3000\u3000"

Record = tuple[str, str, str]


def normalize_line_endings(doc: Document) -> Document:
    """CRLF and lone CR -> LF. Line numbers stay those of the decoded input split the same way."""
    if "\r" not in doc.text:
        return doc
    first_cr = doc.text.index("\r")
    line = doc.text.count("\n", 0, first_cr) + 1
    kind = "\r\n" if doc.text.startswith("\r\n", first_cr) else "\r"
    origins = None
    if doc.origins is not None:  # a lone CR splits a line: the new lines keep its input line
        lone = [ln.replace("\r\n", "\n").count("\r") for ln in doc.text.split("\n")]
        origins = tuple(o for o, n in zip(doc.origins, lone, strict=False) for _ in range(n + 1))
    text = _LINE_BREAK.sub("\n", doc.text)
    change = Change("whitespace.line-endings", line, kind, "\n")
    return doc.replace(text=text, origins=origins).add(changes=[change])


def _blank_drops(lines: list[str], max_blank: int) -> dict[int, str]:
    """Indexes of blank lines to drop: leading, trailing, and runs longer than ``max_blank``."""
    drops: dict[int, str] = {}
    content = [i for i, line in enumerate(lines) if line.strip()]
    if not content:
        return dict.fromkeys(range(len(lines)), "whitespace.blank-lines")
    first, last = content[0], content[-1]
    run = 0
    for i, line in enumerate(lines):
        if line.strip():
            run = 0
            continue
        run += 1
        if i < first or i > last or run > max_blank:
            drops[i] = "whitespace.blank-lines"
    return drops


def collapse_blank_lines(doc: Document, *, max_blank: int = 1) -> Document:
    """Drop blank lines at the edges and beyond ``max_blank`` in a row."""
    return drop_lines(doc, _blank_drops(doc.lines, max_blank))


def ensure_final_newline(doc: Document) -> Document:
    """A non-empty text ends with exactly one ``\\n``; an empty text stays empty."""
    if not doc.text or doc.text.endswith("\n"):
        return doc
    lines = split_lines(doc.text)
    origin = doc.line_origins()[-1]
    text = join_lines(lines, final_newline=True)
    return doc.replace(text=text).add(changes=[Change("whitespace.final-newline", origin, "", "\n")])


def _indent_fix(line: str, policy: str) -> tuple[str, list[Record]]:
    """One line's indentation under ``policy`` (blank lines are left to the blank-line pass)."""
    m = _INDENT.match(line)
    if m is None or m.end() == len(line):
        return line, []
    new = "" if policy == "strip" else GBT9704_INDENT
    if m.group() == new:
        return line, []
    return new + line[m.end() :], [("whitespace.indent", m.group(), new)]


def apply_indent(doc: Document, *, policy: str = "keep") -> Document:
    """Strip or normalize leading indentation; ``keep`` changes nothing."""
    if policy == "keep":
        return doc
    return map_lines(doc, lambda line: _indent_fix(line, policy))


def _tab_fix(line: str, policy: str) -> tuple[str, list[Record]]:
    if "\t" not in line:
        return line, []
    if policy == "expand":
        return _expand(line)
    records = [("whitespace.tabs", m.group(), " ") for m in _TAB_RUN.finditer(line)]
    return _TAB_RUN.sub(" ", line), records


def _expand(line: str) -> tuple[str, list[Record]]:
    """Tabs to spaces up to the next multiple of ``TAB_WIDTH`` columns (one record per tab)."""
    out: list[str] = []
    records: list[Record] = []
    col = 0
    for ch in line:
        if ch == "\t":
            pad = " " * (TAB_WIDTH - col % TAB_WIDTH)
            records.append(("whitespace.tabs", "\t", pad))
            out.append(pad)
            col += len(pad)
        else:
            out.append(ch)
            col += 1
    return "".join(out), records


def apply_tabs(doc: Document, *, policy: str = "keep") -> Document:
    """Replace or expand tab characters; ``keep`` changes nothing."""
    if policy == "keep":
        return doc
    return map_lines(doc, lambda line: _tab_fix(line, policy))


def _early(doc: Document, *, matcher: RuleMatcher, max_blank: int) -> Document:
    doc = normalize_line_endings(doc)
    doc = apply_replace_rules(doc, matcher)
    return collapse_blank_lines(doc, max_blank=max_blank)


def _final(
    doc: Document, *, matcher: RuleMatcher, max_blank: int, indent: str = "keep", tabs: str = "keep"
) -> Document:
    doc = apply_indent(doc, policy=indent)
    doc = apply_tabs(doc, policy=tabs)
    doc = apply_replace_rules(doc, matcher)
    doc = collapse_blank_lines(doc, max_blank=max_blank)
    return ensure_final_newline(doc)


def build_whitespace(
    matcher: RuleMatcher, *, final: bool, max_blank: int = 1, indent: str = "keep", tabs: str = "keep"
) -> Stage:
    """The early pass (before boilerplate) or the final pass (after punctuation).

    Indentation and tab policies apply in the final pass only: they are presentation, and the
    boilerplate rules should see lines as they came.
    """
    if final:
        fn = partial(_final, matcher=matcher, max_blank=max_blank, indent=indent, tabs=tabs)
    else:
        fn = partial(_early, matcher=matcher, max_blank=max_blank)
    return Stage("whitespace", fn)
