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

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

import regex

from ..document import Change, Document, Flag, join_lines
from ..errors import OptionError, RuleTimeout
from ..literals import line_keys
from ..matcher import RuleMatcher, run_without_timeouts
from ..rules import Rule, default_rules_dir
from . import Stage
from .pattern_anchors import required_search
from .placeholder_scan import RuleScan

KIND = "placeholder"
MARKED_RULE = "placeholder.marked"
TEMPLATE_FIELDS = ("text", "category", "kind", "rule")
# What a mark's {text} can be: a placeholder token (X, XX, 20XX, ×××, ○○, ＊＊, ***, 某某).
_MARKED_TEXT = r"(?:19|20)?[0-9]?[XＸ×○＊*某]{1,16}"

Span = tuple[int, int]
# Tests of a line, all of which must pass for a rule to be tried on it.
KeyTest = tuple[Callable[[str], bool], ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """One placeholder found in a line: 0-based character span, rule and category."""

    start: int
    end: int
    rule: str
    category: str | None


# -- finding placeholders in one line -----------------------------------------------------------


# Every default placeholder form contains one of these, so a line without any is skipped at
# once (4x faster on real text). User detectors may look for other forms, so with any rule
# from outside the default rules folder every line is searched.
_CANDIDATE = regex.compile(r"[XＸ×○＊*某]")


@lru_cache(maxsize=256)
def _is_default_source(source: str) -> bool:
    return bool(source) and Path(source).resolve().parent == default_rules_dir().resolve()


def _is_default(rule: Rule) -> bool:
    return _is_default_source(rule.source)


@dataclass(frozen=True)
class Detectors:
    """The stage's rules split once per document: detectors (``flag``) and exceptions (``keep``).

    ``keys`` holds, per detector, the literal keys one of which every match contains (None: not
    known), so a line lacking them skips that detector's search (see :mod:`..literals`).
    """

    detect: tuple[Rule, ...]
    keep: tuple[Rule, ...]
    timeout: float = 2.0
    prefilter: regex.Pattern[str] | None = None
    keys: tuple[KeyTest, ...] = ()
    keep_keys: tuple[KeyTest, ...] = ()
    scan: RuleScan | None = None
    keep_scan: RuleScan | None = None
    needs: tuple[regex.Pattern[str] | None, ...] = ()
    keep_needs: tuple[regex.Pattern[str] | None, ...] = ()

    @classmethod
    def of(cls, matcher: RuleMatcher) -> Detectors:
        """Split a matcher's rules (after a timeout it has fewer: see ``run_without_timeouts``)."""
        detect = tuple(r for r in matcher.rules if r.action != "keep")
        keep = tuple(r for r in matcher.rules if r.action == "keep")
        prefilter = _CANDIDATE if all(map(_is_default, detect)) else None
        timeout = matcher.timeout
        return cls(
            detect,
            keep,
            timeout,
            prefilter,
            _keys_of(detect),
            _keys_of(keep),
            RuleScan.of(detect, timeout),
            RuleScan.of(keep, timeout),
            tuple(map(required_search, detect)),
            tuple(map(required_search, keep)),
        )

    def applicable(self, line: str) -> list[tuple[int, Rule]]:
        """``(order, detector)`` for each detector that may match ``line`` (its keys occur)."""
        return _may_match(line, self.detect, self.keys)

    def exceptions(self, line: str) -> tuple[Rule, ...]:
        """The exception rules that may match ``line``; the others cannot protect anything."""
        return tuple(rule for _, rule in _may_match(line, self.keep, self.keep_keys))

    def candidates(self, line: str) -> list[tuple[Rule, Span]]:
        """What ``_candidates`` finds, with the joined detectors searched in one call.

        The general path (every detector on its own) runs when the joined search is not
        available or ran past the timeout, so a slow rule is still named and dropped.
        """
        scan = self.scan
        hits = scan.matches(line, self.timeout) if scan is not None else None
        if scan is None or hits is None:
            return _candidates(line, self.applicable(line), self.timeout)
        found = [(flag, order, self.detect[order]) for order, _, flag in hits]
        for order, rule in _may_match_some(line, scan.rest, self.detect, self.keys, self.needs, self.timeout):
            found += [(_flag_span(m), order, rule) for m in _matches(rule, line, self.timeout)]
        return _by_position(found)

    def shield(self, line: str) -> list[Span]:
        """What ``protected_spans`` finds, with the joined exceptions searched in one call."""
        scan = self.keep_scan
        hits = scan.matches(line, self.timeout) if scan is not None else None
        if scan is None or hits is None:
            return protected_spans(line, self.exceptions(line), self.timeout)
        spans = [span for _, span, _ in hits]
        for _, rule in _may_match_some(
            line, scan.rest, self.keep, self.keep_keys, self.keep_needs, self.timeout
        ):
            spans += [m.span() for m in _matches(rule, line, self.timeout)]
        return spans


def _key_test(keys: frozenset[str]) -> Callable[[str], bool]:
    """Does a line hold one of ``keys``? One substring test, or one literal alternation (a
    plain ``re`` search: linear, so it needs no timeout)."""
    if len(keys) == 1:
        key = next(iter(keys))
        return lambda line: key in line
    search = re.compile("|".join(map(re.escape, sorted(keys, key=len, reverse=True)))).search
    return lambda line: search(line) is not None


def _keys_of(rules: tuple[Rule, ...]) -> tuple[KeyTest, ...]:
    """Per rule, the tests a line must pass (one per key set) for the rule to be tried on it."""
    return tuple(
        tuple(_key_test(keys) for keys in line_keys(r.pattern, r.ignore_case, r.examples_match))
        for r in rules
    )


def _may_match(line: str, rules: tuple[Rule, ...], keys: tuple[KeyTest, ...]) -> list[tuple[int, Rule]]:
    """``(order, rule)`` for the rules whose key sets all occur in ``line`` (all rules when unknown)."""
    if len(keys) != len(rules):
        return list(enumerate(rules))
    return [
        (order, rule)
        for order, (rule, tests) in enumerate(zip(rules, keys, strict=True))
        if all(test(line) for test in tests)
    ]


def _may_match_some(
    line: str,
    orders: tuple[int, ...],
    rules: tuple[Rule, ...],
    keys: tuple[KeyTest, ...],
    needs: tuple[regex.Pattern[str] | None, ...] = (),
    timeout: float = 2.0,
) -> list[tuple[int, Rule]]:
    """``_may_match`` over the rules at ``orders`` only (those not joined in one search), also
    dropping a rule whose required search (``needs``, see ``required_search``) finds nothing."""
    if len(keys) == len(rules):
        found = [(order, rules[order]) for order in orders if all(test(line) for test in keys[order])]
    else:
        found = [(order, rules[order]) for order in orders]
    if len(needs) != len(rules):
        return found
    return [(order, rule) for order, rule in found if _holds(needs[order], line, timeout)]


def _holds(need: regex.Pattern[str] | None, line: str, timeout: float) -> bool:
    """Does ``need`` match in ``line``? (Yes when unknown or slow: the rule itself then runs.)"""
    if need is None:
        return True
    try:
        return need.search(line, timeout=timeout) is not None
    except TimeoutError:
        return True


def _matches(rule: Rule, line: str, timeout: float) -> list[regex.Match[str]]:
    """Every match of one rule in a line (each rule alone: one combined alternation of these
    lookaround-heavy patterns is far slower than searching them one by one)."""
    try:
        return list(rule.compiled.finditer(line, timeout=timeout))
    except TimeoutError:
        raise RuleTimeout(rule.id, timeout) from None


def protected_spans(line: str, keep: tuple[Rule, ...], timeout: float) -> list[Span]:
    """Spans of ``line`` that exception rules protect (all matches of every rule)."""
    return [m.span() for rule in keep for m in _matches(rule, line, timeout)]


def _candidates(line: str, detect: list[tuple[int, Rule]], timeout: float) -> list[tuple[Rule, Span]]:
    """Flag spans of every detector in position order; at one position the earlier rule wins."""
    found = [(_flag_span(m), order, rule) for order, rule in detect for m in _matches(rule, line, timeout)]
    return _by_position(found)


def _by_position(found: list[tuple[Span, int, Rule]]) -> list[tuple[Rule, Span]]:
    """Candidates sorted by flag start, then rule order (stable: a rule's own stay in order)."""
    found.sort(key=lambda t: (t[0][0], t[1]))
    return [(rule, span) for span, _, rule in found]


def _overlaps(start: int, end: int, spans: list[Span]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _flag_span(match: regex.Match[str]) -> Span:
    """The flagged part of a detector match: its ``flag`` group, else the whole match."""
    if "flag" in match.groupdict():
        start, end = match.span("flag")
        if start >= 0:
            return start, end
    return match.span()


def find_placeholders(line: str, rules: Detectors | RuleMatcher) -> list[Hit]:
    """The placeholders of one line, in order, one Hit per placeholder, exceptions applied.

    ``rules`` are the stage's rules (detectors and exceptions). Where several detectors flag
    overlapping text, the first in position (then rule) order is kept: no duplicates.
    """
    if isinstance(rules, RuleMatcher):
        rules = Detectors.of(rules)
    if rules.prefilter is not None and rules.prefilter.search(line) is None:
        return []
    candidates = rules.candidates(line)
    if not candidates:
        return []
    shield = rules.shield(line)
    hits: list[Hit] = []
    end = -1
    for rule, (start, stop) in candidates:
        if stop <= start or start < end:
            continue
        end = stop
        if not _overlaps(start, stop, shield):
            hits.append(Hit(start, stop, rule.id, rule.category))
    return hits


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
    timeout: float = 2.0,
) -> Stage:
    """The placeholder stage over the enabled placeholder rules (detectors and exceptions)."""
    if mode not in ("flag", "mark"):
        raise OptionError(f"placeholder stage mode {mode!r}: choose flag or mark ('off' builds no stage)")
    if mode == "mark":
        check_mark_template(template)
    matcher = rules if isinstance(rules, RuleMatcher) else RuleMatcher(tuple(rules), timeout)
    run = partial(_run, matcher=matcher, rules=Detectors.of(matcher), mode=mode, template=template)
    return Stage("placeholders", run)
