"""Word .docx: headers, body paragraphs and tables in reading order, notes, then footers.

Ads on material-sharing sites live in a .docx's section headers and footers as often as in
its first and last paragraphs, so those are read too: each section's own header first, then
the body (each paragraph followed by its text boxes), footnotes and endnotes, then each
section's own footer (a header linked to the previous section's is the same text and is read
once). Which runs a paragraph shows is :mod:`.word_text`'s business; a web page or text that a
program embedded whole (``w:altChunk``) is read in place. A table row is one line,
its cells joined by a tab. List
numbering that Word draws (``1.``, ``一、``, ``(a)``) is not in the paragraph's text; it is
rebuilt from the numbering definitions so the line reads as the document shows it.

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

from ..errors import CleanseError
from . import Extracted, Unreadable
from .word_text import ALT_CHUNK, blocks, paragraph_text, table_rows, text_boxes
from .word_text import lines as text_lines

MAX_EXPANDED = 256 * 1024 * 1024
"""Bytes a .docx may expand to (all members together); real documents hold a few MB of XML
and images. A run's --max-bytes lowers it."""
MAX_MEMBERS = 10_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_archive(data: bytes, limit: int) -> None:
    """Refuse an archive whose declared members would expand past ``limit`` bytes, before
    decompressing anything; :class:`Unreadable` for a damaged archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Unreadable(f"not a readable .docx (damaged ZIP archive: {exc})", reason="damaged") from None
    total = sum(m.file_size for m in members)
    if len(members) > MAX_MEMBERS or total > limit:
        raise Unreadable(
            f"refused before decompressing: {len(members):,} archive "
            f"member{'s' if len(members) != 1 else ''} would expand to "
            f"{total:,} bytes, more than the {limit:,} allowed (a ZIP bomb, or raise --max-bytes)",
            reason="too-large",
            status="skipped",
        )


def read_docx(data: bytes, *, max_bytes: int) -> Extracted:
    """The lines of a .docx with their places (``header``, ``paragraph 3``, ``table 1, row 2``)."""
    check_archive(data, min(MAX_EXPANDED, max_bytes))
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
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
            for line in _chunk_lines(document, block, warnings):
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


_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _chunk_lines(document: Any, chunk: Any, warnings: list[str]) -> list[str]:
    """The lines of an "alternative format import" chunk: a web page, MHTML or plain text that
    a program (often an office system exporting to Word) embedded whole, and Word shows in
    place. Another kind (RTF, a nested .docx) is not read, and a warning says so."""
    rel = document.part.rels.get(chunk.get(_R_ID) or "")
    if rel is None or rel.is_external:
        warnings.append("an embedded chunk whose part is missing was left out")
        return []
    part = rel.target_part
    kind = (part.content_type or "").lower()
    try:
        if kind in ("text/html", "application/xhtml+xml"):
            from .web import read_html

            return list(read_html(part.blob).lines)
        if kind in ("message/rfc822", "multipart/related", "application/x-mimearchive"):
            from .web import read_mhtml

            return list(read_mhtml(part.blob).lines)
        if kind == "text/plain":
            from ..stages.encoding import decode

            return decode(part.blob).text.splitlines()
    except (Unreadable, CleanseError) as exc:
        warnings.append(f"an embedded chunk ({kind}) could not be read ({exc}); left out")
        return []
    warnings.append(f"an embedded chunk of type {kind or 'unknown'} is not read; left out")
    return []


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


# -- list numbering -----------------------------------------------------------------------------

_CHINESE_DIGITS = "零一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN: tuple[tuple[int, str], ...] = (
    *((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L")),
    *((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")),
)


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (Word's chineseCounting)."""
    if n < 10:
        return _CHINESE_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" + (_CHINESE_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return _CHINESE_DIGITS[hundreds] + "百"
    tail = chinese_number(rest)
    if rest < 10:
        tail = "零" + tail
    elif rest < 20:
        tail = "一" + tail
    return _CHINESE_DIGITS[hundreds] + "百" + tail


