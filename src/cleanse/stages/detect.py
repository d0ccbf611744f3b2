"""Cheap evidence for the encoding detector: byte patterns, plausibility and coverage tests.

Each function here answers one narrow question about a file's bytes (does it look like
UTF-16? like a binary format? how much of a candidate decoding falls in the repertoire a
real Chinese text would use?). ``encoding.py`` chains them in the order of
research/encoding.md. Everything is pure and allocation-light: the common UTF-8 path never
gets here, and the legacy path settles most files with a strict decode plus
:func:`coverage`, without the (slow) statistical detector.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import regex

from .repertoire import big5_home, count_matching, gb2312_home, gb2312_level2_hanzi, hangul_rows, misses

# Signatures of common binary containers (images, archives, office files, executables):
# a file starting with one is not text whatever its later bytes look like.
MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"%PDF-",
    b"PK\x03\x04",  # zip, docx, xlsx, epub, jar
    b"PK\x05\x06",  # empty zip
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\xfd7zXZ\x00",  # xz
    b"\x28\xb5\x2f\xfd",  # zstd
    b"\x7fELF",
    b"MZ\x90\x00",  # Windows executable
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE: .doc, .xls, .ppt
)

# Control bytes that never occur in text (tab, LF, VT, FF, CR, ESC and DOS EOF 0x1A are allowed).
CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1A), *range(0x1C, 0x20)])
HIGH_BYTES = bytes(range(0x80, 0x100))

# Characters no real document is made of: C0/C1 controls other than whitespace, unassigned
# code points, private use and lone surrogates.
_IMPLAUSIBLE = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\p{Cn}\p{Co}\p{Cs}]+")
_IDEOGRAPH = regex.compile(r"\p{Unified_Ideograph}")

JAPANESE_KOREAN = frozenset(
    {"shift_jis", "cp932", "euc_jp", "euc_jis_2004", "euc_jisx0213", "shift_jis_2004",
     "shift_jisx0213", "iso2022_jp", "iso2022_jp_2", "iso2022_kr", "euc_kr", "cp949", "johab"}
)  # fmt: skip


KOREAN = frozenset({"iso2022_kr", "euc_kr", "cp949", "johab"})
UNSUPPORTED = frozenset({"euc-tw", "x-euc-tw", "iso-2022-cn", "cns11643"})
"""Detector answers Python has no codec for: the file is skipped with that reason."""


def implausible_count(text: str) -> int:
    """How many characters of ``text`` no real document contains."""
    return count_matching(_IMPLAUSIBLE, text)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One legacy codec's reading of the bytes, with the evidence for it.

    ``text`` is the whole text when the codec decodes every byte (``strict``); otherwise it
    is only the reading of the first :data:`EVIDENCE_BYTES`, enough to judge the candidate
    without paying for a full decode with replacement that will mostly be thrown away.
    """

    codec: str
    data: bytes = field(repr=False)
    text: str = field(repr=False)
    core: str = field(repr=False)  # the stretch of text measured: see :func:`evidence`
    strict: bool
    replacements: int  # in ``text`` (the evidence window when not strict)
    coverage: float  # share of non-ASCII characters in the codec's home repertoire
    home: int  # how many non-ASCII characters are in it (the weight of the evidence)
    nonascii: int  # non-ASCII characters in ``text`` (the denominator of ``error_rate``)

    @property
    def error_rate(self) -> float:
        """Replacements per non-ASCII character."""
        return self.replacements / max(1, self.nonascii)

    def decoded(self) -> tuple[str, int]:
        """The whole text and its replacement count."""
        return (self.text, 0) if self.strict else decode_counting(self.data, self.codec)


EVIDENCE_BYTES = 8_192


def count_replacements(data: bytes, codec: str, text: str) -> int:
    """How many U+FFFD a ``errors='replace'`` decode inserted (genuine ones are not counted)."""
    inserted = text.count("\ufffd")
    if not inserted:
        return 0
    try:
        genuine = "\ufffd".encode(codec)
    except UnicodeEncodeError:
        return inserted  # the codec cannot even express U+FFFD: every one was inserted
    if codec.startswith(("utf-16", "utf-32")) or genuine in data:
        return len(text) - len(data.decode(codec, errors="ignore"))
    return inserted


