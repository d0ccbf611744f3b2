"""bytes -> text: a layered detector that is right on Chinese files where detectors alone are not.

No detector alone decodes Chinese files reliably (research/encoding.md: chardet 88% on a hard
set and nothing for pure-CJK UTF-16 without a BOM; charset-normalizer reads short GBK as
Korean). The layers, cheapest and surest first:

1. ``bom``          a byte-order mark, confirmed by a strict decode;
   ``binary``       (a known binary signature: PNG, zip, PDF, ... -> DecodeError)
2. ``utf-32-nul``   NUL top bytes in every 4-byte unit; ``utf-16-nul``: NULs on one byte
                    lane and plausible text (both before UTF-8: NUL is valid UTF-8);
   ``binary``       any other NUL -> DecodeError
3. ``iso-2022``, ``hz``  7-bit CJK encodings (escape sequences, ``~{ ~}``) that UTF-8 would
                    pass through; ISO-2022-CN -> DecodeError ``unsupported-encoding``;
   ``utf-8``        strict, or ``utf-8-tolerant`` when only the last character is cut off or
                    invalid sequences are ≤ 10% of the valid non-ASCII characters;
4. ``utf-16-cjk``   BOM-less UTF-16 of CJK text (too few NULs for step 2: only newlines);
5. ``binary``       > 1% control bytes -> DecodeError;
6. ``gb-big5``      a strict gb18030 or cp950 reading whose characters are what Chinese text
                    uses while the other family's are not — settles most legacy files
                    without the detector (not bytes that read as Korean or Japanese prose);
7. ``detector``     chardet (imported lazily, first 200 KB; every era it knows when the
                    web-era answer is weak), then ``arbitration`` between gb18030 and
                    cp950/big5hkscs by repertoire coverage, then any other answer that
                    decodes strictly; an answer Python has no codec for (EUC-TW) ->
                    DecodeError ``unsupported-encoding``;
8. ``last-resort``  gb18030 with replacement characters, counted and flagged.

Legacy Chinese is always decoded with a superset codec (gb18030, cp950, big5hkscs), never
gb2312. The contract: ``encoding`` is a Python codec name that decodes the bytes (strictly,
unless ``replacements`` > 0) to exactly ``text``.
"""

from __future__ import annotations

import codecs

from ..document import Document, Flag
from ..errors import DecodeError, OptionError
from . import detect
from .encoding_legacy import UNCERTAIN, Decoded, decode_legacy, strict

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BOM_PREFIXES = tuple(bom for bom, _ in _BOMS)
REPLACEMENT_RULE = "encoding.replacement"
MAX_REPLACEMENT_FLAGS = 100
# Legacy bytes read as UTF-8 fail all over, so a small window tells; and only files this
# short can be GBK that is also valid UTF-8 by chance.
QUICK_BYTES = 4096