def _letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA (Word repeats the letter)."""
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    out = []
    for value, text in _ROMAN:
        count, n = divmod(n, value)
        out.append(text * count)
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """A list number in one of Word's number formats (decimal for formats not known here)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "ideographDigital"):
        return chinese_number(n) if n < 1000 else str(n)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _STEMS[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt in ("upperLetter", "lowerLetter") and n >= 1:
        text = _letters(n)
        return text if fmt == "upperLetter" else text.lower()
    if fmt in ("upperRoman", "lowerRoman") and n >= 1:
        text = _roman(n)
        return text if fmt == "upperRoman" else text.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class Numbering:
    """The list labels Word draws before numbered paragraphs, counted in document order."""

    def __init__(self, document: Any) -> None:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        self.levels: dict[str, dict[int, tuple[int, str, str, str]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is not None:
            self._read(root)
        self._styles = _Styles(document)
        self._by_style: dict[str | None, Any] = {}

    def _read(self, root: Any) -> None:
        abstract: dict[str, dict[int, tuple[int, str, str, str]]] = {}
        for node in root.iterchildren(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.iterchildren(f"{_W}lvl"):
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    int(_val(lvl, "start") or 1),
                    _val(lvl, "numFmt") or "decimal",
                    _val(lvl, "lvlText") or "",
                    _val(lvl, "suff") or "tab",
                )
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iterchildren(f"{_W}num"):
            levels = dict(abstract.get(_val(num, "abstractNumId") or "", {}))
            for override in num.iterchildren(f"{_W}lvlOverride"):
                level = int(override.get(f"{_W}ilvl", "0"))
                start = _val(override, "startOverride")
                if start is not None and level in levels:
                    levels[level] = (int(start), *levels[level][1:])
            self.levels[num.get(f"{_W}numId", "")] = levels

    def label(self, paragraph: Any) -> str:
        """The label before a ``w:p`` (``""`` when it is not a numbered list item)."""
        if not self.levels:
            return ""  # no numbering definitions: nothing is numbered
        numpr = self._numbering_of(paragraph)
        if numpr is None:
            return ""
        num_id = str(numpr.numId.val)
        level = int(numpr.ilvl.val) if numpr.ilvl is not None else 0
        levels = self.levels.get(num_id, {})
        if level not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, levels[level][0] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        _, fmt, text, suffix = levels[level]
        if fmt == "bullet":
            label = "•" if not text or "\ue000" <= text[0] <= "\uf8ff" else text
        else:
            label = text
            for k in range(9):
                if f"%{k + 1}" in label:
                    start, kfmt = levels.get(k, (1, "decimal", "", ""))[:2]
                    label = label.replace(f"%{k + 1}", format_number(counters.get(k, start), kfmt))
        if not label or suffix == "nothing" or not label[-1].isascii():
            return label
        return label + " "

    def _numbering_of(self, paragraph: Any) -> Any:
        """The paragraph's list numbering: its own, or its style's (``List Number``), or a
        base style's; None when it has none. A style's is looked up once per style (python-
        docx's ``paragraph.style`` scans every style for the default on each call: that was
        40% of reading a .docx)."""
        ppr = paragraph.pPr
        if ppr is not None and ppr.numPr is not None and ppr.numPr.numId is not None:
            return ppr.numPr
        style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
        if style_id not in self._by_style:
            self._by_style[style_id] = self._styles.numbering(style_id)
        return self._by_style[style_id]


class _Styles:
    """The paragraph styles of a document by id, and its default paragraph style, read once."""

    def __init__(self, document: Any) -> None:
        root = document.styles.element
        self.by_id = {s.get(f"{_W}styleId"): s for s in root.iterchildren(f"{_W}style")}
        paragraph_styles = [s for s in self.by_id.values() if s.get(f"{_W}type", "paragraph") == "paragraph"]
        self.paragraph = {s.get(f"{_W}styleId"): s for s in paragraph_styles}
        defaults = [s for s in paragraph_styles if s.get(f"{_W}default") in ("1", "true", "on")]
        self.default = defaults[-1] if defaults else None

    def numbering(self, style_id: str | None) -> Any:
        """The numbering a paragraph of style ``style_id`` gets from its style chain (an unknown
        or missing id means the default paragraph style, as Word reads it)."""
        style = self.paragraph.get(style_id) if style_id is not None else None
        style = self.default if style is None else style
        for _ in range(20):  # base styles chain; a loop in a broken file must end
            if style is None:
                return None
            sppr = style.find(f"{_W}pPr")
            numpr = None if sppr is None else sppr.find(f"{_W}numPr")
            if numpr is not None and numpr.find(f"{_W}numId") is not None:
                return numpr
            based = style.find(f"{_W}basedOn")
            style = None if based is None else self.by_id.get(based.get(f"{_W}val"))
        return None


def _val(node: Any, child: str) -> str | None:
    found = node.find(f"{_W}{child}")
    return None if found is None else found.get(f"{_W}val")