def decode_counting(data: bytes, codec: str) -> tuple[str, int]:
    """``data`` decoded with ``codec``: strictly when possible, else with U+FFFD counted."""
    try:
        return data.decode(codec), 0
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        return text, count_replacements(data, codec, text)


def window_counting(data: bytes, codec: str, size: int = EVIDENCE_BYTES) -> tuple[str, int]:
    """The first ``size`` bytes decoded with replacement; a character cut at the end of the
    window is not counted as damage."""
    window = data[:size]
    text, replaced = decode_counting(window, codec)
    if replaced and len(data) > len(window) and text.endswith("\ufffd"):
        cut = 1
        while cut < 4 and text.endswith("\ufffd" * (cut + 1)):
            cut += 1
        text, replaced = text[:-cut], replaced - cut
    return text, replaced


# Coverage saturates after a few thousand characters; looking at more only costs time
# (the whole file is still decoded, strictly, by the winning codec).
EVIDENCE_CHARS = 4_000
QUICK_CHARS = 400


_ASCII_RUNS = re.compile("[\x00-\x7f]+")
SCAN_CHARS = 262_144  # how far into a text to look for non-ASCII evidence


def nonascii_count(text: str) -> int:
    """How many characters of ``text`` are not ASCII (one C-speed encode)."""
    return len(text) - len(text.encode("ascii", errors="ignore"))


def evidence(text: str) -> str:
    """A stretch of ``text`` holding its first non-ASCII characters, where a codec's evidence is.

    Usually the first :data:`EVIDENCE_CHARS` characters; for a file that opens with pages of
    English (a licence, code) the non-ASCII characters of its first :data:`SCAN_CHARS`, so
    it does not look evidence-free.
    """
    head = text[:EVIDENCE_CHARS]
    if len(text) <= EVIDENCE_CHARS or nonascii_count(head) >= EVIDENCE_CHARS // 4:
        return head
    return _ASCII_RUNS.sub("", text[:SCAN_CHARS])[:EVIDENCE_CHARS]


def coverage(core: str, repertoire: str) -> tuple[float, int, int]:
    """(share, count) of the non-ASCII characters of ``core`` in the repertoire, and how many
    non-ASCII characters were measured.

    Runs in C. A wrong reading shows itself within a few hundred characters, so those are
    measured first and a reading plainly wrong there is not measured further.
    """
    quick = core[:QUICK_CHARS]
    share, hits, total = _coverage(quick, repertoire)
    if len(core) <= QUICK_CHARS or (total >= 100 and share < 0.6):
        return share, hits, total
    return _coverage(core, repertoire)


def _coverage(core: str, repertoire: str) -> tuple[float, int, int]:
    total = nonascii_count(core)
    if not total:
        return 0.0, 0, 0
    hits = total - count_matching(misses(repertoire), core)
    return hits / total, hits, total


def candidate(data: bytes, codec: str, repertoire: str) -> Candidate:
    """Read ``data`` with ``codec`` (wholly when it decodes strictly, else its first window)
    and measure the result against a repertoire."""
    try:
        text, strict, replaced = data.decode(codec), True, 0
    except UnicodeDecodeError:
        strict = False
        text, replaced = window_counting(data, codec)
    core = evidence(text)
    share, hits, total = coverage(core, repertoire)
    nonascii = total if strict else nonascii_count(text)
    return Candidate(codec, data, text, core, strict, replaced, share, hits, nonascii)


def gb_candidate(data: bytes) -> Candidate:
    """The GB family's reading: always gb18030, the superset of gb2312 and gbk."""
    return candidate(data, "gb18030", "gb")


