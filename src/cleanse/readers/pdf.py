"""PDF: the text layer page by page, page furniture found, wrapped Chinese lines rejoined.

- **Running headers and footers.** A stamp in a PDF's page header or footer is printed on
  every page. A line among the first or last two of a page that comes back at the same edge
  of at least half the pages (three pages at least) is furniture; digits may differ only in
  a line that names its page (``内部资料 第 3 页`` and ``内部资料 第 4 页`` are one line,
  ``第1部分`` and ``第2部分`` are not): each copy is removed with rule
  ``pdf.running-header`` or ``pdf.running-footer``, and its text is kept in the report. This
  is what the template learner does across a corpus, applied within one document. A page
  number alone at a page's edge (``- 3 -``, ``第3页``, ``3/12``, ``Page 3 of 12``) is removed as
  ``pdf.page-number``.
- **Wrapped lines.** A PDF breaks a paragraph where the page is full, which in Chinese can
  fall inside a word. A line that ends in a Chinese character or a non-final mark (，、：；
  “（《) and is nearly as long as the page's longest line is joined with the next line when
  that starts with Chinese text; an English word hyphenated at a line end is joined without
  its hyphen. Short lines (headings, list items, the last line of a paragraph) are never
  joined. The report counts the lines rejoined (``rejoined``).
- **Watermarks.** Text drawn at a slant (a stamp across the page at 45°) is removed as
  ``pdf.watermark``: pypdf reads it among the body lines, where no edge rule reaches it.
- **Shattered pages.** A file that puts each glyph in a text object of its own reads in
  pypdf's plain mode as one character per line; such a page is read again by glyph position
  (layout mode), kept only when that holds exactly the same characters (``relaid``).
- A PDF with no text on any page (a scan) is skipped with reason ``no-text-layer``: it needs
  OCR first.
- A text layer that is not text is skipped with reason ``garbled-text-layer``. A font
  subset without a ToUnicode map (common in Chinese PDFs from older tools) numbers its glyphs
  1, 2, 3 … in order of first use, and reading it gives those numbers as characters: control
  characters and ASCII soup, not the document. When a fifth or more of the characters read
  are control characters, private-use characters or U+FFFD (a real text layer has almost
  none: a Symbol-font bullet here and there), the file needs OCR like a scan. A page like
  that in an otherwise readable file is kept, with a warning naming it.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import logging
import math
import re
from collections import Counter
from typing import Any

from . import Extracted, Unreadable

MAX_PAGES = 5_000
EDGE = 2  # lines at each end of a page that may be furniture
FULL = 0.8  # a line this share of the page's longest is full: the paragraph goes on

_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"[-–—\s]*(?:第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*(?:/\s*\d+)?|"
    r"(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?)[-–—\s]*",
    re.I,
)
_PAGE_MENTION = re.compile(r"第\s*\d+\s*页|\bpage\s*\d+|\d+\s*/\s*\d+|[-–—]\s*\d+\s*[-–—]", re.I)
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_GOES_ON = re.compile(rf"[{_CJK}，、：；“‘（《〈「『]$")
_STARTS_CJK = re.compile(rf"^[{_CJK}，、。：；！？”’）》〉」』]")
_HYPHENATED = re.compile(r"[a-z]-$")

SHATTERED_MIN_LINES = 8  # a page with fewer lines is not judged
SHATTERED_SHARE = 0.6  # of its lines holding at most two characters: read it by position
GARBLED = 0.2  # share of a text layer's characters that are not text: past it, OCR the file
MIN_GARBLED = 20  # fewer such characters say nothing (a few Symbol-font bullets)
# C0/C1 controls (the line breaks pypdf writes are split off before), private use, U+FFFD
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd]")

SLANT = 10.0  # degrees off the axes past which drawn text is a watermark
WATERMARK_RULE = "pdf.watermark"
HEADER_RULE = "pdf.running-header"
FOOTER_RULE = "pdf.running-footer"
PAGE_NUMBER_RULE = "pdf.page-number"


class _Notes(logging.Handler):
    """pypdf's warnings about a damaged file (``EOF marker not found``), kept for the report
    instead of printed on the terminal for every file."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.notes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        note = f"pdf: {record.getMessage()}"
        if len(self.notes) < 5 and note not in self.notes:
            self.notes.append(note)


def read_pdf(data: bytes) -> Extracted:
    """The lines of a PDF's text layer, placed as ``page P, line L``, with its furniture."""
    logger = logging.getLogger("pypdf")
    notes = _Notes()
    logger.addHandler(notes)
    propagate, logger.propagate = logger.propagate, False
    try:
        extracted = _read(data)
    except Unreadable as exc:
        if exc.reason == "no-text-layer" and notes.notes:  # not a scan: a damaged file
            raise Unreadable(
                f"no text could be read from any page, and the file is damaged ({notes.notes[0]})",
                reason="damaged",
            ) from None
        raise
    finally:
        logger.removeHandler(notes)
        logger.propagate = propagate
    if notes.notes:
        extracted = dataclasses.replace(extracted, warnings=(*notes.notes, *extracted.warnings))
    return extracted


