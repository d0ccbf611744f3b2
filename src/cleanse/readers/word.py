"""Word .docx: headers, body paragraphs and tables in reading order, notes, then footers.

Ads on material-sharing sites live in a .docx's section headers and footers as often as in
its first and last paragraphs, so those are read too: each section's own header first, then
the body (each paragraph followed by its text boxes), footnotes and endnotes, then each
section's own footer (a header linked to the previous section's is the same text and is read
once). Which runs a paragraph shows is :mod:`.word_text`'s business; a web page or text that a
program embedded whole (``w:altChunk``) is read in place. A table row is one line, its cells
joined by a tab. List numbering that Word draws (``1.``, ``一、``, ``(a)``) is not in the
paragraph's text; :mod:`.word_numbering` rebuilds it so the line reads as the document shows it.

A .docx is a ZIP archive: before anything is decompressed, the sizes its directory declares
are added up and a file that would expand past a limit is refused (a "zip bomb" is a few KB
that expands to gigabytes). ``zipfile`` never inflates a member past its declared size.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from typing import Any

from . import Extracted, Unreadable
from .word_chunks import chunk_lines, packages_as_parts
from .word_numbering import Numbering
from .word_text import ALT_CHUNK, blocks, paragraph_text, table_rows, text_boxes
from .word_text import W as _W
from .word_text import lines as text_lines

MAX_EXPANDED = 256 * 1024 * 1024
"""Bytes a .docx may expand to (all members together); real documents hold a few MB of XML
and images. A run's --max-bytes lowers it."""
MAX_MEMBERS = 10_000


def check_archive(data: bytes, limit: int) -> None:
    """Refuse an archive whose declared members would expand past ``limit`` bytes, before
    decompressing anything; :class:`Unreadable` for a damaged archive."""
    _checked(data, limit)


def _checked(data: bytes, limit: int) -> bytes:
    """:func:`check_archive`, then the package as python-docx can open it
    (:func:`.word_chunks.packages_as_parts`), from one reading of the ZIP directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_members(archive.infolist(), limit)
            return packages_as_parts(archive, data)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Unreadable(f"not a readable .docx (damaged ZIP archive: {exc})", reason="damaged") from None


def _check_members(members: list[zipfile.ZipInfo], limit: int) -> None:
    total = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or total > limit:
        raise Unreadable(
            f"refused before decompressing: {len(members):,} archive "
            f"member{'s' if len(members) != 1 else ''} would expand to "
            f"{total:,} bytes, more than the {limit:,} allowed (a ZIP bomb, or raise --max-bytes)",
            reason="too-large",
            status="skipped",
        )


def read_docx(data: bytes, *, max_bytes: int, nested: bool = False) -> Extracted:
    """The lines of a .docx with their places (``header``, ``paragraph 3``, ``table 1, row 2``).

    ``nested``: the document is itself an embedded chunk of another (its own chunks are not
    read, so a package cannot nest without end)."""
    package = _checked(data, min(MAX_EXPANDED, max_bytes))
    import docx

    try:
        document = docx.Document(io.BytesIO(package))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise _unreadable(exc) from None
    numbers = Numbering(document)
    lines: list[str] = []
    where: list[str] = []
    warnings: list[str] = []

    def add(text: str, place: str) -> None:
        for line in text.split("\n"):
            lines.append(line)
            where.append(place)

    for text, place in _edges(document, "header"):
        add(text, place)
    body = document._body
    paragraphs = tables = 0
    chunks = 0
    for block in blocks(body._element):
        if block.tag == ALT_CHUNK:
            chunks += 1
            for line in chunk_lines(document, block, warnings, max_bytes=max_bytes, nested=nested):
                add(line, f"embedded chunk {chunks}")
            continue
        if block.tag == f"{_W}tbl":
            tables += 1
            for r, row in enumerate(table_rows(block), 1):
                add(row, f"table {tables}, row {r}")
            continue
        paragraphs += 1
        add(numbers.label(block) + paragraph_text(block), f"paragraph {paragraphs}")
        for box in text_boxes(block):
            for line in text_lines(box):
                if line.strip():
                    add(line, f"text box in paragraph {paragraphs}")
    numbered: Counter[str] = Counter()  # footnotes and endnotes are numbered apart, as Word does
    for kind, note in _notes(document):
        numbered[kind] += 1
        for line in text_lines(note):
            if line.strip():
                add(line, f"{kind} {numbered[kind]}")
    notes = numbered.total()
    for text, place in _edges(document, "footer"):
        add(text, place)
    counts = {"paragraphs": paragraphs} | ({"notes": notes} if notes else {})
    return Extracted("docx", tuple(lines), tuple(where), counts=counts, warnings=tuple(warnings))


def _unreadable(exc: Exception, where: str = "") -> Unreadable:
    """A damaged package, or XML nested deeper than the parser reads (libxml2's 256 levels
    without its "huge" option: no real document comes near it)."""
    if "Excessive depth" in str(exc):
        return Unreadable(
            f"{where}elements nested deeper than the XML parser reads (256 levels); not cleaned",
            reason="too-deep",
        )
    return Unreadable(f"not a readable .docx ({where}{type(exc).__name__}: {exc})", reason="damaged")


def _edges(document: Any, kind: str) -> Iterator[tuple[str, str]]:
    """Each section's own headers (or footers) — the first page's and the even pages' too where
    the document has them — once each; the place names the section when it has several."""
    seen: set[str] = set()
    sections = list(document.sections)
    even_pages = document.settings.odd_and_even_pages_header_footer
    for n, section in enumerate(sections, 1):
        place = kind if len(sections) == 1 else f"{kind} (section {n})"
        parts = [getattr(section, kind)]
        if section.different_first_page_header_footer:
            parts.append(getattr(section, f"first_page_{kind}"))
        if even_pages:
            parts.append(getattr(section, f"even_page_{kind}"))
        for part in parts:
            if part.is_linked_to_previous:
                continue
            for text in text_lines(part._element):
                if text.strip() and text not in seen:
                    seen.add(text)
                    yield text, place


_NOTE_PARTS = (("footnote", "/footnotes"), ("endnote", "/endnotes"))
_NOT_NOTES = frozenset({"separator", "continuationSeparator", "continuationNotice"})


def _notes(document: Any) -> Iterator[tuple[str, Any]]:
    """Footnotes, then endnotes, in the order their parts hold them (Word numbers them in
    order), without the separator lines Word keeps among them."""
    from docx.oxml.parser import parse_xml

    rels = [rel for rel in document.part.rels.values() if not rel.is_external]
    for kind, suffix in _NOTE_PARTS:
        for rel in rels:
            if not rel.reltype.endswith(suffix):
                continue
            try:
                root = parse_xml(rel.target_part.blob)
            except Exception as exc:  # lxml's XMLSyntaxError, or a part python-docx cannot give
                raise _unreadable(exc, f"its {kind}s part: ") from None
            for note in root.iterchildren(f"{_W}{kind}"):
                if note.get(f"{_W}type") not in _NOT_NOTES:
                    yield kind, note
