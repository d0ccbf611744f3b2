"""Documents that are not plain text — Word .docx, web pages, PDF — read into lines of text,
each with the place in the document it came from.

Material-sharing sites hand out .docx, .pdf and saved pages as often as .txt, with the same
stamps in their first and last paragraphs, page headers and footers, or page chrome. A reader
turns one such file into an :class:`Extracted`: its lines (what the cleaning stages see, like
the lines of a text file), where each line came from (``paragraph 3``, ``page 2, line 1``),
and the lines the format itself shows are page furniture (a PDF's running header), which the
runner removes with their rule ids before the stages run. Every record the report gives for
such a file then names its place in the document.

The reader is chosen by the file's first bytes, not by its name alone: a ``.doc`` that is
really a web page (Word's "save as web page") or plain GBK text is read as what it is. Which
files are looked at is still the name's business (``--glob``). Each format's library is an
optional extra; without it, its files are skipped with the command that installs it.
"""

from __future__ import annotations

import importlib.util
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..document import Document, drop_lines

if TYPE_CHECKING:
    from ..pipeline import Cleaner

# Suffix -> the format a file of that name is expected to be.
SUFFIXES: Mapping[str, str] = {
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".mhtml": "mhtml",
    ".mht": "mhtml",
    ".pdf": "pdf",
    ".doc": "legacy",
    ".wps": "legacy",
    ".rtf": "rtf",
}

# Format -> (module the reader needs, the extra that installs it).
EXTRAS: Mapping[str, tuple[str, str]] = {
    "docx": ("docx", "docx"),
    "html": ("lxml", "html"),
    "mhtml": ("lxml", "html"),
    "pdf": ("pypdf", "pdf"),
}

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc, WPS .wps, .xls ...
_HTML_START = re.compile(
    rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|body|title)\b", re.I | re.S
)
_BLOCK_START = re.compile(rb"\s*<(?:div|p|table|span|h[1-6])\b", re.I)
_MIME_START = re.compile(rb"(?:[\w-]+:[^\r\n]*\r?\n)*?MIME-Version:", re.I)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class Unreadable(Exception):
    """A document that is not cleaned: ``status`` (skipped or failed), ``reason`` for the report,
    ``format`` the reader it was meant for (set by :func:`read_document`)."""

    def __init__(self, message: str, *, reason: str, status: str = "failed") -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status
        self.format: str | None = None


@dataclass(frozen=True)
class Extracted:
    """One document read into lines.

    ``where[i]`` says where line ``i`` came from; ``drops`` maps line indexes the format shows
    are page furniture (running headers and footers, page numbers) to the rule id that removes
    them; ``counts`` holds what the report gives about the document (``pages``,
    ``paragraphs``, ``blocks``, ``rejoined`` lines); ``decoding`` the encoding facts of a web
    page (``encoding``, ``confidence``, ``decided_by``, ``replacements``).
    """

    format: str
    lines: tuple[str, ...]
    where: tuple[str, ...]
    drops: Mapping[int, str] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)
    decoding: Mapping[str, object] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def format_of_name(rel: str) -> str | None:
    """The document format a file name stands for, or None for any other name."""
    return SUFFIXES.get(posixpath.splitext(rel)[1].lower())


def is_document(rel: str) -> bool:
    """Is ``rel`` named like a document a reader handles (``.docx``, ``.pdf``, ``.doc`` ...)?"""
    return format_of_name(rel) is not None


def text_name(rel: str) -> str:
    """Where the text of a document is written, relative to OUTPUT: ``a/b.docx`` -> ``a/b.txt``."""
    return posixpath.splitext(rel)[0] + ".txt" if is_document(rel) else rel


def sniff(rel: str, data: bytes) -> str:
    """The format of a document's bytes: ``docx``, ``pdf``, ``html``, ``mhtml``, ``legacy``,
    ``rtf``, or ``text`` (a ``.doc`` that is plain text); the name decides only when the
    bytes say nothing (a web page need not start with a tag)."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/document.xml" in data else "zip"
    if head.startswith(_OLE2):
        return "legacy"
    body = head
    for bom in _BOMS:
        if body.startswith(bom):
            body = body[len(bom) :]
    if body.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if _MIME_START.match(body) and b"multipart/related" in data[:4096].lower():
        return "mhtml"
    if _HTML_START.match(body) or (b"\x00" not in head and _looks_like_markup(head)):
        return "html"
    named = format_of_name(rel)
    if named in ("html", "mhtml"):
        return "html"
    if named in ("legacy", "rtf"):
        return "text"  # a .doc that is plain text: common on download sites
    return named or "text"


def _looks_like_markup(head: bytes) -> bool:
    """A page saved without a doctype or <html> tag still opens with common block tags."""
    return _BLOCK_START.match(head) is not None


def missing_extra(fmt: str) -> str | None:
    """The install command a format's reader needs, or None when its library is installed."""
    need = EXTRAS.get(fmt)
    if need is None or importlib.util.find_spec(need[0]) is not None:
        return None
    return f"pip install 'cleanse[{need[1]}]'"