def _read(data: bytes) -> Extracted:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("encrypted with a password; decrypt it first", reason="encrypted")
        pages = list(reader.pages)
    except Unreadable:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file
        raise Unreadable(f"not a readable PDF ({type(exc).__name__}: {exc})", reason="damaged") from None
    if len(pages) > MAX_PAGES:
        raise Unreadable(
            f"{len(pages):,} pages, more than the {MAX_PAGES:,} read", reason="too-large", status="skipped"
        )
    texts: list[list[str]] = []
    warnings: list[str] = []
    relaid_pages = 0
    watermarks: list[set[str]] = []
    for number, page in enumerate(pages, 1):
        tilted: set[str] = set()
        watermarks.append(tilted)
        try:
            text = page.extract_text(visitor_text=_tilted_into(tilted)) or ""
        except Exception as exc:  # one damaged page loses its text, not the document
            warnings.append(f"page {number}: its text could not be read ({type(exc).__name__}); left out")
            text = ""
        text = text.replace("\r", "\n").strip("\n")  # a page break is not a blank line
        lines = [line.rstrip() for line in text.split("\n")] if text else []
        if shattered(lines):
            relaid = _by_position(page, lines)
            if relaid is not None:
                lines = relaid
                relaid_pages += 1
        texts.append(lines)
    if pages and len(warnings) == len(pages):
        raise Unreadable(f"the text of no page could be read ({warnings[0]})", reason="damaged")
    if not any(line.strip() for page in texts for line in page):
        raise Unreadable(
            "no text layer (a scanned PDF?); run OCR first (e.g. ocrmypdf) and clean its output",
            reason="no-text-layer",
            status="skipped",
        )
    share, pages_garbled = garbled(texts)
    if share >= GARBLED:
        raise Unreadable(
            f"its text layer is not text ({share:.0%} control or private-use characters: fonts "
            "without a Unicode map); OCR it (e.g. ocrmypdf --force-ocr) and clean the output",
            reason="garbled-text-layer",
            status="skipped",
        )
    warnings += [
        f"page {p}: its text layer looks garbled (fonts without a Unicode map?); kept as read"
        for p in pages_garbled
    ]
    return _assemble(texts, warnings, watermarks, relaid_pages)


def _tilted_into(found: set[str]) -> Any:
    """A pypdf text visitor adding to ``found`` each text drawn at a slant: a watermark
    ("内部资料 严禁外传" across the page at 45°), which pypdf's plain reading puts among the
    body lines. Text at 0°, 90°, 180° or 270° (vertical labels, rotated tables) is not slanted."""

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip() and _slanted(cm, tm):
            found.add(text.strip())

    return visit


def _slanted(cm: Any, tm: Any) -> bool:
    """Is the text matrix times the current transformation more than 10° off every axis?"""
    try:
        a = tm[0] * cm[0] + tm[1] * cm[2]
        b = tm[0] * cm[1] + tm[1] * cm[3]
    except (TypeError, IndexError):
        return False
    if a == 0 and b == 0:
        return False
    angle = math.degrees(math.atan2(b, a)) % 90
    return SLANT < angle < 90 - SLANT


def shattered(lines: list[str]) -> bool:
    """Does a page read as a character or two per line? A file that places each glyph in a
    text object of its own (some converters do) reads that way in pypdf's plain mode: a
    sentence becomes a column of single characters that no later step can join."""
    shown = [line for line in lines if line.strip()]
    if len(shown) < SHATTERED_MIN_LINES:
        return False
    short = sum(len("".join(line.split())) <= 2 for line in shown)
    return short >= SHATTERED_SHARE * len(shown)


def _by_position(page: Any, plain: list[str]) -> list[str] | None:
    """The page's lines rebuilt from where its glyphs sit (pypdf's layout mode), spaces at the
    line ends and runs of blank lines trimmed; None unless that is no longer shattered and
    holds every character the plain reading did (nothing may be lost by the retry)."""
    try:
        text = page.extract_text(extraction_mode="layout") or ""
    except Exception:  # the plain reading stands
        return None
    lines: list[str] = []
    for line in text.replace("\r", "\n").split("\n"):
        line = line.strip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    if shattered(lines) or sorted("".join("".join(plain).split())) != sorted("".join("".join(lines).split())):
        return None
    return lines


