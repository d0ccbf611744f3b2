"""The per-document JSONL report and the run summary.

The report format is a public contract (DESIGN.md): one object per document with ``path``,
``status``, ``encoding``, ``confidence``, ``bytes_in``, ``chars_out``, ``removed``, ``changes``,
``flags`` and ``error``. It may be extended; its keys are never renamed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .document import Document, Flag, Removal
from .errors import InputError
from .io import write_atomic

STATUSES = ("ok", "skipped", "failed")


def document_entry(path: str, doc: Document) -> dict[str, Any]:
    """The report object of a cleaned document."""
    meta = doc.meta
    lines = doc.lines
    return {
        "path": path,
        "status": "ok",
        "changed": doc.changed,
        "encoding": doc.encoding,
        "confidence": meta.get("confidence"),
        "decided_by": meta.get("decided_by"),
        "replacements": meta.get("replacements", 0),
        "bytes_in": meta.get("bytes_in"),
        "chars_out": len(doc.text),
        "removed": [removal_record(r) for r in doc.removed],
        "changes": _changes(doc, lines) if doc.changes else [],
        "flags": [_flag(f, lines) for f in doc.flags],
        "warnings": list(meta.get("warnings", ())),
        "error": None,
        **({"omitted": dict(meta["omitted"])} if meta.get("omitted") else {}),
    }


def removal_record(r: Removal) -> dict[str, Any]:
    """A removed record; one removed on a model's score also has ``score`` and ``features``."""
    if r.score is None:
        return {"rule": r.rule, "line": r.line, "text": r.text}
    features = [[name, weight] for name, weight in r.features]
    return {"rule": r.rule, "line": r.line, "text": r.text, "score": r.score, "features": features}


# Records are written out field by field (in their dataclass order, which is the report's key
# order): this runs for every record of every document, and generic helpers cost 3x more.

CONTEXT = 16  # characters either side of a change or flag kept in the report


def _changes(doc: Document, lines: list[str]) -> list[dict[str, Any]]:
    """Change records, each with ``context``: a short piece of the output line around it.

    A change names its input line and its ``after`` text, which is found left to right in
    that line's output; a change that cannot be placed (its line was dropped later, or its
    ``after`` is blank) gets no context. Kept short, so that the report and the HTML page
    stay small on large runs.
    """
    row_of = {origin: i for i, origin in enumerate(doc.line_origins())}
    cursor: dict[tuple[int, str], int] = {}
    out: list[dict[str, Any]] = []
    for c in doc.changes:
        record = {"rule": c.rule, "line": c.line, "before": c.before, "after": c.after}
        index, found = row_of.get(c.line, -1), c.after
        if 0 <= index < len(lines) and found.strip():
            start = lines[index].find(found, cursor.get((index, found), 0))
            cursor[(index, found)] = start + 1
            if start >= 0:
                record["context"] = snippet(lines[index], start, start + len(found))
        out.append(record)
    return out


def _flag(f: Flag, lines: list[str]) -> dict[str, Any]:
    """A flag record; flags point into the output (line, col), so context is read there."""
    record: dict[str, Any] = {"kind": f.kind, "rule": f.rule, "line": f.line, "col": f.col, "text": f.text}
    if f.category is not None:
        record["category"] = f.category
    index, start = f.line - 1, f.col - 1
    if 0 <= index < len(lines) and start >= 0:
        record["context"] = snippet(lines[index], start, start + len(f.text))
    return record


def snippet(line: str, start: int, end: int, width: int = CONTEXT) -> str:
    """``line[start:end]`` with up to ``width`` characters either side, ``…`` where cut."""
    left, right = max(0, start - width), min(len(line), end + width)
    return ("…" if left else "") + line[left:right] + ("…" if right < len(line) else "")


def problem_entry(
    path: str, status: str, error: str, *, reason: str | None = None, bytes_in: int | None = None
) -> dict[str, Any]:
    """The report object of a document that was skipped or failed."""
    return {
        "path": path,
        "status": status,
        "changed": False,
        "encoding": None,
        "confidence": None,
        "decided_by": None,
        "replacements": 0,
        "bytes_in": bytes_in,
        "chars_out": 0,
        "removed": [],
        "changes": [],
        "flags": [],
        "warnings": [],
        "reason": reason,
        "error": error,
    }


# One encoder for every line: json.dumps with any option builds a new encoder per call.
_JSON = json.JSONEncoder(ensure_ascii=False)