def available_globs() -> tuple[str, ...]:
    """The document names ``cleanse run`` looks for by default: each format whose extra is
    installed, and the legacy formats (so that they are reported with how to convert them)."""
    globs = [f"*{suffix}" for suffix, fmt in SUFFIXES.items() if missing_extra(fmt) is None]
    return tuple(globs)


def read_document(rel: str, data: bytes, *, max_bytes: int) -> Extracted | None:
    """Read one document; None when its bytes are plain text (a ``.doc`` that is a text file),
    :class:`Unreadable` (with the format it was read as) when it cannot be read."""
    fmt = sniff(rel, data)
    try:
        return _read_as(fmt, data, max_bytes)
    except Unreadable as exc:
        exc.format = fmt
        raise


def _read_as(fmt: str, data: bytes, max_bytes: int) -> Extracted | None:
    if fmt == "legacy" or fmt == "rtf":
        kind = "RTF" if fmt == "rtf" else "a legacy Word/WPS binary document"
        raise Unreadable(
            f"{kind}, which cleanse cannot read; convert it first: "
            "soffice --headless --convert-to docx FILE (LibreOffice), then clean the .docx",
            reason="legacy-format",
            status="skipped",
        )
    if fmt == "zip":
        raise Unreadable("a ZIP archive that is not a Word .docx document", reason="not-a-document")
    if fmt == "text":
        return None
    install = missing_extra(fmt)
    if install:
        raise Unreadable(
            f"reading {fmt} needs its optional library: {install}", reason="missing-extra", status="skipped"
        )
    if fmt == "docx":
        from .word import read_docx

        return read_docx(data, max_bytes=max_bytes)
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(data)
    from .web import read_html, read_mhtml

    return read_mhtml(data) if fmt == "mhtml" else read_html(data)


def name_clashes(paths: Iterable[str]) -> dict[str, str]:
    """Inputs whose text would be written where another input's is: ``{rel: the other}``.

    ``a/b.txt`` keeps its name; of several documents with one stem (``b.docx``, ``b.pdf``),
    the first in path order does.
    """
    owner: dict[str, str] = {}
    clashes: dict[str, str] = {}
    for rel in sorted(paths, key=lambda p: (is_document(p), p)):  # text files first
        target = text_name(rel)
        if target in owner:
            clashes[rel] = owner[target]
        else:
            owner[target] = rel
    return clashes


READ_SECONDS = 60.0
"""CPU seconds reading one document may take; past that it is failed (a hostile or damaged
file: pypdf on a broken content stream can otherwise run for minutes)."""


def read_limited(rel: str, data: bytes, *, max_bytes: int) -> Extracted | None:
    """:func:`read_document` under a CPU budget where one can be armed (see :mod:`..budget`)."""
    from .. import budget

    if not budget.available():
        return read_document(rel, data, max_bytes=max_bytes)
    try:
        return budget.run_within(READ_SECONDS, lambda _: read_document(rel, data, max_bytes=max_bytes), None)
    except budget.BudgetExceeded:
        raise Unreadable(
            f"reading it took over {READ_SECONDS:g} s of CPU (a damaged or hostile file?); not cleaned",
            reason="too-slow",
        ) from None


def to_document(extracted: Extracted, rel: str, bytes_in: int) -> Document:
    """The Document the stages clean: the extracted lines, with the format's furniture already
    removed under its rule ids (line numbers are those of the extracted lines)."""
    facts = extracted.decoding
    text = "\n".join(extracted.lines) + ("\n" if extracted.lines else "")
    doc = Document(
        text=text,
        source=rel,
        encoding=facts.get("encoding"),  # type: ignore[arg-type]
        meta={
            "confidence": facts.get("confidence"),
            "decided_by": facts.get("decided_by", extracted.format),
            "replacements": facts.get("replacements", 0),
            "bytes_in": bytes_in,
            "warnings": extracted.warnings,
        },
    )
    return drop_lines(doc, extracted.drops)


def clean_extracted(cleaner: Cleaner, extracted: Extracted, rel: str, bytes_in: int) -> Document:
    """What ``cleaner`` makes of a document read into lines (decoder replacements flagged as
    for text files)."""
    from ..stages.encoding import flag_replacements

    return flag_replacements(cleaner.clean(to_document(extracted, rel, bytes_in)))


def annotate(entry: dict[str, Any], extracted: Extracted) -> dict[str, Any]:
    """The report entry of a document with its ``format``, its counts (``pages``,
    ``paragraphs``, ``blocks``, ``rejoined``) and, on each removal and change, ``where`` its
    line was in the document."""
    entry["format"] = extracted.format
    entry.update(extracted.counts)
    where = extracted.where
    for key in ("removed", "changes"):
        for record in entry[key]:
            line = record.get("line", 0)
            if 0 < line <= len(where):
                record["where"] = where[line - 1]
    return entry
