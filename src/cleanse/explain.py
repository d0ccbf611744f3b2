"""What cleanse did to one document, shown in place: the model behind ``cleanse explain``.

A *view* compares a Document before and after some stages (all of them, or one) and turns
the records those stages added into *rows*, one per line of the "before" text:

- a removed line is a ``-`` row whose margin names the rule that removed it;
- a changed line is a ``~`` row whose text is a character diff (before → after), with a
  note per change record (rule, before, after);
- a line with flags is a ``!`` row whose flagged spans are marked with their category, and
  a note per flag (rule, category, output line:col, text).

Rows join ``before`` and ``after`` through ``Document.line_origins()`` (input line numbers),
so nothing here needs to know how a stage works. :func:`cleanse.explain_render.render`
turns views into text (plain, or with ANSI colours for a terminal); this module never prints.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

from .document import Change, Document, Flag, Removal
from .pipeline import Cleaner, replace_lone_surrogates
from .stages.boilerplate import kept_line_notes

_LINE_BREAK = regex.compile(r"\r\n?")
MAX_DIFF = 20_000  # characters; longer lines are diffed as one replaced middle


@dataclass(frozen=True)
class View:
    """The effect of some stages: the document before, after, and the records they added."""

    title: str
    before: Document
    after: Document
    removed: tuple[Removal, ...]
    changes: tuple[Change, ...]
    flags: tuple[Flag, ...]
    # input line -> why the learned scorer left it (boilerplate stage; see kept_line_notes)
    kept: dict[int, str] = field(default_factory=dict)


@dataclass
class Row:
    """One line of the "before" text and what happened to it.

    ``segments`` are ``(style, text)`` pairs; style is ``""`` (kept), ``"del"``/``"ins"``
    (a change), ``"removed"`` (the whole line), ``"flag"`` (a flagged span) or ``"cat"``
    (a flag's category label, not part of the text). ``notes`` are ``(kind, text)`` pairs.
    """

    number: int
    mark: str
    rules: list[str]
    segments: list[tuple[str, str]]
    notes: list[tuple[str, str]] = field(default_factory=list)


def normalized(doc: Document) -> Document:
    """``doc`` with CR/CRLF line breaks as LF, so its lines are numbered as the records are."""
    if "\r" not in doc.text or doc.origins is not None:
        return doc
    return doc.replace(text=_LINE_BREAK.sub("\n", doc.text))


def _added(before: Document, after: Document, title: str, kept: dict[int, str] | None = None) -> View:
    return View(
        title,
        normalized(before),
        after,
        after.removed[len(before.removed) :],
        after.changes[len(before.changes) :],
        after.flags[len(before.flags) :],
        kept or {},
    )


def full_view(cleaner: Cleaner, decoded: Document, *, start: Document | None = None) -> View:
    """Every stage at once: the decoded input against the cleaned output.

    ``start``: what the stages start from when a reader already removed lines of ``decoded``
    (a PDF's running headers); its removals are shown with the stages'."""
    doc, kept = replace_lone_surrogates(decoded if start is None else start), {}
    for stage in cleaner.stages:
        doc = stage(doc)
        if stage.name == "boilerplate":
            kept = kept_line_notes(stage, doc)
    return _added(decoded, doc, "all stages", kept)


def stage_names(cleaner: Cleaner) -> list[str]:
    """The distinct stage names of a Cleaner, in order."""
    return list(dict.fromkeys(stage.name for stage in cleaner.stages))


def stage_views(cleaner: Cleaner, decoded: Document, name: str) -> list[View]:
    """One view per run of the stage called ``name`` (whitespace runs twice: early and final)."""
    runs = sum(stage.name == name for stage in cleaner.stages)
    views: list[View] = []
    doc = decoded
    for stage in cleaner.stages:
        after = stage(doc)
        if stage.name == name:
            title = f"stage {name}" + (f" ({len(views) + 1} of {runs})" if runs > 1 else "")
            kept = kept_line_notes(stage, after) if name == "boilerplate" else None
            views.append(_added(doc, after, title, kept))
        doc = after
    return views


def quote(text: str) -> str:
    """A record's text in double quotes, with quotes, backslashes and invisibles escaped."""
    return '"' + "".join(_escaped(c) for c in text) + '"'


def _escaped(c: str) -> str:
    if c in '"\\':
        return "\\" + c
    if c.isprintable():
        return c
    return {"\t": "\\t", "\n": "\\n", "\r": "\\r"}.get(c, f"\\u{ord(c):04x}")


def char_diff(before: str, after: str) -> list[tuple[str, str]]:
    """``(style, text)`` segments turning ``before`` into ``after`` (styles "", "del", "ins")."""
    if before == after:
        return [("", after)] if after else []
    head = _common_prefix(before, after)
    tail = _common_prefix(before[head:][::-1], after[head:][::-1])
    mid_b, mid_a = before[head : len(before) - tail], after[head : len(after) - tail]
    out: list[tuple[str, str]] = [("", before[:head])]
    if len(mid_b) + len(mid_a) > MAX_DIFF:
        out += [("del", mid_b), ("ins", mid_a)]
    else:
        matcher = difflib.SequenceMatcher(None, mid_b, mid_a, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                out.append(("", mid_b[i1:i2]))
            else:
                out += [("del", mid_b[i1:i2]), ("ins", mid_a[j1:j2])]
    out.append(("", before[len(before) - tail :] if tail else ""))
    return [(style, text) for style, text in out if text]


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def mark_flags(segments: list[tuple[str, str]], flags: Sequence[Flag]) -> list[tuple[str, str]]:
    """Overlay flag spans (1-based columns of the after text) onto diff segments."""
    if not flags:
        return segments
    styled: list[tuple[str, str]] = []  # one (style, char) per character
    for style, text in segments:
        styled += [(style, c) for c in text]
    after_index = [i for i, (style, _) in enumerate(styled) if style != "del"]
    labels: dict[int, list[str]] = {}
    for flag in flags:
        start = flag.col - 1
        end = min(start + max(len(flag.text), 1), len(after_index))
        for k in range(start, end):
            i = after_index[k]
            if styled[i][0] == "":
                styled[i] = ("flag", styled[i][1])
        if start < end:
            labels.setdefault(after_index[end - 1], []).append(flag.category or flag.kind)
    out: list[tuple[str, str]] = []
    for i, (style, c) in enumerate(styled):
        _append(out, style, c)
        for label in labels.get(i, ()):
            out.append(("cat", label))
    return out


def _append(out: list[tuple[str, str]], style: str, text: str) -> None:
    if out and out[-1][0] == style and style != "cat":
        out[-1] = (style, out[-1][1] + text)
    else:
        out.append((style, text))


def build_rows(view: View) -> tuple[list[Row], list[tuple[str, str]]]:
    """Rows for every "before" line, and notes for records that name no line of it."""
    before_lines, before_origins = view.before.lines, view.before.line_origins()
    places = view.before.meta.get("places") or ()  # a document's: "page 2, line 3" per line read
    after_lines, after_origins = view.after.lines, view.after.line_origins()
    after_by_origin = {o: i for i, o in enumerate(after_origins)}
    removals = _by_line(view.removed)
    changes = _by_line(view.changes)
    flags: dict[int, list[Flag]] = {}
    for flag in view.flags:
        origin = after_origins[flag.line - 1] if 0 < flag.line <= len(after_origins) else -flag.line
        flags.setdefault(origin, []).append(flag)
    rows: list[Row] = []
    for text, origin in zip(before_lines, before_origins, strict=True):
        index = after_by_origin.get(origin)
        after_text = after_lines[index] if index is not None else None
        rows.append(
            _row(
                origin,
                text,
                after_text,
                removals.pop(origin, []),
                changes.pop(origin, []),
                flags.pop(origin, []),
            )
        )
        if index is not None and origin in view.kept:
            rows[-1].notes.append(("kept", view.kept[origin]))
        if places and rows[-1].mark != " " and 0 < origin <= len(places):
            rows[-1].notes.insert(0, ("where", f"at {places[origin - 1]}"))
    leftover = [_removal_note(r) for rs in removals.values() for r in rs]
    leftover += _change_notes([c for cs in changes.values() for c in cs])
    leftover += [_flag_note(f) for fs in flags.values() for f in fs]
    return rows, leftover


def _by_line(records: Sequence[Removal] | Sequence[Change]) -> dict[int, list]:
    out: dict[int, list] = {}
    for record in records:
        out.setdefault(record.line, []).append(record)
    return out


def _row(
    number: int,
    before: str,
    after: str | None,
    removals: list[Removal],
    changes: list[Change],
    flags: list[Flag],
) -> Row:
    if after is None:
        dropped = removals[-1] if removals else Removal("?", number, before)
        row = Row(number, "-", [dropped.rule], [("removed", before)] if before else [])
        if dropped.score is not None:
            row.notes.append(("score", _score_text(dropped)))
        row.notes += [_removal_note(r) for r in removals[:-1]]
        row.notes += _change_notes(changes) + [_flag_note(f) for f in flags]
        return row
    rules = [r.rule for r in removals] + [c.rule for c in changes] + [f.rule for f in flags]
    mark = "~" if (removals or changes or before != after) else ("!" if flags else " ")
    segments = mark_flags(char_diff(before, after), flags)
    notes = [_removal_note(r) for r in removals] + _change_notes(changes)
    notes += [_flag_note(f) for f in flags]
    return Row(number, mark, list(dict.fromkeys(rules)), segments, notes)


def _removal_note(removal: Removal) -> tuple[str, str]:
    note = f"{removal.rule} removed {quote(removal.text)}"
    if removal.score is not None:
        note += f" ({_score_text(removal)})"
    return ("removed", note)


def _score_text(removal: Removal) -> str:
    """A learned model's score and the features that raised it most."""
    top = ", ".join(f"{name} {weight:+.2f}" for name, weight in removal.features)
    return f"score {removal.score:.3f}" + (f": {top}" if top else "")


def _change_notes(changes: list[Change]) -> list[tuple[str, str]]:
    counts = Counter((c.rule, c.before, c.after) for c in changes)
    notes = []
    for (rule, before, after), n in counts.items():
        times = f" ×{n}" if n > 1 else ""
        notes.append(("change", f"{rule}: {quote(before)} → {quote(after)}{times}"))
    return notes


def _flag_note(flag: Flag) -> tuple[str, str]:
    category = f" [{flag.category}]" if flag.category else ""
    return ("flag", f"{flag.kind} {flag.rule}{category} at {flag.line}:{flag.col} {quote(flag.text)}")
