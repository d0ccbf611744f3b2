"""Line endings, invisible characters, trailing space, blank runs and the final newline.

Character-level fixes (invisibles, NBSP, trailing whitespace) are ``replace`` rules in
``rules/whitespace.toml``, so users can read and change them. The structural fixes below are
code, each with a fixed rule id so every change is still attributable:

- ``whitespace.line-endings``: CRLF and lone CR become LF (one Change per document).
- ``whitespace.blank-lines``: runs of blank lines collapse to ``max_blank_lines``; blank lines
  at the start and end go (each a Removal, so nothing disappears unreported).
- ``whitespace.final-newline``: a non-empty text ends with exactly one newline.

Leading U+3000 indentation is content in Chinese documents (GB/T 9704 paragraphs start with
two of them) and is kept.
"""

from __future__ import annotations

from functools import partial

import regex

from ..document import Change, Document, drop_lines, join_lines, split_lines
from ..matcher import RuleMatcher
from . import Stage, apply_replace_rules

_LINE_BREAK = regex.compile(r"\r\n?")


def normalize_line_endings(doc: Document) -> Document:
    """CRLF and lone CR -> LF. Line numbers stay those of the decoded input split the same way."""
    if "\r" not in doc.text:
        return doc
    first_cr = doc.text.index("\r")
    line = doc.text.count("\n", 0, first_cr) + 1
    kind = "\r\n" if doc.text.startswith("\r\n", first_cr) else "\r"
    text = _LINE_BREAK.sub("\n", doc.text)
    return doc.replace(text=text).add(changes=[Change("whitespace.line-endings", line, kind, "\n")])


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


def _early(doc: Document, *, matcher: RuleMatcher, max_blank: int) -> Document:
    doc = normalize_line_endings(doc)
    doc = apply_replace_rules(doc, matcher)
    return collapse_blank_lines(doc, max_blank=max_blank)


def _final(doc: Document, *, matcher: RuleMatcher, max_blank: int) -> Document:
    doc = apply_replace_rules(doc, matcher)
    doc = collapse_blank_lines(doc, max_blank=max_blank)
    return ensure_final_newline(doc)


def build_whitespace(matcher: RuleMatcher, *, final: bool, max_blank: int = 1) -> Stage:
    """The early pass (before boilerplate) or the final pass (after punctuation)."""
    fn = _final if final else _early
    return Stage("whitespace", partial(fn, matcher=matcher, max_blank=max_blank))