def utf8(text: str) -> bytes:
    """``text`` as UTF-8, each lone surrogate written as its ``\\udcXX`` escape.

    The one way every writer turns text into bytes. Lone surrogates come from file names that
    are not UTF-8 (``surrogateescape``) and from JSON input (``"\\ud800"``); inside a JSON
    string the escape is valid JSON that ``json.loads`` turns back into the same str, and in
    plain text (an HTML page, a TOML comment) it is a readable stand-in instead of a crash.
    """
    return text.encode("utf-8", errors="backslashreplace")


def json_line(obj: Any, **options: Any) -> bytes:
    """One JSON value (non-ASCII kept readable) and a newline, as UTF-8 via :func:`utf8`."""
    return utf8(json.dumps(obj, ensure_ascii=False, **options) + "\n")


def to_jsonl(entries: Iterable[Mapping[str, Any]]) -> bytes:
    """Entries as JSON Lines (UTF-8, non-ASCII kept readable).

    A file name that is not valid UTF-8 reaches us with lone surrogates (``surrogateescape``);
    they are written as JSON ``\\udcXX`` escapes, so the report stays valid UTF-8 and JSON and
    ``json.loads`` gives back the very str that ``os`` functions accept as that name.
    """
    return utf8("".join(_JSON.encode(e) + "\n" for e in entries))


def write_report(path: Path, entries: Iterable[Mapping[str, Any]]) -> None:
    """Write the JSONL report atomically, sorted by path.

    A run's spooled entries (``io.EntrySpool``) are already in path order and are copied
    without being decoded or held in memory.
    """
    if hasattr(entries, "write_jsonl"):
        entries.write_jsonl(path)
        return
    write_atomic(path, to_jsonl(sorted(entries, key=lambda e: e["path"])))


class Tally(NamedTuple):
    """What the run summary and the progress bar need of one report entry.

    Workers send this instead of the entry itself (which can hold dozens of records): the
    parent of a 16-process run handles every result, and unpickling and counting whole
    entries there was what would have capped the speed-up.
    """

    path: str
    status: str
    error: str | None
    reason: str | None
    bytes_in: int
    changed: bool
    encoding: str | None
    rules: tuple[tuple[str, int, int], ...]  # (rule, distinct lines touched, records)
    removed: int = 0  # ad lines and spans removed (``removed`` records but blank lines)
    format: str | None = None  # a document read by a reader (docx, html, pdf ...); None: text


def tally(entry: Mapping[str, Any]) -> Tally:
    """The :class:`Tally` of one report entry (distinct lines per rule counted per kind)."""
    touched: dict[str, set[tuple[str, int]]] = {}
    hits: Counter[str] = Counter()
    if entry["status"] == "ok":
        for key in ("removed", "changes", "flags"):
            for record in entry.get(key, ()):
                touched.setdefault(record["rule"], set()).add((key[0], record["line"]))
                hits[record["rule"]] += 1
        for rule, count in (entry.get("omitted") or {}).items():  # counted, not recorded
            touched.setdefault(rule, set())
            hits[rule] += count
    return Tally(
        entry["path"],
        entry["status"],
        entry.get("error"),
        entry.get("reason"),
        entry.get("bytes_in") or 0,
        bool(entry.get("changed")),
        entry.get("encoding"),
        tuple((rule, len(lines), hits[rule]) for rule, lines in touched.items()),
        sum(not r["rule"].startswith("whitespace.") for r in entry.get("removed") or ()),
        entry.get("format"),
    )


_ENTRY_KEYS = {"path": str, "status": str}


def read_report(path: Path) -> list[dict[str, Any]]:
    """Read a JSONL report back (for ``cleanse report``); InputError naming the first line
    that is not a report entry (a JSON object with a ``path`` and a ``status``)."""
    entries: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            entry = json.loads(line)
            bad = not isinstance(entry, dict) or any(
                not isinstance(entry.get(key), kind) for key, kind in _ENTRY_KEYS.items()
            )
            if bad:
                raise InputError(
                    f"{path}:{n}: not a report entry (a JSON object with 'path' and 'status'); "
                    "pass the file written by `cleanse run --report`"
                )
            entries.append(entry)
    return entries


