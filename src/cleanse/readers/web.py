"""Saved web pages (.html, .htm, .mhtml): the text of block elements, one line each, in order.

The page's bytes are decoded by the charset it declares (``<meta charset>`` or the
http-equiv Content-Type) when that codec decodes them, and by cleanse's own detector
otherwise: saved pages often declare one encoding and hold another. lxml parses the page as a
browser would (a broken page still gives its text); the walk over it is iterative, so deep
nesting cannot exhaust the stack, and a page nested deeper than the parser reads (2,048
levels) fails with that reason rather than losing the text below that depth. Scripts, styles and other
non-text elements are left out, and so is the ``<head>`` (its ``<title>`` is the browser tab's, often
the site's name), and copy-poisoning junk hidden from readers (see :func:`_hidden`); the page
chrome (navigation, footers) is kept as lines, since
the stamps a site adds sit there and the boilerplate stage removes them with their rule ids.
A table row is one line with its cells joined by a tab; ``<br>`` breaks a line; ``<pre>``
keeps its own lines and spacing; elsewhere runs of spaces and newlines are one space, as a
browser shows them.
"""

from __future__ import annotations

import email
import email.policy
import re
from typing import Any

from ..errors import CleanseError, DecodeError
from ..stages.encoding import check_codec, decode
from . import Extracted, Unreadable

_CHARSET = re.compile(rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
# fmt: off
_SKIP = frozenset((
    "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "select", "datalist",
))
_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "thead", "tfoot", "ul", "caption", "option", "legend",
))
# fmt: on
_CELLS = frozenset(("td", "th"))
# fmt: off
_INLINE = frozenset((
    "span", "font", "a", "b", "i", "em", "strong", "small", "big", "u", "s", "strike", "sub", "sup",
    "label", "abbr", "cite", "code", "kbd", "mark", "q", "samp", "tt", "var", "ins", "del",
))
# fmt: on
_DISPLAY_NONE = re.compile(r"display\s*:\s*none", re.I)


def _hidden(tag: str, node: Any) -> bool:
    """Text a browser never shows, inserted to poison copying: Discuz forums (the most common
    Chinese forum software) put random characters after line breaks in every post, as
    ``<font class="jammer">`` (hidden by its stylesheet) or ``<span style="display:none">``.
    Inline elements hidden by their own ``style`` or ``hidden`` attribute, and any element of
    class ``jammer``, are left out. A hidden *block* is kept: collapsed text ("展开全文") is
    real content that a script shows."""
    classes = node.get("class")
    if classes and "jammer" in classes.split():
        return True
    if tag not in _INLINE:
        return False
    style = node.get("style")
    return node.get("hidden") is not None or (style is not None and _DISPLAY_NONE.search(style) is not None)


MAX_DEPTH = 2048  # libxml2's limit on nesting with huge_tree (256 without)
_SPACES = re.compile(r"[ \t\n\r\f]+")


# Labels whose bytes browsers decode with a larger codec (the WHATWG Encoding Standard):
# pages labelled gb2312 hold GBK characters (镕), latin-1 pages hold Windows-1252 quotes.
_AS_BROWSERS_READ = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
}


def declared_charset(data: bytes) -> str | None:
    """The codec a page declares in its first 4 KB, when Python knows it, widened as browsers
    widen it (gb2312 -> gb18030)."""
    m = _CHARSET.search(data[:4096])
    if m is None:
        return None
    return known_codec(m.group(1).decode("ascii"))


def known_codec(label: str | None) -> str | None:
    """Python's codec for a declared charset label (None: unknown or not a text encoding)."""
    if not label:
        return None
    try:
        codec = check_codec(label)
    except CleanseError:
        return None
    return _AS_BROWSERS_READ.get(codec.replace("_", "-").lower(), codec)


