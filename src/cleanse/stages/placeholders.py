"""Redaction placeholders (X同志, 约占X%, ×××, 张某某): flagged, never changed by default.

Runs last, after every text-changing stage, so that each Flag's line and column point into
the OUTPUT text. Everything this stage knows is in ``rules/placeholders*.toml``:

- ``flag`` rules are detectors. A rule names the placeholder with a ``(?P<flag>...)`` group and
  says what was redacted with ``category`` (count, percent, year, date, person, place, org,
  doc-number, generic); its lookarounds are the context on both sides.
- ``keep`` rules are the exception list (X光, X Window, 设X为, 3×4, ...): a candidate that
  overlaps one of their matches is not flagged. Precision first: a missed placeholder costs
  less than a false alarm in technical text.

Every placeholder gives exactly one Flag (``kind="placeholder"``), whichever rules match it.
In ``mark`` mode each placeholder is also wrapped in a template (``⟨X|count⟩``); the wraps are
recorded as Changes, and the Flags point at the placeholder text inside the marked output.
:func:`unmark` undoes the marks, giving the ``flag`` mode output back.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache, partial

import regex

from ..document import Change, Document, Flag, join_lines
from ..errors import OptionError
from ..matching import RuleMatcher, run_without_timeouts
from ..rules import Rule
from . import Stage
from .placeholder_find import Detectors, Hit, find_placeholders

KIND = "placeholder"
MARKED_RULE = "placeholder.marked"
TEMPLATE_FIELDS = ("text", "category", "kind", "rule")
# What a mark's {text} can be: a placeholder token (X, XX, 20XX, ×××, ○○, ＊＊, ***, 某某).
_MARKED_TEXT = r"(?:19|20)?[0-9]?[XＸ×○＊*某]{1,16}"

# -- flag mode ----------------------------------------------------------------------------------


def _detectors(rules: Detectors | RuleMatcher) -> Detectors:
    return rules if isinstance(rules, Detectors) else Detectors.of(rules)


def flag_placeholders(doc: Document, rules: Detectors | RuleMatcher) -> Document:
    """One Flag per placeholder; the text is unchanged. Positions are 1-based in ``doc.text``."""
    rules = _detectors(rules)
    flags = [
        Flag(KIND, hit.rule, n, hit.start + 1, line[hit.start : hit.end], hit.category)
        for n, line in enumerate(doc.lines, 1)
        for hit in find_placeholders(line, rules)
    ]
    return doc.add(flags=flags)


# -- mark mode ----------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _fields(template: str) -> tuple[tuple[str, str | None], ...]:
    """``(literal, field)`` pieces of a format template; raises OptionError when it is invalid."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise OptionError(f"mark template {template!r} is not a valid format string: {exc}") from None
    pieces = []
    for literal, field, spec, conversion in parsed:
        if field is not None and (field not in TEMPLATE_FIELDS or spec or conversion):
            raise OptionError(
                f"mark template {template!r}: unknown field {{{field}}}; use only "
                + ", ".join(f"{{{f}}}" for f in TEMPLATE_FIELDS)
            )
        pieces.append((literal, field))
    return tuple(pieces)


def check_mark_template(template: str) -> None:
    """Raise OptionError unless ``template`` is usable for marking and unmarking."""
    if "text" not in {field for _, field in _fields(template)}:
        raise OptionError(
            f"mark template {template!r} has no {{text}}; it must keep the placeholder, "
            'e.g. "⟨{text}|{category}⟩"'
        )


def expand_mark(template: str, text: str, category: str | None, rule: str) -> tuple[str, int]:
    """The mark for one placeholder, and where its ``{text}`` starts inside the mark."""
    values = {"text": text, "category": category or "generic", "kind": category or "generic", "rule": rule}
    out: list[str] = []
    offset = -1
    for literal, field in _fields(template):
        out.append(literal)
        if field is not None:
            if field == "text" and offset < 0:
                offset = sum(map(len, out))
            out.append(values[field])
    return "".join(out), offset


@lru_cache(maxsize=16)
def mark_regex(template: str) -> regex.Pattern[str]:
    """A pattern matching the marks a template makes (groups ``text``, ``category``, ``rule``)."""
    groups = {"text": _MARKED_TEXT, "category": r"[a-z][a-z-]*", "kind": r"[a-z][a-z-]*", "rule": r"[\w.\-]+"}
    named = {"kind": "category"}
    parts: list[str] = []
    used: set[str] = set()
    for literal, field in _fields(template):
        parts.append(regex.escape(literal))
        if field is not None:
            name = named.get(field, field)
            parts.append(f"(?P<{name}>{groups[field]})" if name not in used else f"(?:{groups[field]})")
            used.add(name)
    return regex.compile("".join(parts))


def unmark(text: str, template: str) -> str:
    """Undo ``mark`` mode: every mark made with ``template`` becomes its placeholder again."""
    check_mark_template(template)
    return mark_regex(template).sub(lambda m: m.group("text"), text)


@dataclass(frozen=True, slots=True)
class _Mark:
    """A mark already in a line: where its text lies in the unmarked line, and the mark itself."""

    start: int
    end: int
    match: regex.Match[str]


