"""Record ids no rule file defines: what the stages and the document readers do themselves.

Every removal, change and flag in a report names an id. Most are rules, which ``cleanse rules
show ID`` explains; these are built in, and it explains them from here — a reader of a report
should be able to trace every id it holds. A rule file cannot take one of these ids (it would
be mistaken for them): :data:`RESERVED` is what the rule checks refuse.

The modules that make the records keep their own constants (``document.BLANK_LINES_RULE``,
``readers.pdf.WATERMARK_RULE`` …); ``tests/test_record_ids.py`` checks each is listed here.
"""

from __future__ import annotations

from collections.abc import Mapping

BUILT_IN: Mapping[str, str] = {
    "whitespace.blank-lines": (
        "Blank lines removed by the whitespace stage: runs longer than --max-blank-lines, those "
        "at the start and end of a document, and the blank padding left where removed lines were."
    ),
    "whitespace.line-endings": "CR and CRLF line endings written as LF (one change per document).",
    "whitespace.final-newline": "A final newline added to a document that lacked one.",
    "whitespace.indent": "Indentation changed by --indent strip or --indent normalize (two U+3000).",
    "whitespace.tabs": "Tabs changed by --tabs space or --tabs expand.",
    "encoding.replacement": (
        "A flag: U+FFFD where the input's bytes could not be decoded (the decoder replaced them); "
        "the text around it is as the file had it."
    ),
    "encoding.lone-surrogate": (
        "A lone surrogate (from JSON \\ud800 escapes or undecodable bytes kept as surrogates) "
        "replaced by U+FFFD, since no UTF-8 or GB18030 file can hold it."
    ),
    "encoding.mojibake-utf8-as-gbk": (
        "Text that was UTF-8 read as GBK somewhere upstream (锟斤拷-style runs) decoded back to "
        "what it said, by the mojibake stage."
    ),
    "encoding.mojibake-gbk-as-latin1": (
        "Text that was GBK read as Latin-1 somewhere upstream (ÖÐ¹ú-style runs) decoded back to "
        "what it said, by the mojibake stage."
    ),
    "placeholder.marked": "A placeholder wrapped by --placeholders mark (--mark-template).",
    "pdf.running-header": (
        "A line among the first two of a PDF page that comes back at the top of at least half "
        "the pages (three at least): a running header, removed by the PDF reader."
    ),
    "pdf.running-footer": (
        "A line among the last two of a PDF page that comes back at the bottom of at least half "
        "the pages (three at least): a running footer, removed by the PDF reader."
    ),
    "pdf.page-number": (
        "A page number alone at a PDF page's edge (- 3 -, 第3页, 3/12), removed by the PDF reader."
    ),
    "pdf.watermark": (
        "Text drawn at a slant across a PDF page (more than 10° off every axis): a watermark, "
        "removed by the PDF reader."
    ),
}

RESERVED = frozenset(BUILT_IN)


def describe(record_id: str) -> str | None:
    """What a built-in record id means, or None when it is not one (a rule's id, or unknown).

    ``block:<zone>:<trigger>`` is the boilerplate stage's removal of a whole block at the head,
    tail or edges of a document, because rule ``<trigger>`` fired in it.
    """
    if record_id.startswith("block:"):
        zone, _, trigger = record_id[len("block:") :].partition(":")
        where = {"head": "head", "tail": "tail", "edges": "only block of a document with no body"}.get(zone)
        if where is None or not trigger:
            return None
        return (
            f"A line removed with its block at the document's {where}: the block held strong ad "
            f"evidence and no body line, and {trigger} fired in it first "
            f"(cleanse rules show {trigger})."
        )
    return BUILT_IN.get(record_id)
