"""Real-looking .docx, web pages, MHTML and PDFs with ads in their headers and footers, and the
.txt twin of each (the same lines as a text file), for the reader tests and bench_formats.

Bodies are paragraphs of the bundled sample speech (real Chinese prose); the stamps are real
ones from the sample's header and footer. python-docx writes the .docx, reportlab the PDF
(its built-in STSong-Light CID font, whose text pypdf reads back), the pages are built here.
"""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "sample" / "speech-with-ads.txt"
HEADER = "仅供学习 禁止外传"
FOOTER = "更多资料请关注公众号"
WRAP = 32  # characters per PDF line
_NO_END = "。！？”’）》」』"  # a typeset line does not end a paragraph's line on these mid-text


def paragraphs() -> list[str]:
    """Body paragraphs of the sample: long lines of Chinese prose without placeholders."""
    text = SAMPLE.read_text(encoding="utf-8", errors="replace")
    lines = [ln.strip() for ln in text.splitlines()]
    return [ln for ln in lines if len(ln) >= 60 and "\ufffd" not in ln and "X" not in ln and "×" not in ln]


def body(rng: random.Random, count: int) -> list[str]:
    """``count`` paragraphs drawn from the sample."""
    pool = paragraphs()
    return [rng.choice(pool) for _ in range(count)]


def twin_text(paras: list[str]) -> str:
    """The .txt twin: the stamp, the paragraphs, the footer stamp."""
    return "\n".join([HEADER, "", *paras, "", FOOTER]) + "\n"


