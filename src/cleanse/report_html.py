"""The self-contained HTML review page of a run (``--html FILE``, ``cleanse report``).

One file, no external scripts, fonts or styles, so it works offline and can be mailed. The
page's data is one JSON object in a ``<script type="application/json">`` element (with ``<``,
``>``, ``&`` and the JS line separators escaped, so no document text can close the element);
the page's own script renders it lazily (one page of documents at a time) and writes every
piece of document text with ``textContent``, never as HTML. A Content-Security-Policy allows
only that script (by its hash), so even a bug in escaping could not run injected code.

Size: strings repeat across a corpus (the same ad line in thousands of files), so every text
is stored once and referred to by index; each document keeps at most
:func:`records_per_document` records of each kind (100, fewer past 20,000 documents), texts
are trimmed to ``MAX_TEXT`` characters, context snippets stop after ``CONTEXT_BUDGET``
characters and record texts after ``TEXT_BUDGET``; what is left out is counted, and the page
says to use ``cleanse explain`` for it. Totals, counts and filters always cover every document.
On 100,000 synthetic documents the page is about 25 MB and renders in about a second.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from .io import write_atomic
from .report import Summary, summarize, utf8

MAX_RECORDS = 100
RECORD_BUDGET = 2_000_000  # records of each kind in all; past 20,000 documents each keeps fewer
MIN_RECORDS = 10
MAX_TEXT = 200
TEXT_BUDGET = 3_000_000  # characters of record text (removed lines, before/after, flagged text)
CONTEXT_BUDGET = 1_500_000  # characters of context snippets around changes and flags
STATUS_CODES = {"ok": 0, "skipped": 1, "failed": 2}


class Strings:
    """Each distinct string stored once; ``add`` gives its index, or -1 past the budget.

    Context snippets have a budget of their own, so that on a large run they run out first
    and the records themselves (removed lines, changes, flagged text) are still shown.
    """

    def __init__(self, budget: int, context_budget: int) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}
        self.left = {False: budget, True: context_budget}

    def add(self, text: str | None, *, context: bool = False) -> int:
        if text is None:
            return -1
        text = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
        found = self.index.get(text)
        if found is not None:
            return found
        if len(text) > self.left[context]:
            return -1
        self.left[context] -= len(text)
        self.index[text] = len(self.items)
        self.items.append(text)
        return self.index[text]


class Names:
    """Small vocabularies (rules, encodings, flag tags) as indexes."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}

    def add(self, name: str) -> int:
        if name not in self.index:
            self.index[name] = len(self.items)
            self.items.append(name)
        return self.index[name]


def flag_tag(flag: Mapping[str, Any]) -> str:
    """``kind:category`` (or just kind), the value the page filters flags by."""
    return f"{flag['kind']}:{flag['category']}" if flag.get("category") else str(flag["kind"])