def _unmark_line(line: str, template: str) -> tuple[str, list[_Mark]]:
    """A line with its marks undone, and where each mark's text lies in that plain line.

    Detection runs on the plain line, so marks are transparent: marking marked text finds
    the same placeholders (a mark's brackets never become a placeholder's new context).
    """
    plain: list[str] = []
    marks: list[_Mark] = []
    pos = length = 0
    for m in mark_regex(template).finditer(line):
        plain += [line[pos : m.start()], m.group("text")]
        length += m.start() - pos
        marks.append(_Mark(length, length + len(m.group("text")), m))
        length += len(m.group("text"))
        pos = m.end()
    plain.append(line[pos:])
    return "".join(plain), marks


_Event = tuple[int, int, Hit | None, _Mark | None]


def _events(hits: list[Hit], marks: list[_Mark]) -> list[_Event]:
    """Spans of the plain line to render: existing marks (with the hit on them) and new hits."""
    at_mark = {(k.start, k.end): k for k in marks}
    events: list[_Event] = [(k.start, k.end, None, k) for k in marks]
    for hit in hits:
        mark = at_mark.get((hit.start, hit.end))
        if mark is not None:
            events[marks.index(mark)] = (mark.start, mark.end, hit, mark)
        elif not any(k.start < hit.end and hit.start < k.end for k in marks):
            events.append((hit.start, hit.end, hit, None))
    return sorted(events, key=lambda e: e[0])


def _mark_flag(mark: _Mark, hit: Hit | None, n: int, col: int) -> Flag:
    """The flag of a mark that was already there (its rule from the detector, else the mark)."""
    groups = mark.match.groupdict()
    rule = hit.rule if hit else groups.get("rule") or MARKED_RULE
    category = hit.category if hit else groups.get("category")
    return Flag(KIND, rule, n, col, mark.match.group("text"), category)


def _mark_line(
    line: str, n: int, rules: Detectors, template: str
) -> tuple[str, list[Flag], list[tuple[str, str, str]]]:
    """Wrap each new placeholder of one line; returns the line, its flags and (rule, before, after)."""
    plain, marks = _unmark_line(line, template)
    out: list[str] = []
    flags: list[Flag] = []
    records: list[tuple[str, str, str]] = []
    pos = 0
    for start, end, hit, mark in _events(find_placeholders(plain, rules), marks):
        out.append(plain[pos:start])
        length = sum(map(len, out))
        if mark is not None:
            out.append(mark.match.group())
            flags.append(_mark_flag(mark, hit, n, length + mark.match.start("text") - mark.match.start() + 1))
        elif hit is not None:
            before = plain[start:end]
            wrapped, offset = expand_mark(template, before, hit.category, hit.rule)
            out.append(wrapped)
            flags.append(Flag(KIND, hit.rule, n, length + offset + 1, before, hit.category))
            if wrapped != before:  # a "{text}" template changes nothing: nothing to record
                records.append((hit.rule, before, wrapped))
        pos = end
    out.append(plain[pos:])
    return "".join(out), flags, records


def mark_placeholders(doc: Document, rules: Detectors | RuleMatcher, template: str) -> Document:
    """Wrap every placeholder in ``template``; Changes record the wraps, Flags point into the result."""
    lines, origins = doc.lines, doc.line_origins()
    rules = _detectors(rules)
    out: list[str] = []
    flags: list[Flag] = []
    changes: list[Change] = []
    for n, (line, origin) in enumerate(zip(lines, origins, strict=True), 1):
        new, line_flags, records = _mark_line(line, n, rules, template)
        out.append(new)
        flags += line_flags
        changes += [Change(rule, origin, before, after) for rule, before, after in records]
    if not changes:
        return doc.add(flags=flags)
    text = join_lines(out, final_newline=doc.text.endswith("\n"))
    return doc.replace(text=text, origins=origins).add(changes=changes, flags=flags)


# -- the stage ----------------------------------------------------------------------------------


def _run(doc: Document, *, matcher: RuleMatcher, rules: Detectors, mode: str, template: str) -> Document:
    """The stage body; the rules are split once per stage, again only after a rule timed out."""

    def body(d: Document, m: RuleMatcher) -> Document:
        current = rules if m is matcher else Detectors.of(m)
        return mark_placeholders(d, current, template) if mode == "mark" else flag_placeholders(d, current)

    return run_without_timeouts(body, doc, matcher)


def build_placeholders(
    rules: tuple[Rule, ...] | RuleMatcher,
    *,
    mode: str = "flag",
    template: str = "⟨{text}|{category}⟩",
    timeout: float | None = 2.0,
) -> Stage:
    """The placeholder stage over the enabled placeholder rules (detectors and exceptions)."""
    if mode not in ("flag", "mark"):
        raise OptionError(f"placeholder stage mode {mode!r}: choose flag or mark ('off' builds no stage)")
    if mode == "mark":
        check_mark_template(template)
    matcher = rules if isinstance(rules, RuleMatcher) else RuleMatcher(tuple(rules), timeout)
    run = partial(_run, matcher=matcher, rules=Detectors.of(matcher), mode=mode, template=template)
    return Stage("placeholders", run)