def garbled(texts: list[list[str]]) -> tuple[float, list[int]]:
    """The share of the characters read that no text holds (controls, private use, U+FFFD),
    and the pages where that share reaches :data:`GARBLED` (with enough characters to tell)."""
    bad_total = seen_total = 0
    pages: list[int] = []
    for number, page in enumerate(texts, 1):
        chars = "".join("".join(line.split()) for line in page)
        bad = len(_NOT_TEXT.findall(chars))
        bad_total, seen_total = bad_total + bad, seen_total + len(chars)
        if bad >= MIN_GARBLED and bad >= GARBLED * len(chars):
            pages.append(number)
    if bad_total < MIN_GARBLED:
        return 0.0, []
    return bad_total / seen_total, pages


def _assemble(
    texts: list[list[str]], warnings: list[str], watermarks: list[set[str]], relaid: int
) -> Extracted:
    """Number the lines, mark the watermarks and the furniture, rejoin wrapped lines; ``relaid``
    pages were read by glyph position (a count for the report)."""
    lines: list[str] = []
    where: list[str] = []
    pages: list[list[int]] = []  # per page, indexes of its non-blank lines (watermarks aside)
    marked: dict[int, str] = {}
    for p, page in enumerate(texts, 1):
        own: list[int] = []
        tilted = watermarks[p - 1]
        for n, line in enumerate(page, 1):
            if line.strip() in tilted:
                marked[len(lines)] = WATERMARK_RULE
            elif line.strip():
                own.append(len(lines))
            lines.append(line)
            where.append(f"page {p}, line {n}")
        pages.append(own)
    drops = {**marked, **furniture(lines, pages)}
    taken = _rejoin(lines, pages, drops)
    kept = [i for i in range(len(lines)) if i not in taken]
    index = {old: new for new, old in enumerate(kept)}
    counts = {"pages": len(texts)}
    if taken:
        counts["rejoined"] = len(taken)
    if relaid:
        counts["relaid"] = relaid
    return Extracted(
        "pdf",
        tuple(lines[i] for i in kept),
        tuple(where[i] for i in kept),
        drops={index[i]: rule for i, rule in drops.items()},
        counts=counts,
        warnings=tuple(warnings),
    )


def _shape(line: str) -> str:
    return _DIGITS.sub("#", "".join(line.split()))


def furniture(lines: list[str], pages: list[list[int]]) -> dict[int, str]:
    """Line index -> rule, for running headers and footers and lone page numbers."""
    drops: dict[int, str] = {}
    for own in pages:
        for i in own[:EDGE] + own[-EDGE:]:
            if _PAGE_NUMBER.fullmatch(lines[i]):
                drops[i] = PAGE_NUMBER_RULE
    with_text = [own for own in pages if own]
    if len(with_text) < 3:
        return drops
    need = max(3, (len(with_text) + 1) // 2)
    for rule, edge in ((HEADER_RULE, lambda own: own[:EDGE]), (FOOTER_RULE, lambda own: own[-EDGE:])):
        exact: Counter[str] = Counter()
        shapes: Counter[str] = Counter()
        for own in with_text:
            exact.update({lines[i].strip() for i in edge(own) if i not in drops})
            shapes.update({_shape(lines[i]) for i in edge(own) if i not in drops})
        for own in with_text:
            for i in edge(own):
                line = lines[i].strip()
                # digits may differ only where the line says which page it is (第 3 页 共 9 页)
                if i not in drops and (
                    exact[line] >= need or (shapes[_shape(line)] >= need and _PAGE_MENTION.search(line))
                ):
                    drops[i] = rule
    return drops


def _rejoin(lines: list[str], pages: list[list[int]], drops: dict[int, str]) -> set[int]:
    """Join wrapped lines in place: the joined line keeps the first one's place; the indexes
    of the lines taken into it are returned (the caller leaves them out)."""
    original = list(lines)
    body = [i for own in pages for i in own if i not in drops]
    widths: dict[int, int] = {}
    for own in pages:
        longest = max((len(original[i].strip()) for i in own if i not in drops), default=0)
        widths.update(dict.fromkeys(own, longest))
    taken: set[int] = set()
    head: int | None = None  # index of the line being built
    for prev, nxt in itertools.pairwise(body):
        last, first = original[prev].strip(), original[nxt].strip()
        full = widths[prev] >= 10 and len(last) >= FULL * widths[prev]
        keep = prev if head is None else head
        if full and _GOES_ON.search(last) and _STARTS_CJK.match(first):
            lines[keep] = lines[keep].rstrip() + first
        elif full and _HYPHENATED.search(last) and first[:1].islower():
            lines[keep] = lines[keep].rstrip()[:-1] + first
        else:
            head = None
            continue
        taken.add(nxt)
        head = keep
    return taken
