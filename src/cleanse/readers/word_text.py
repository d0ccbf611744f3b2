"""The text of WordprocessingML as Word shows it: every run a reader sees, none it does not.

python-docx's ``paragraph.text`` reads the runs directly under a paragraph and its hyperlinks
only, and its body walk sees paragraphs and tables directly under the body. Real documents
put text elsewhere, and a converter that drops it loses real sentences:

- tracked insertions (``w:ins``), fields (``w:fldSimple``), smart tags, custom XML and
  inline content controls (``w:sdt``) wrap runs inside a paragraph;
- block content controls wrap whole paragraphs and tables (cover pages, tables of contents,
  every field of a form template);
- text boxes (``w:txbxContent``) hold paragraphs inside a run's drawing — stamps and call-outs
  on download sites, and in a header, the site's name;
- a table cell holds paragraphs, nested tables and text boxes.

What Word does not show is left out: deleted and moved-away text (``w:del``, ``w:moveFrom``),
field codes (``w:instrText``), and the ``mc:Fallback`` copy of a drawing, which repeats the
``mc:Choice`` one for older readers. The walks are iterative over runs; the block nesting they
recurse through is bounded by the XML parser's depth limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_MATH_TEXT = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
_TEXT_BOX = f"{W}txbxContent"

_NOT_SHOWN = frozenset(
    {
        f"{W}del",
        f"{W}moveFrom",
        f"{W}instrText",
        f"{W}delText",
        f"{W}pPr",
        f"{W}rPr",
        f"{W}sdtPr",
        f"{W}sdtEndPr",
        _TEXT_BOX,  # read as lines of their own (text_boxes)
        _MC_FALLBACK,
    }
)
_CHARACTERS = {
    f"{W}tab": "\t",
    f"{W}ptab": "\t",
    f"{W}br": "\n",
    f"{W}cr": "\n",
    f"{W}noBreakHyphen": "-",
}
_TEXT = frozenset({f"{W}t", _MATH_TEXT})
_BLOCK_WRAPPERS = frozenset({f"{W}sdt", f"{W}sdtContent", f"{W}customXml"})


def paragraph_text(paragraph: Any) -> str:
    """The text Word shows in a ``w:p`` (line breaks as ``\\n``), its text boxes left out."""
    out: list[str] = []
    stack = [iter(paragraph)]
    while stack:
        for node in stack[-1]:
            tag = node.tag
            if not isinstance(tag, str) or tag in _NOT_SHOWN:
                continue  # an XML comment, or what Word does not show here
            if tag in _TEXT:
                out.append(node.text or "")
            elif tag in _CHARACTERS:
                out.append(_CHARACTERS[tag])
            elif len(node):
                stack.append(iter(node))
                break
        else:
            stack.pop()
    return "".join(out)


ALT_CHUNK = f"{W}altChunk"
_BLOCK_TAGS = frozenset({f"{W}p", f"{W}tbl", ALT_CHUNK})


def blocks(container: Any) -> Iterator[Any]:
    """The ``w:p``, ``w:tbl`` and ``w:altChunk`` elements of a body, cell, text box, header or
    note, in order, those inside block content controls and custom XML included."""
    stack = [iter(container)]
    while stack:
        for node in stack[-1]:
            if node.tag in _BLOCK_TAGS:
                yield node
            elif node.tag in _BLOCK_WRAPPERS:
                stack.append(iter(node))
                break
        else:
            stack.pop()


def text_boxes(paragraph: Any) -> list[Any]:
    """The text boxes anchored in a paragraph (outermost ones: a box's own boxes are read with
    it), without the ``mc:Fallback`` copies and those in deleted or moved-away runs."""
    found: list[Any] = []
    stack = [iter(paragraph)]
    while stack:
        for node in stack[-1]:
            if node.tag == _TEXT_BOX:
                found.append(node)
            elif node.tag not in _NOT_SHOWN and isinstance(node.tag, str) and len(node):
                stack.append(iter(node))
                break
        else:
            stack.pop()
    return found


def table_rows(table: Any) -> Iterator[str]:
    """Each row's cells joined by a tab, each cell once (a cell spanning columns is one
    ``w:tc``; the cells below a vertically merged one are empty), a cell's lines by a space."""
    for row in table.iterchildren(f"{W}tr"):
        cells = [" ".join(line.strip() for line in lines(cell) if line.strip()) for cell in _cells(row)]
        yield "\t".join(cells)


def _cells(row: Any) -> Iterator[Any]:
    for node in row:
        if node.tag == f"{W}tc":
            yield node
        elif node.tag in _BLOCK_WRAPPERS:  # a content control around cells
            yield from _cells(node)


def lines(container: Any) -> Iterator[str]:
    """Every line a container shows: each paragraph's lines, then its text boxes' lines; each
    table row as one line."""
    for block in blocks(container):
        if block.tag == ALT_CHUNK:
            continue  # a part of its own: the body reads it (word.read_docx); see _chunk_lines
        if block.tag == f"{W}tbl":
            yield from table_rows(block)
            continue
        yield from paragraph_text(block).split("\n")
        for box in text_boxes(block):
            yield from lines(box)
