"""Word's "alternative format import" chunks (``w:altChunk``): content embedded whole, in place.

Office systems exporting to Word often embed the body as a web page, MHTML or plain text part,
and merging tools (the Open XML SDK's ``AltChunk``) embed whole .docx packages; Word shows
each in place of its ``w:altChunk``. python-docx does not read them, and worse: it loads a
part by its content type, and an embedded package declared as Word's main document
(``…document.main+xml``, as the SDK writes it) is parsed as XML and fails the whole file.
:func:`packages_as_parts` re-declares such parts before python-docx opens the package;
:func:`chunk_lines` reads each chunk with the reader of its kind.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ..errors import CleanseError
from . import Unreadable

_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
MAIN_XML = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
PACKAGE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_PACKAGE_TYPES = (MAIN_XML, PACKAGE)


def packages_as_parts(archive: zipfile.ZipFile, data: bytes) -> bytes:
    """``data`` (the bytes ``archive`` is open on) with every part that is declared as Word's
    main document but holds a ZIP package (an embedded .docx) re-declared as a .docx package;
    ``data`` itself when there is none (the common case costs one read of
    ``[Content_Types].xml``)."""
    from lxml import etree

    try:
        types = archive.read("[Content_Types].xml")
        if types.count(MAIN_XML.encode()) < 2:
            return data  # only the document itself
        root = etree.fromstring(types, etree.XMLParser(resolve_entities=False, no_network=True))
        changed = False
        for override in root.iterchildren(f"{_TYPES}Override"):
            name = (override.get("PartName") or "").lstrip("/")
            if override.get("ContentType") == MAIN_XML and name in archive.namelist():
                with archive.open(name) as part:
                    if part.read(4) == b"PK\x03\x04":
                        override.set("ContentType", PACKAGE)
                        changed = True
        if not changed:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rebuilt:
            for item in archive.infolist():
                types_part = item.filename == "[Content_Types].xml"
                rebuilt.writestr(item, etree.tostring(root) if types_part else archive.read(item))
        return out.getvalue()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, etree.XMLSyntaxError):
        return data  # python-docx then says what is wrong with the package


def chunk_lines(document: Any, chunk: Any, warnings: list[str], *, max_bytes: int, nested: bool) -> list[str]:
    """The lines of one chunk: a web page, MHTML, plain text, or (once, not inside another
    chunk) a .docx package's body; another kind (RTF) is left out with a warning."""
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
        if kind in _PACKAGE_TYPES and not nested:
            from .word import read_docx

            inner = read_docx(part.blob, max_bytes=max_bytes, nested=True)
            warnings += inner.warnings
            # Word shows the embedded document's body in place, not its headers and footers
            return [line for line, place in zip(inner.lines, inner.where, strict=True) if not _edge(place)]
    except (Unreadable, CleanseError) as exc:
        warnings.append(f"an embedded chunk ({kind}) could not be read ({exc}); left out")
        return []
    what = "a .docx inside an embedded .docx" if kind in _PACKAGE_TYPES else f"of type {kind or 'unknown'}"
    warnings.append(f"an embedded chunk {what} is not read; left out")
    return []


def _edge(place: str) -> bool:
    return place.startswith(("header", "footer"))