@dataclass
class Summary:
    """Counts of a run: statuses, rules by documents, lines and records, encodings, problems.

    ``rule_lines`` counts distinct lines a rule touched in each document (a removed line, a
    line with changes, a line with flags); ``rule_hits`` counts its records.
    """

    cleaned: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    bytes_in: int = 0
    removed: int = 0
    seconds: float = 0.0
    rule_docs: Counter[str] = field(default_factory=Counter)
    rule_lines: Counter[str] = field(default_factory=Counter)
    rule_hits: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)
    formats: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    problems: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, entry: Mapping[str, Any]) -> None:
        """Count one report entry."""
        self.add_tally(tally(entry))

    def add_tally(self, t: Tally) -> None:
        """Count one entry from its :class:`Tally` (what a worker sends instead of the entry)."""
        self.bytes_in += t.bytes_in
        if t.format is not None and t.status == "ok":  # read; a skipped or failed one was not
            self.formats[t.format] += 1
        if t.status != "ok":
            self.skipped += t.status == "skipped"
            self.failed += t.status == "failed"
            self.reasons[f"{t.status}: {t.reason or 'error'}"] += 1
            self.problems.append((t.path, t.status, t.error or ""))
            return
        if t.changed:
            self.cleaned += 1
        else:
            self.unchanged += 1
        self.removed += t.removed
        if t.encoding is not None:  # a JSONL record was text already: it had no encoding
            self.encodings[t.encoding] += 1
        for rule, lines, hits in t.rules:
            self.rule_docs[rule] += 1
            self.rule_lines[rule] += lines
            self.rule_hits[rule] += hits

    @property
    def documents(self) -> int:
        """Every document the run saw."""
        return self.cleaned + self.unchanged + self.skipped + self.failed

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        mb = self.bytes_in / 1e6
        rate = mb / self.seconds if self.seconds > 0 else 0.0
        removed = (
            f"{self.removed} ad lines or spans removed" if self.removed != 1 else "1 ad line or span removed"
        )
        return (
            f"{self.cleaned} cleaned, {self.unchanged} unchanged, {self.skipped} skipped, "
            f"{self.failed} failed; {removed}; in {self.seconds:.1f}s ({mb:.1f} MB, {rate:.1f} MB/s)"
        )

    def rules(self) -> list[tuple[str, int, int, int]]:
        """(rule, documents, lines, records), most documents first."""
        order = sorted(self.rule_docs.items(), key=lambda kv: (-kv[1], -self.rule_lines[kv[0]], kv[0]))
        return [(r, n, self.rule_lines[r], self.rule_hits[r]) for r, n in order]

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data (``--summary FILE``)."""
        return {
            "documents": self.documents,
            "cleaned": self.cleaned,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
            "bytes_in": self.bytes_in,
            "removed": self.removed,
            "seconds": round(self.seconds, 3),
            "rules": [
                {"rule": r, "documents": n, "lines": lines, "records": hits}
                for r, n, lines, hits in self.rules()
            ],
            "encodings": dict(sorted(self.encodings.items(), key=lambda kv: (-kv[1], kv[0]))),
            "formats": dict(sorted(self.formats.items(), key=lambda kv: (-kv[1], kv[0]))),
            "reasons": dict(sorted(self.reasons.items())),
            "problems": [{"path": p, "status": s, "error": e} for p, s, e in self.problems],
        }


def write_summary(path: Path, summary: Summary) -> None:
    """Write the summary as JSON (``--summary FILE``), atomically."""
    write_atomic(path, json_line(summary.as_dict(), indent=1))


def summarize(entries: Iterable[Mapping[str, Any]]) -> Summary:
    """The Summary of report entries (``cleanse report`` rebuilds it from a JSONL report)."""
    summary = Summary()
    for entry in entries:
        summary.add(entry)
    return summary


def summary_table(summary: Summary, *, top: int = 10, problems: int = 10) -> str:
    """The compact text table printed at the end of a run: top rules, encodings, problems.

    ``problems``: how many problems to list one by one (0 where the run said each as it
    happened; the counts by reason are always given).
    """
    rows = summary.rules()
    lines: list[str] = []
    if rows:
        width = max(len("rule"), *(len(r[0]) for r in rows[:top]))
        lines.append(f"{'rule':<{width}}  {'docs':>7}  {'lines':>8}")
        lines += [f"{rule:<{width}}  {docs:>7}  {n:>8}" for rule, docs, n, _ in rows[:top]]
        if len(rows) > top:
            lines.append(f"… {len(rows) - top} more rules (--summary FILE lists them all)")
    if summary.encodings:
        encodings = ", ".join(f"{e} {n}" for e, n in summary.encodings.most_common())
        lines.append(f"encodings: {encodings}")
    if summary.formats:
        formats = ", ".join(f"{f} {n}" for f, n in summary.formats.most_common())
        lines.append(f"documents read by format: {formats}")
    if summary.reasons:
        lines.append("not cleaned: " + ", ".join(f"{r} {n}" for r, n in sorted(summary.reasons.items())))
        lines += [f"  {s}: {e or p}" for p, s, e in summary.problems[:problems]]
        if problems and len(summary.problems) > problems:
            lines.append(f"  … {len(summary.problems) - problems} more (see the report)")
    return "\n".join(lines)