def records_per_document(documents: int) -> int:
    """How many records of each kind one document may embed: fewer as the run grows."""
    return max(MIN_RECORDS, min(MAX_RECORDS, RECORD_BUDGET // max(documents, 1)))


def _details(entry: Mapping[str, Any], strings: Strings, names: dict[str, Names], limit: int) -> list[Any]:
    """[removed, changes, flags, left out] of one document, texts as string indexes."""
    rules, tags = names["rules"], names["tags"]
    out: list[list[list[int]]] = [[], [], []]
    for r in entry.get("removed", ())[:limit]:  # where: a document's place ("page 3, line 1")
        out[0].append(
            [
                r["line"],
                rules.add(r["rule"]),
                strings.add(r["text"]),
                strings.add(r.get("where"), context=True),
            ]
        )
    for c in entry.get("changes", ())[:limit]:
        out[1].append(
            [
                c["line"],
                rules.add(c["rule"]),
                strings.add(c["before"]),
                strings.add(c["after"]),
                strings.add(c.get("context"), context=True),
                strings.add(c.get("where"), context=True),
            ]
        )
    for f in entry.get("flags", ())[:limit]:
        out[2].append(
            [
                f["line"],
                f["col"],
                rules.add(f["rule"]),
                strings.add(f["text"]),
                tags.add(flag_tag(f)),
                strings.add(f.get("context"), context=True),
            ]
        )
    needed = ((2,), (2, 3), (3,))  # the texts a record cannot be shown without (-1: over budget)
    for kind, slots in zip(out, needed, strict=True):
        kind[:] = [rec for rec in kind if all(rec[i] >= 0 for i in slots)]
    total = sum(len(entry.get(k, ())) for k in ("removed", "changes", "flags"))
    left_out = total - sum(len(kind) for kind in out)
    return [*out, left_out]


def _document(entry: Mapping[str, Any], strings: Strings, names: dict[str, Names], limit: int) -> list[Any]:
    """One row of the documents table: path, status, encoding, changed, counts, rules, flag
    tags, error, details and warnings (the page's script names these positions)."""
    rules, tags = names["rules"], names["tags"]
    removed, changes, flags = (entry.get(k, ()) for k in ("removed", "changes", "flags"))
    rule_ids = sorted({rules.add(r["rule"]) for r in (*removed, *changes, *flags)})
    tag_ids = sorted({tags.add(flag_tag(f)) for f in flags})
    error = entry.get("error")
    return [
        entry["path"],
        STATUS_CODES.get(entry["status"], 2),
        names["encodings"].add(entry.get("encoding") or "—"),
        1 if entry.get("changed") else 0,
        len(removed),
        len(changes),
        len(flags),
        rule_ids,
        tag_ids,
        strings.add(error) if error else -1,
        _details(entry, strings, names, limit),
        [i for i in (strings.add(w) for w in entry.get("warnings", ())[:MIN_RECORDS]) if i >= 0],
    ]


def page_data(entries: Sequence[Mapping[str, Any]], summary: Summary) -> dict[str, Any]:
    """Everything the page's script needs, compact (see the module docstring)."""
    strings = Strings(TEXT_BUDGET, CONTEXT_BUDGET)
    names = {"rules": Names(), "encodings": Names(), "tags": Names()}
    limit = records_per_document(len(entries))
    docs = [_document(e, strings, names, limit) for e in entries]
    return {
        "docs": docs,
        "rules": names["rules"].items,
        "encodings": names["encodings"].items,
        "tags": names["tags"].items,
        "strings": strings.items,
        "statuses": list(STATUS_CODES),
        "summary": summary.as_dict(),
    }


def script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>``, ``&``, U+2028/9 raw."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def bar_chart(title: str, bars: Sequence[tuple[str, int]], *, link: str | None = None) -> str:
    """An inline SVG bar chart (label, value); each bar links to ``#<link>=<label>`` if given."""
    if not bars:
        return f'<figure class="chart"><figcaption>{html.escape(title)}</figcaption><p>none</p></figure>'
    row, label_w, bar_w = 22, 260, 360
    top = max(v for _, v in bars) or 1
    parts = [
        f'<figure class="chart"><figcaption>{html.escape(title)}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 70}" '
        f'height="{row * len(bars) + 4}" role="img" aria-label="{html.escape(title)}">'
    ]
    for i, (label, value) in enumerate(bars):
        y, width = i * row + 2, max(1, round(bar_w * value / top))
        bar = (
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{html.escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row - 6}"></rect>'
            f'<text x="{label_w + width + 5}" y="{y + 15}">{value:,}</text>'
        )
        if link:
            href = html.escape(f"#{link}={_url_quote(label)}", quote=True)
            bar = f'<a href="{href}"><title>{html.escape(label)}: {value:,}</title>{bar}</a>'
        parts.append(bar)
    parts.append("</svg></figure>")
    return "".join(parts)


def _url_quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def totals_html(summary: Summary, entries: Sequence[Mapping[str, Any]]) -> str:
    """The totals strip: documents by status and records by kind."""
    counts = {
        "documents": summary.documents,
        "cleaned": summary.cleaned,
        "unchanged": summary.unchanged,
        "skipped": summary.skipped,
        "failed": summary.failed,
        "lines removed": sum(len(e.get("removed", ())) for e in entries),
        "changes": sum(len(e.get("changes", ())) for e in entries),
        "flags": sum(len(e.get("flags", ())) for e in entries),
        "MB in": round(summary.bytes_in / 1e6, 1),
    }
    cells = "".join(
        f'<div class="total" data-key="{html.escape(k)}"><b>{v:,}</b><span>{html.escape(k)}</span></div>'
        for k, v in counts.items()
    )
    return f'<section id="totals">{cells}</section>'


def _template() -> str:
    return resources.files("cleanse").joinpath("report_page.html").read_text(encoding="utf-8")


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_page(
    entries: Iterable[Mapping[str, Any]],
    *,
    title: str = "cleanse review",
    summary: Summary | None = None,
    top: int = 20,
) -> str:
    """The whole page as a string, from report entries (and their Summary, if already made)."""
    entries = sorted(entries, key=lambda e: e["path"])
    summary = summary or summarize(entries)
    template = _template()
    script = template.split("<script>", 1)[1].split("</script>", 1)[0]
    rules = [(rule, docs) for rule, docs, _, _ in summary.rules()[:top]]
    charts = bar_chart(f"Documents by rule (top {len(rules)})", rules, link="rule")
    charts += bar_chart("Encodings", summary.encodings.most_common(), link="enc")
    fills = {
        "{{TITLE}}": html.escape(title),
        "{{CSP_SCRIPT}}": _script_hash(script),
        "{{TOTALS}}": totals_html(summary, entries),
        "{{CHARTS}}": charts,
        "{{DATA}}": script_json(page_data(entries, summary)),
    }
    head, rest = template.split("<script>", 1)
    # One pass: a filled value is never scanned again, so text that happens to read {{DATA}}
    # (in a title, a file name, an old report's rule id) stays text.
    head = re.sub(r"\{\{[A-Z_]+\}\}", lambda m: fills.get(m.group(), m.group()), head)
    return head + "<script>" + rest


def write_page(path: Path, entries: Iterable[Mapping[str, Any]], **options: Any) -> None:
    """Write the review page atomically (``--html FILE``); ``options`` go to :func:`render_page`."""
    write_atomic(path, utf8(render_page(entries, **options)))