def decode_page(data: bytes, charset: str | None = None) -> tuple[str, dict[str, object]]:
    """The page's text and how it was decoded: by ``charset`` (a MIME part's), the declared
    one, or the detector; a declared codec that cannot decode the bytes strictly is ignored."""
    declared = charset or declared_charset(data)
    if declared:
        try:
            text = data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
        else:
            facts = {"encoding": declared, "confidence": 1.0, "decided_by": "declared", "replacements": 0}
            return text.lstrip("\ufeff"), facts
    try:
        found = decode(data)
    except DecodeError as exc:
        raise Unreadable(f"not a readable web page: {exc}", reason="binary", status="skipped") from None
    facts = {
        "encoding": found.encoding,
        "confidence": found.confidence,
        "decided_by": found.decided_by,
        "replacements": found.replacements,
    }
    return found.text, facts


def read_html(data: bytes, charset: str | None = None) -> Extracted:
    """The lines of a web page, each placed as ``block N <tag>``."""
    text, facts = decode_page(data, charset)
    lines, where = page_lines(text)
    return Extracted("html", tuple(lines), tuple(where), counts={"blocks": len(lines)}, decoding=facts)


def read_mhtml(data: bytes) -> Extracted:
    """A page saved with its resources (MHTML): the first HTML part, by its own charset."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                extracted = read_html(payload, known_codec(part.get_content_charset()))
                return Extracted(
                    "mhtml",
                    extracted.lines,
                    extracted.where,
                    counts=extracted.counts,
                    decoding=extracted.decoding,
                )
    raise Unreadable("an MHTML archive without an HTML part", reason="not-a-document")


def page_lines(text: str) -> tuple[list[str], list[str]]:
    """The page's lines and where each came from, by one iterative walk of the parsed tree."""
    from lxml import etree, html

    if not text.strip():
        return [], []
    parser = html.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, huge_tree=True
    )
    try:
        root = html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise Unreadable(f"not a readable web page ({exc})", reason="damaged") from None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # libxml2 drops what lies deeper than its limit: fail rather than lose text silently
        raise Unreadable(
            f"elements nested deeper than the parser reads ({MAX_DEPTH:,} levels); "
            "the text below that depth cannot be read, so the page is not cleaned",
            reason="too-deep",
        )
    walk = _Walk()
    for event, node in etree.iterwalk(root, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            walk.start(tag.lower(), node)
        else:
            walk.end(tag.lower(), node)
    walk.flush()
    return walk.lines, walk.where


class _Walk:
    """The state of the walk: the line being built, the block it belongs to, what is skipped."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.where: list[str] = []
        self.parts: list[str] = []
        self.skip = 0  # depth inside elements whose text is not shown
        self.pre = 0
        self.row = 0  # depth inside table rows: blocks in a cell do not break the row's line
        self.blocks = 0
        self.tag = "body"

    def text(self, value: str | None) -> None:
        if value and not self.skip:
            self.parts.append(value if self.pre else _SPACES.sub(" ", value))

    def flush(self) -> None:
        line = "".join(self.parts)
        self.parts = []
        if self.pre:
            for piece in line.split("\n"):
                self._add(piece.rstrip())
        else:
            self._add(line.strip())

    def _add(self, line: str) -> None:
        if line:
            self.blocks += 1
            self.lines.append(line)
            self.where.append(f"block {self.blocks} <{self.tag}>")

    def start(self, tag: str, node: Any) -> None:
        if self.skip or tag in _SKIP or _hidden(tag, node):
            self.skip += 1
            return
        if tag == "tr":
            self.flush()
            self.row += 1
            self.tag = tag
        elif tag == "br":
            self.flush()
        elif tag in _BLOCKS and not self.row:
            self.flush()
            self.tag = tag
        if tag == "pre":
            self.pre += 1
        self.text(node.text)

    def end(self, tag: str, node: Any) -> None:
        if self.skip:
            self.skip -= 1
            if not self.skip:
                self.text(node.tail)
            return
        if tag in _CELLS and self.row:
            self.parts.append("\t")
        elif tag == "tr" and self.row:
            self.row -= 1
            cells = "".join(self.parts).rstrip(" \t").split("\t")
            self.parts = ["\t".join(cell.strip() for cell in cells)]
            self.flush()
        elif tag in _BLOCKS and not self.row:
            self.flush()
        if tag == "pre":
            self.pre -= 1
        self.text(node.tail)