def big5_candidate(data: bytes) -> Candidate:
    """The Big5 family's reading: cp950 (Microsoft's Big5), else big5hkscs if that is strict.

    A damaged file stays cp950: big5hkscs gives fewer U+FFFD there, but only because it
    swallows the ASCII byte after a bad one into a rare Hong Kong character (vimtutor's
    tutor.zh.big5: "�來很象" becomes "𡦈茷僆H").
    """
    first = candidate(data, "cp950", "big5")
    if first.strict:
        return first
    try:
        data.decode("big5hkscs")  # fails within a few bytes for anything but Big5 text
    except UnicodeDecodeError:
        return first
    return candidate(data, "big5hkscs", "big5")


def korean_like(gb: Candidate) -> bool:
    """EUC-KR Hangul (rows B0–C8) reads as valid GB2312 hanzi; real Chinese also uses C9–F7.

    True when the GB reading is strict and ≥ 90% of its hanzi sit in rows B0–C8: then only
    the detector can tell Korean from a short Chinese text.
    """
    if not gb.strict:
        return False
    core = gb.core[:QUICK_CHARS]
    hanzi = count_matching(_HANZI, core)
    return hanzi > 0 and count_matching(hangul_rows(), core) >= 0.9 * hanzi


_HANZI = re.compile("[\u4e00-\u9fff]+")


_EUC_TW_PLANE = re.compile(rb"\x8e[\xa1-\xb0][\xa1-\xfe][\xa1-\xfe]")


def euc_tw_like(gb: Candidate) -> bool:
    """EUC-TW bytes that read as valid GB: its CNS 11643 plane 1 shares GB2312's byte ranges,
    so the reading is strict but unnatural — level-2 hanzi far above the ~5% real text has
    (the order of plane 1 is not GB2312's frequency order), and either a 4-byte
    ``8E A1–B0 xx xx`` sequence (planes 2–16) or 、 for every comma (EUC-TW's ， is A1A2,
    GB2312's 、), never a GB full-width ，."""
    if not gb.strict:
        return False
    core = gb.core[: QUICK_CHARS * 4]
    window = gb.data[:EVIDENCE_BYTES]
    plane = b"\x8e" in window and _EUC_TW_PLANE.search(window) is not None
    if not plane and ("，" in core or "、" not in core):
        return False  # the cheap tests first: real GB text has its ， (this runs on every GB file)
    hanzi = count_matching(_HANZI, core)
    return hanzi >= 20 and count_matching(gb2312_level2_hanzi(), core) >= 0.2 * hanzi


def hangul_text(text: str) -> bool:
    """Korean prose: ≥ 90% of the non-ASCII characters are Hangul (Chinese GB2312 bytes read
    as cp949 give Hangul only for rows B0–C8 and hanja elsewhere: far less)."""
    return script_count(text, "ko") >= 6 and script_share(text, "ko") >= 0.9


def korean_bytes(data: bytes) -> bool:
    """The bytes decode strictly as cp949 (EUC-KR and its extensions) into Korean prose."""
    try:
        text = data[:EVIDENCE_BYTES].decode("cp949")
    except UnicodeDecodeError:
        try:  # the window may cut a character in two
            text = data[: EVIDENCE_BYTES - 1].decode("cp949")
        except UnicodeDecodeError:
            return False
    return hangul_text(text)


_KANA = re.compile("[\u3040-\u30ff]+")
_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")


def script_count(text: str, language: str) -> int:
    """How many characters of ``text`` are kana (``ja``) or Hangul (``ko``)."""
    return count_matching(_KANA if language == "ja" else _HANGUL, text)


def euc_jp_like(data: bytes) -> bool:
    """EUC-JP hiragana (A4xx) are Big5's commonest hanzi: true when the bytes read as kana-rich EUC-JP."""
    try:
        text = data.decode("euc_jp")
    except UnicodeDecodeError:
        return False
    return script_share(text, "ja") >= 0.1


def script_share(text: str, language: str) -> float:
    """Share of non-ASCII characters that are kana (``ja``) or Hangul (``ko``).

    Real Japanese prose is about a third kana or more and Korean prose mostly Hangul; a
    Chinese text misread as Shift_JIS or cp949 has little kana and scattered Hangul.
    """
    text = evidence(text)
    nonascii = nonascii_count(text)
    if not nonascii:
        return 0.0
    return script_count(text, language) / nonascii


