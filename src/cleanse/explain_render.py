"""Views shown as text: the terminal rendering behind ``cleanse explain``.

:func:`render` turns the views of :mod:`cleanse.explain` into lines of text, plain or with
ANSI colours for a terminal: a header saying how the input was decoded, then per view one
line per row (line number, mark, the rule in the margin, the text with its changes and flags
marked), its notes, gaps for unchanged lines, and the view's totals. Building views and rows
is :mod:`cleanse.explain`; how they look has this one home. This module never prints.
"""

from __future__ import annotations

from collections.abc import Sequence

from .document import Document
from .explain import Row, View, build_rows

_SHOWN = {" ": "·", "\t": "⇥", "\u3000": "□", "\u00a0": "⍽"}


def visible(text: str) -> str:
    """Text of a changed span, with spaces and invisible characters made visible."""
    return "".join(_SHOWN.get(c) or (c if c.isprintable() else f"<U+{ord(c):04X}>") for c in text)


def totals(view: View) -> str:
    """One line: how many lines removed, changes and flags this view holds, by how many rules."""
    rules = {r.rule for r in view.removed} | {c.rule for c in view.changes} | {f.rule for f in view.flags}
    counts = [
        _plural(len(view.removed), "removal"),
        _plural(len(view.changes), "change"),
        _plural(len(view.flags), "flag"),
    ]
    return ", ".join(counts) + f" by {_plural(len(rules), 'rule')}"


_ANSI = {
    "removed": "\x1b[9;31m",
    "del": "\x1b[9;31m",
    "ins": "\x1b[1;32m",
    "flag": "\x1b[4;33m",
    "cat": "\x1b[2;33m",
    "rule-": "\x1b[31m",
    "rule~": "\x1b[32m",
    "rule!": "\x1b[33m",
    "note": "\x1b[2m",
    "head": "\x1b[1m",
}
_RESET = "\x1b[0m"


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_ANSI[style]}{text}{_RESET}" if color and style in _ANSI and text else text


def render_segments(segments: list[tuple[str, str]], *, color: bool) -> str:
    """A row's text: changes as ``⟦before→after⟧`` and flags as ``⟨text:category⟩`` in plain text;
    strike-through, colour and underline on a terminal."""
    out: list[str] = []
    i = 0
    while i < len(segments):
        style, text = segments[i]
        if style in ("del", "ins"):
            before = text if style == "del" else ""
            after = text if style == "ins" else ""
            if style == "del" and i + 1 < len(segments) and segments[i + 1][0] == "ins":
                after = segments[i + 1][1]
                i += 1
            out.append(_change_text(visible(before), visible(after), color))
        elif style == "flag":
            out.append(_paint(text, "flag", True) if color else "⟨" + text)
        elif style == "cat":
            out.append(_paint(f"⁽{text}⁾", "cat", True) if color else f":{text}⟩")
        else:
            out.append(_paint(text, style, color))
        i += 1
    return "".join(out)


def _change_text(before: str, after: str, color: bool) -> str:
    if not color:
        return f"⟦{before}→{after}⟧"
    return _paint(before, "del", True) + _paint("→", "note", True) + _paint(after, "ins", True)


def _margin_rule(row: Row) -> str:
    if not row.rules:
        return ""
    return row.rules[0] + (f" +{len(row.rules) - 1}" if len(row.rules) > 1 else "")


def render_view(view: View, *, color: bool = False, context: int | None = None) -> list[str]:
    """The lines of one view: a title, one line per row (plus its notes), and totals."""
    rows, leftover = build_rows(view)
    width = max([len(_margin_rule(r)) for r in rows] + [4])
    shown = _shown_rows(rows, context)
    lines = [_paint(f"── {view.title} ──", "head", color)]
    previous = -1
    for i in shown:
        if i > previous + 1:
            lines.append(_gap(i - previous - 1, width))
        lines += _row_lines(rows[i], width, color)
        previous = i
    if len(rows) > previous + 1:
        lines.append(_gap(len(rows) - previous - 1, width))
    lines += [f"{'':>5}   {'':<{width}} ┆ ↳ {text}" for _, text in leftover]
    lines.append(_paint(totals(view), "head", color))
    return lines


def _gap(hidden: int, width: int) -> str:
    return f"{'⋮':>5}   {'':<{width}} │ ({_plural(hidden, 'unchanged line')})"


def _shown_rows(rows: list[Row], context: int | None) -> list[int]:
    if context is None:
        return list(range(len(rows)))
    hot = [i for i, r in enumerate(rows) if r.mark != " " or r.notes]
    keep = {j for i in hot for j in range(max(0, i - context), min(len(rows), i + context + 1))}
    return sorted(keep)


def _row_lines(row: Row, width: int, color: bool) -> list[str]:
    rule = _margin_rule(row).ljust(width)
    margin = f"{row.number:>5} {row.mark} {_paint(rule, 'rule' + row.mark, color)} │ "
    lines = [margin + render_segments(row.segments, color=color)]
    for _, text in row.notes:
        lines.append(f"{'':>5}   {'':<{width}} ┆ " + _paint(f"↳ {text}", "note", color))
    return lines


def header(doc: Document) -> str:
    """Where the text came from and how it was decoded."""
    meta = doc.meta
    confidence = meta.get("confidence")
    how = f"confidence {confidence:.2f}" if isinstance(confidence, float) else ""
    if meta.get("decided_by"):
        how += f", by {meta['decided_by']}"
    if doc.encoding is None and meta.get("decided_by") in ("docx", "pdf"):
        return f"{doc.source or '-'}: read as {meta['decided_by']}"  # no encoding to speak of
    return f"{doc.source or '-'}: {doc.encoding or 'text'}" + (f" ({how.strip(', ')})" if how else "")


def render(
    decoded: Document, views: Sequence[View], *, color: bool = False, context: int | None = None
) -> str:
    """The whole explanation: the header, then every view."""
    lines = [_paint(header(decoded), "head", color)]
    for view in views:
        lines += render_view(view, color=color, context=context)
    return "\n".join(lines) + "\n"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