def docx_bytes(paras: list[str]) -> bytes:
    """A .docx with the stamp in the section header, the footer stamp in its footer."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = HEADER
    section.footer.paragraphs[0].text = FOOTER
    for par in paras:
        document.add_paragraph(par)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_lines_bytes(lines: list[str]) -> bytes:
    """A .docx with one paragraph per line (an empty paragraph for a blank line), no header."""
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def docx_xml_bytes(
    body_xml: str,
    footnotes: Sequence[str] = (),
    endnotes: Sequence[str] = (),
    chunks: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """A .docx whose body is ``body_xml`` (WordprocessingML blocks, ``w:``/``mc:``/``wps:``/``v:``
    prefixes as Word writes them) and, given notes, a footnotes (endnotes) part holding Word's
    two separator notes and then one note per string. ``chunks``: (content type, bytes) of
    embedded "altChunk" parts, related as ``rIdC1``, ``rIdC2`` ... for the body to reference."""
    import re
    import zipfile

    parts = {kind: texts for kind, texts in (("footnote", footnotes), ("endnote", endnotes)) if texts}
    rels = "".join(
        f'<Relationship Id="rId9{n}" Type="{_REL}/{kind}s" Target="{kind}s.xml"/>'
        for n, kind in enumerate(parts)
    )
    types = "".join(
        f'<Override PartName="/word/{kind}s.xml" '
        f'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml"/>'
        for kind in parts
    )
    rels += "".join(
        f'<Relationship Id="rIdC{n}" Type="{_REL}/aFChunk" Target="chunk{n}.bin"/>'
        for n in range(1, len(chunks) + 1)
    )
    types += "".join(
        f'<Override PartName="/word/chunk{n}.bin" ContentType="{kind}"/>'
        for n, (kind, _) in enumerate(chunks, 1)
    )
    package = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_lines_bytes(["@@"]))) as src, zipfile.ZipFile(package, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"<w:body>.*?(<w:sectPr)", lambda m: "<w:body>" + body_xml + m[1], text, flags=re.S
                )
                data = text.encode("utf-8")
            elif item.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", types.encode() + b"</Types>")
            out.writestr(item, data)
        for n, (_, blob) in enumerate(chunks, 1):
            out.writestr(f"word/chunk{n}.bin", blob)
        for kind, texts in parts.items():
            notes = "".join(
                f'<w:{kind} w:id="{i}"><w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t>{text}</w:t></w:r></w:p></w:{kind}>'
                for i, text in enumerate(texts, 1)
            )
            out.writestr(
                f"word/{kind}s.xml",
                f'<w:{kind}s xmlns:w="{_NS_W}">'
                f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
                f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                f"</w:r></w:p></w:{kind}>{notes}</w:{kind}s>",
            )
    return package.getvalue()


def html_bytes(paras: list[str], encoding: str = "utf-8") -> bytes:
    """A page declaring its charset, with scripts, a stamp above and one below the text."""
    blocks = "\n".join(f"<p>{par}</p>" for par in paras)
    page = (
        f'<!DOCTYPE html>\n<html><head><meta charset="{encoding}"><title>资料 - 文库</title>'
        "<script>var tracker = '仅供学习';</script><style>p{margin:0}</style></head>\n"
        f'<body><div class="stamp">{HEADER}</div>\n{blocks}\n<div class="foot">{FOOTER}</div></body></html>'
    )
    return page.encode(encoding)


def mhtml_bytes(paras: list[str]) -> bytes:
    """The page saved as MHTML (quoted-printable, charset in the part's header)."""
    import quopri

    page = html_bytes(paras, "gb18030")
    encoded = quopri.encodestring(page).decode("ascii")
    return (
        "From: <Saved by Blink>\r\nSubject: page\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----B"\r\n\r\n'
        "------B\r\nContent-Type: text/html; charset=gb18030\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        f"{encoded}\r\n------B--\r\n"
    ).encode("ascii")


def wrap(par: str, width: int = WRAP) -> list[str]:
    """A paragraph broken into typeset lines of about ``width`` characters; a break is moved
    on by a character where the line would end on a closing mark (as typesetting does)."""
    lines: list[str] = []
    while len(par) > width:
        cut = width
        while cut < len(par) and par[cut - 1] in _NO_END:
            cut += 1
        lines.append(par[:cut])
        par = par[cut:]
    if par:
        lines.append(par)
    return lines


def pdf_bytes(
    paras: list[str], *, per_page: int = 30, text_layer: bool = True, watermark: str | None = None
) -> bytes:
    """A PDF: the stamp as a running header and ``第 N 页`` as the footer of every page, the
    paragraphs typeset in wrapped lines; ``text_layer=False`` draws only boxes (a 'scan');
    ``watermark``: drawn across the middle of every page at 45°, after the first half of its lines."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    lines = [line for par in paras for line in wrap(par)]
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    for number, page in enumerate(pages, 1):
        if text_layer:
            pdf.setFont("STSong-Light", 9)
            pdf.drawString(72, 805, HEADER)
            pdf.drawString(280, 30, f"第 {number} 页")
            pdf.setFont("STSong-Light", 12)
            for k, line in enumerate(page):
                pdf.drawString(60, 770 - 22 * k, line)
                if watermark and k == len(page) // 2:
                    pdf.saveState()
                    pdf.translate(150, 300)
                    pdf.rotate(45)
                    pdf.setFont("STSong-Light", 36)
                    pdf.drawString(0, 0, watermark)
                    pdf.restoreState()
                    pdf.setFont("STSong-Light", 12)
        else:
            for k in range(len(page)):
                pdf.rect(60, 770 - 22 * k, 380, 12, fill=1)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def pdf_per_glyph(lines: list[str]) -> bytes:
    """A PDF that draws each character in a text object of its own, as some converters do:
    pypdf's plain reading gives one character per line."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.setFont("STSong-Light", 12)
    for k, line in enumerate(lines):
        for n, char in enumerate(line):
            pdf.drawString(50 + 12.5 * n, 760 - 20 * k, char)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def pdf_without_unicode_map(paras: list[str]) -> bytes:
    """A PDF whose font is a subset without a ToUnicode map, as many Chinese PDFs made by
    older tools are: glyphs are numbered 1, 2, 3 ... in order of first use, and a text layer
    read from it gives those numbers as characters (mostly control characters and ASCII)."""
    numbers: dict[str, int] = {}
    shows = []
    for k, par in enumerate(paras):
        glyphs = "".join(f"{numbers.setdefault(ch, len(numbers) + 1):04X}" for ch in par)
        shows.append(f"BT /F1 12 Tf 50 {800 - 20 * k} Td <{glyphs}> Tj ET")
    content = "\n".join(shows).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_paragraphs(rng: random.Random, count: int) -> list[str]:
    """Paragraphs whose typeset lines rejoin exactly: each wrapped line but the last ends in
    Chinese text and the next starts with it (digits or Latin at a break stay a break)."""
    import re

    cjk = re.compile(r"[\u4e00-\u9fff，、：；“（《]$")
    start = re.compile(r"^[\u4e00-\u9fff，、。：；！？”）》]")
    good = []
    for par in paragraphs():
        lines = wrap(par)
        if (
            len(lines) >= 2
            and len(lines[-1]) >= 2
            and all(cjk.search(a) and start.match(b) for a, b in itertools.pairwise(lines))
        ):
            good.append(par)
    return [rng.choice(good) for _ in range(count)]


class Tokens:
    """Unique text for each run of a generated document, remembering which ones a reader
    must show and which it must hide (the readers' property tests)."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)
        self.shown: list[str] = []
        self.hidden: list[str] = []

    def text(self, shown: bool = True) -> str:
        token = f"字{next(self.counter)}号"
        (self.shown if shown else self.hidden).append(token)
        return token

    def lost_or_doubled(self, text: str) -> list[str]:
        """Shown tokens that ``text`` does not hold exactly once."""
        return [t for t in self.shown if text.count(t) != 1]

    def leaked(self, text: str) -> list[str]:
        """Hidden tokens that ``text`` holds."""
        return [t for t in self.hidden if t in text]