def check_codec(name: str) -> str:
    """The canonical codec name for ``name``; OptionError when it is not a text encoding."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise OptionError(
            f"unknown encoding {name!r}; use a Python codec name such as utf-8, gb18030, cp950, "
            "or 'auto' to detect it"
        ) from None
    if not getattr(info, "_is_text_encoding", True):
        raise OptionError(
            f"{name!r} is not a text encoding (it is a bytes-to-bytes codec); use a text codec "
            "such as utf-8, gb18030, cp950, or 'auto'"
        )
    return info.name


def _by_bom(data: bytes) -> Decoded | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text, replaced = detect.decode_counting(data, codec)
            if replaced * 100 > max(1, len(text)) and not _only_cut_short(data, codec):
                return None  # a BOM-like prefix on something that is not that encoding
            return Decoded(text, codec, 1.0 if not replaced else 0.9, "bom", replaced)
    return None


def _only_cut_short(data: bytes, codec: str) -> bool:
    """True when the bytes decode strictly once the last 1–3 bytes (a cut-off character) go:
    a download cut short, not a wrong guess."""
    for cut in (1, 2, 3):
        try:
            data[:-cut].decode(codec)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _utf32_by_nuls(data: bytes) -> Decoded | None:
    """UTF-32 without BOM: the top byte of every 4-byte unit is NUL (no code point reaches it)."""
    if len(data) % 4 or len(data) < 8:
        return None
    for codec, top in (("utf-32-le", data[3::4]), ("utf-32-be", data[0::4])):
        if top.count(0) != len(top):
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if detect.implausible_count(text) * 50 <= len(text):
            return Decoded(text, codec, 0.99, "utf-32-nul")
    return None


def _utf16_by_nuls(data: bytes) -> Decoded | None:
    """UTF-16 without BOM whose ASCII characters put NULs on one byte lane.

    Text in one script beyond Latin-1 (Cyrillic, Greek, Arabic …) has NULs only where it
    has ASCII (spaces, digits, newlines), so a few percent on one lane and none on the other
    is enough to try — the strict reading must still be plausible text.
    """
    even, odd = detect.lane_nul_share(data)
    high, low = max(even, odd), min(even, odd)
    one_lane = high >= 0.02 and low == 0
    if not one_lane and (high < 0.2 or high - low < 0.1):
        return None
    codec = "utf-16-le" if odd > even else "utf-16-be"
    reading = detect.utf16_reading(data, codec)
    if reading is None:
        return None
    text, replaced = reading
    return Decoded(text, codec, 0.99 if not replaced else 0.8, "utf-16-nul", replaced)


def _gb_not_utf8(data: bytes, text: str) -> Decoded:
    """A short file whose UTF-8 reading is a jumble of scripts: GBK, if that reads as Chinese."""
    gb = detect.gb_candidate(data)
    if gb.strict and gb.coverage == 1.0 and gb.home >= 2:
        return Decoded(gb.text, "gb18030", 0.8, "gb-not-utf-8")
    return Decoded(text, "utf-8", 0.9, "utf-8")


def _utf8_tolerant(data: bytes) -> Decoded | None:
    """UTF-8 with a few damaged sequences (legacy Chinese read as UTF-8 gives ≥ 150%).

    Judged on the first window first, so that a legacy file is turned away after one
    small decode instead of a full one.
    """
    head = data[:QUICK_BYTES]
    window, replaced = detect.window_counting(data, "utf-8", QUICK_BYTES)
    enough = replaced + len(window) - detect.ascii_byte_count(head) >= 20
    if len(data) > QUICK_BYTES and enough and not _tolerable(window, replaced, head):
        return None
    text, replaced = detect.decode_counting(data, "utf-8")
    truncated = replaced == 1 and text.endswith("\ufffd")  # a download cut short
    if truncated or _tolerable(text, replaced, data):
        share = replaced / max(1, len(text) - replaced - detect.ascii_byte_count(data))
        return Decoded(text, "utf-8", round(max(0.5, 0.95 - 4 * share), 2), "utf-8-tolerant", replaced)
    return None


def _tolerable(text: str, replaced: int, data: bytes) -> bool:
    """Invalid sequences are at most 10% of the valid non-ASCII characters."""
    valid_nonascii = len(text) - replaced - detect.ascii_byte_count(data)
    return valid_nonascii > 0 and replaced * 10 <= valid_nonascii


def _utf16_cjk(data: bytes) -> Decoded | None:
    """BOM-less UTF-16 of CJK text: (almost) no NUL bytes, so only plausibility tells."""
    if len(data) % 2 or len(data) < 4:
        return None
    not_legacy = detect.has_control_bytes(data)
    for codec in ("utf-16-le", "utf-16-be"):
        lane_share = detect.cjk_high_lane_share(data, codec)
        if lane_share < 0.9:
            continue
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if detect.cjk_utf16_plausible(text, lane_share=lane_share, not_legacy=not_legacy):
            return Decoded(text, codec, 0.9, "utf-16-cjk")
    return None


# Escape sequences that designate a character set: exact evidence of a 7-bit CJK encoding.
_ISO2022 = (
    ((b"\x1b$)C",), ("iso2022_kr",)),
    ((b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b$(D", b"\x1b(I"),
     ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_2004", "iso2022_jp_3")),
)  # fmt: skip
_ISO2022_CN = (b"\x1b$)A", b"\x1b$)G", b"\x1b$*H", b"\x1b$)E")


def _seven_bit(data: bytes) -> Decoded | None:
    """ISO-2022-JP/KR (escape sequences) and HZ-GB-2312 (``~{ … ~}``): ASCII bytes that
    UTF-8 accepts, but that only their own codec reads as text. ISO-2022-CN has no Python
    codec: such a file is skipped with a reason rather than passed through with its escapes."""
    if b"\x1b" in data:
        if any(seq in data for seq in _ISO2022_CN):
            raise DecodeError(
                "ISO-2022-CN (escape sequences ESC $ ) A / G): Python has no codec for it, so "
                "cleanse cannot decode it — skipped. Convert it first, e.g. "
                "`iconv -f ISO-2022-CN -t UTF-8`",
                reason="unsupported-encoding",
            )
        for signals, codecs_ in _ISO2022:
            if any(seq in data for seq in signals):
                for codec in codecs_:
                    found = strict(data, codec, 0.99, "iso-2022")
                    if found and "\x1b" not in found.text:
                        return found
    if b"~{" in data and b"~}" in data:
        found = strict(data, "hz", 0.95, "hz")
        if found and found.text != data.decode("ascii") and not found.text.isascii():
            return found
    return None


def _binary(message: str) -> DecodeError:
    return DecodeError(
        f"binary data ({message}); not a text file — skipped. If it is text in an unusual "
        "encoding, force one with --encoding NAME",
        reason="binary",
    )


def _forced(data: bytes, codec: str) -> Decoded:
    try:
        text, replaced = detect.decode_counting(data, codec)
    except (UnicodeError, ValueError) as exc:  # codecs such as idna cannot replace bad bytes
        raise DecodeError(
            f"cannot decode with the forced encoding {codec!r}: {exc}; choose another --encoding "
            "or let cleanse detect it (--encoding auto)",
            reason="undecodable",
        ) from None
    return Decoded(text, codec, 1.0 if not replaced else 0.5, "forced", replaced)


def binary_head(head: bytes) -> str | None:
    """Why the first bytes of a big file show it is not text, or None: a known binary
    signature, or nothing but NUL bytes (no text encoding writes that)."""
    if head.startswith(detect.MAGIC):
        return "a known binary file signature"
    if head and not head.strip(b"\x00"):
        return "only NUL bytes"
    return None


def decode(data: bytes, *, forced: str | None = None) -> Decoded:
    """Decode one file's bytes. Raises DecodeError(reason='binary') for binary data."""
    if forced:
        return _forced(data, check_codec(forced))
    if data.startswith(_BOM_PREFIXES):
        found = _by_bom(data)
        if found:
            return found
    if data.startswith(detect.MAGIC):
        raise _binary("a known binary file signature")
    if b"\x00" in data:
        found = _utf32_by_nuls(data) or _utf16_by_nuls(data) or _utf16_cjk(data)
        if found:
            return found
        raise _binary("NUL bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # the common case, kept inline: it must cost little more than the decode itself
        # isascii() stops at the first non-ASCII byte, so Chinese files pay nothing here
        if data.isascii() and (b"\x1b" in data or b"~{" in data):
            found = _seven_bit(data)
            if found:
                return found
        if len(data) > QUICK_BYTES or not detect.utf8_reading_is_foreign(text, data):
            return Decoded(text, "utf-8", 1.0, "utf-8")
        return _gb_not_utf8(data, text)
    found = _utf8_tolerant(data) or _utf16_cjk(data)
    if found:
        return found
    if detect.control_share(data) > 0.01:
        raise _binary("control bytes")
    return decode_legacy(data)


def encoding_warnings(decoded: Decoded) -> tuple[str, ...]:
    """Warnings for the report when the decoding needs a person's look."""
    notes: list[str] = []
    if decoded.replacements:
        notes.append(
            f"{decoded.replacements} undecodable byte sequence(s) replaced with U+FFFD "
            f"({decoded.encoding}); the input is damaged or mixes encodings"
        )
    if decoded.confidence < UNCERTAIN:
        notes.append(
            f"encoding uncertain: {decoded.encoding} (confidence {decoded.confidence:g}); "
            "check the output or force the right codec with --encoding NAME"
        )
    return tuple(notes)


def flag_replacements(doc: Document) -> Document:
    """Flag each U+FFFD the decoder inserted, at its place in the OUTPUT text (first 100).

    Runs after every text stage so that line/col point into the output; only documents whose
    decoding replaced something are searched.
    """
    if not doc.meta.get("replacements"):
        return doc
    flags: list[Flag] = []
    for n, line in enumerate(doc.lines, 1):
        col = line.find("\ufffd")
        while col >= 0 and len(flags) < MAX_REPLACEMENT_FLAGS:
            flags.append(Flag("encoding", REPLACEMENT_RULE, n, col + 1, "\ufffd", "replacement"))
            col = line.find("\ufffd", col + 1)
    return doc.add(flags=flags) if flags else doc