# UTF-8 lead bytes of 3- and 4-byte sequences: every CJK character starts with one.
_WIDE_UTF8 = re.compile(rb"[\xe0-\xf4]")
_SCRIPT_EDGES = (0x250, 0x300, 0x370, 0x400, 0x530, 0x800)


def utf8_reading_is_foreign(text: str, data: bytes) -> bool:
    """True when a strict UTF-8 reading is a jumble of 2-byte scripts (GBK bytes can form those).

    GBK's 为什么 (CEAA CAB2 C3B4) is valid UTF-8: "Ϊʲô", Greek, IPA and Latin-1 side by
    side. Real text in 2-byte UTF-8 (French, Russian, Greek) keeps to one script.
    """
    if text.isascii() or _WIDE_UTF8.search(data):
        return False
    groups = {sum(ord(ch) >= edge for edge in _SCRIPT_EDGES) for ch in text if ch >= "\x80"}
    return len(groups) >= 2


def lane_nul_share(data: bytes) -> tuple[float, float]:
    """Share of NUL bytes at even and at odd offsets (UTF-16 LE text has NULs at odd ones)."""
    half = max(1, len(data) // 2)
    return data[0::2].count(0) / half, data[1::2].count(0) / half


def utf16_reading(data: bytes, codec: str) -> tuple[str, int] | None:
    """``data`` as UTF-16 when at most 1% of it fails and ≥ 98% of the result is plausible."""
    text, replaced = decode_counting(data, codec)
    if not text or replaced * 100 > len(text):
        return None
    if implausible_count(text) * 50 > len(text):
        return None
    return text, replaced


# High bytes of the UTF-16 code units Chinese text is made of: ASCII (00), general
# punctuation (20), CJK punctuation and kana (30), ideographs (34-4D Ext A, 4E-9F), surrogates
# of Ext B+ (D8-DF) and full-width forms (FF).
_CJK_HIGH_BYTES = bytes([0x00, 0x20, 0x25, 0x30, *range(0x34, 0xA0), *range(0xD8, 0xE0), 0xFF])


def cjk_high_lane_share(data: bytes, codec: str) -> float:
    """Share of UTF-16 code units whose high byte is one Chinese text uses."""
    window = data[:EVIDENCE_BYTES]
    lane = window[1::2] if codec == "utf-16-le" else window[0::2]
    if not lane:
        return 0.0
    return (len(lane) - len(lane.translate(None, _CJK_HIGH_BYTES))) / len(lane)


def cjk_utf16_plausible(text: str, *, lane_share: float, not_legacy: bool) -> bool:
    """CJK UTF-16 without a BOM: plausible characters, code units shaped like CJK, common ideographs.

    ≥ 95% plausible characters, ≥ 90% of high bytes in :data:`_CJK_HIGH_BYTES`, and ≥ 85% of
    ideographs in GB2312 or Big5 level 1 — or ≥ 40% when the bytes hold control bytes or
    NULs, which rule out every legacy reading (a text dense with rare characters).
    """
    if lane_share < 0.9 or implausible_count(text) * 20 > len(text):
        return False
    ideographs = _IDEOGRAPH.findall(text)
    if len(ideographs) < 2:
        return False
    gb, big5 = gb2312_home(), big5_home()
    common = sum(ch in gb or ch in big5 for ch in ideographs)
    need = 40 if not_legacy else 85
    return common * 100 >= need * len(ideographs)


def has_control_bytes(data: bytes) -> bool:
    """True when any byte is a control character no text file uses (NUL included)."""
    return len(data.translate(None, CONTROL_BYTES)) < len(data)


def control_share(data: bytes) -> float:
    """Share of bytes that are control characters no text file uses."""
    if not data:
        return 0.0
    return (len(data) - len(data.translate(None, CONTROL_BYTES))) / len(data)


def ascii_byte_count(data: bytes) -> int:
    """How many bytes are ASCII (in UTF-8 these always decode to themselves, damaged or not)."""
    return len(data.translate(None, HIGH_BYTES))
