"""Legacy (non-UTF) decoding: GB vs Big5 by repertoire evidence, then the detector.

Layers 6-8 of :mod:`.encoding` (see its docstring): a strict gb18030 or cp950 reading that
is clearly Chinese settles most files (``gb-big5``); otherwise chardet answers (imported
lazily, first ``DETECTOR_BYTES``), ``arbitration`` chooses between the GB and Big5 families
by repertoire coverage, Japanese and Korean answers must read as such, and gb18030 with
replacement characters is the ``last-resort``. Also the result type both modules build.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from ..errors import DecodeError
from . import detect
from .detect import Candidate

DETECTOR_BYTES = 200_000
UNCERTAIN = 0.5
MIN_HANGUL = 6  # fewer Hangul than this is too little to overrule the Chinese reading


class Decoded(NamedTuple):
    """The text and how it was obtained (a NamedTuple: built ~5x faster than a frozen
    dataclass, which matters on the UTF-8 path where decoding itself takes a microsecond)."""

    text: str
    encoding: str
    confidence: float
    decided_by: str
    replacements: int = 0


def strict(data: bytes, codec: str, confidence: float, step: str) -> Decoded | None:
    """``data`` strictly decoded with ``codec``, or None when it does not decode."""
    try:
        return Decoded(data.decode(codec), codec, round(confidence, 2), step)
    except (UnicodeDecodeError, LookupError):
        return None


def _clear_winner(gb: Candidate, big5: Candidate) -> Candidate | None:
    """The family whose strict reading is plainly Chinese while the other's is not."""
    for best, other in ((gb, big5), (big5, gb)):
        if not best.strict or best.home < 8 or best.coverage < 0.9:
            continue
        if other.error_rate > 0.01 or other.coverage <= best.coverage - 0.25:
            return best
    return None


def _cheap_legacy(data: bytes, gb: Candidate, big5: Candidate) -> Decoded | None:
    """Settle a legacy Chinese file without the detector when the evidence is one-sided."""
    winner = _clear_winner(gb, big5)
    if winner is None:
        return None
    if winner is gb:
        if detect.korean_like(gb) or detect.korean_bytes(data) or detect.euc_tw_like(gb):
            return None  # Korean or EUC-TW bytes that happen to read as GB: ask the detector
    elif detect.euc_jp_like(data):
        return None  # Japanese bytes that happen to read as Big5
    confidence = 0.97 if winner.coverage >= 0.97 else 0.92
    return Decoded(winner.text, winner.codec, confidence, "gb-big5")


# Windows code pages that decode every byte of an ISO charset the same way, except that they
# give 0x80–0x9F printable characters (curly quotes, dashes) where ISO has C1 controls: the
# only renamings that cannot change a character the ISO reading gets right. (chardet's own
# prefer_superset also renames ISO-8859-5 to cp1251 and ISO-8859-2 to cp1250, which read
# dozens of letters differently: silent garbage.)
_SAFE_SUPERSETS = {"latin_1": "cp1252", "iso8859_9": "cp1254", "iso8859_11": "cp874", "tis_620": "cp874"}
_C1 = bytes(range(0x80, 0xA0))


def _chardet(data: bytes) -> tuple[str | None, float]:
    """chardet's answer (a canonical codec name, or the name it gave when Python has no such
    codec, e.g. ``euc-tw``; None when it has none) for the first 200 KB, over every encoding
    era it knows (Johab, DOS and Mac code pages too): never fewer codecs than chardet."""
    import chardet  # lazily: it costs ~12 ms to import and ~65 ms to load its models

    sample = data[:DETECTOR_BYTES]
    try:  # chardet >= 7
        from chardet.enums import EncodingEra

        every = EncodingEra(sum(era.value for era in EncodingEra))
        found = chardet.detect(sample, encoding_era=every)
    except (ImportError, TypeError):  # chardet 5 and 6 have no eras
        found = chardet.detect(sample)
    name = found.get("encoding")
    if not name:
        return None, 0.0
    sure = float(found.get("confidence") or 0.0)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return str(name).lower(), sure
    wider = _SAFE_SUPERSETS.get(codec)
    if wider and len(data.translate(None, _C1)) < len(data):
        return wider, sure
    return codec, sure


def _family(codec: str | None) -> str | None:
    if codec in {"gb2312", "gbk", "gb18030", "hz"}:
        return "gb"
    if codec in {"big5", "cp950", "big5hkscs"}:
        return "big5"
    return None


def _arbitrate(gb: Candidate, big5: Candidate, family: str | None) -> Decoded | None:
    """gb18030 vs cp950/big5hkscs: ≤ 1% errors, ≥ 70% home coverage, best coverage wins."""
    fit = [c for c in (gb, big5) if c.error_rate <= 0.01 and c.coverage >= 0.7]
    if not fit:
        return None

    def key(c: Candidate) -> tuple[float, bool]:
        return round(c.coverage, 2), _family(c.codec) == family

    best = max(fit, key=key)
    confidence = 0.6 + 0.35 * best.coverage - 5 * best.error_rate
    text, replaced = best.decoded()
    return Decoded(text, best.codec, round(max(0.3, confidence), 2), "arbitration", replaced)


def _japanese_korean(data: bytes, answer: str, sure: float, gb: Candidate) -> Decoded | None:
    """The detector's Japanese/Korean answer, if it decodes strictly and reads like that language.

    Short Chinese texts often get a cp949 answer; Japanese must show kana, Korean must be
    mostly Hangul and its GB reading must be confined to the rows Hangul maps to.
    """
    found = strict(data, answer, 0.8 * sure + 0.1, "detector")
    if found is None:
        return None
    if answer in detect.KOREAN:
        hangul = detect.script_count(found.text, "ko")
        plausible = (
            hangul >= MIN_HANGUL
            and detect.script_share(found.text, "ko") >= 0.6
            and (not gb.strict or detect.korean_like(gb) or detect.hangul_text(found.text))
        )
    else:
        plausible = detect.script_share(found.text, "ja") >= 0.1
    return found if plausible else None


def _unsupported(answer: str) -> DecodeError:
    return DecodeError(
        f"encoding {answer.upper()} (by the detector): Python has no codec for it, so cleanse "
        f"cannot decode it — skipped. Convert it first, e.g. `iconv -f {answer.upper()} -t UTF-8`",
        reason="unsupported-encoding",
    )


def _single_byte_text(answer: str | None, sure: float, gb: Candidate, big5: Candidate) -> bool:
    """A non-CJK answer and sparse CJK readings: a few non-ASCII characters in mostly-ASCII
    text (Slovene, Polish …), where a GB or Big5 reading pairs each accented letter with the
    next ASCII byte and still looks "covered". Under 5% non-ASCII is never Chinese prose;
    under 20% needs the detector to be sure."""
    if not answer or _family(answer) or answer in detect.JAPANESE_KOREAN:
        return False
    if answer in {"utf-8", "ascii"} or answer in detect.UNSUPPORTED:
        return False
    dense = max(c.nonascii / max(1, len(c.text)) for c in (gb, big5))
    return dense < 0.05 or (dense < 0.2 and sure >= UNCERTAIN)


def _with_detector(data: bytes, gb: Candidate, big5: Candidate) -> Decoded:
    """Steps 6–8: the detector, GB-vs-Big5 arbitration, other strict answers, last resort.

    An answer Python has no codec for (EUC-TW) skips the file with that reason when no
    Chinese reading is sure: a wrong decoding would be silent garbage.
    """
    answer, sure = _chardet(data)
    if answer in detect.UNSUPPORTED:
        if not (_clear_winner(gb, big5) and sure < UNCERTAIN):
            raise _unsupported(answer)
        answer = None
    if detect.euc_tw_like(gb) and (_family(answer) in {"gb", None} or sure < UNCERTAIN):
        raise _unsupported("euc-tw")
    if answer in detect.JAPANESE_KOREAN:
        found = _japanese_korean(data, answer, sure, gb)
        if found:
            return found
    if _single_byte_text(answer, sure, gb, big5):
        found = strict(data, answer or "", min(0.8, 0.8 * sure + 0.1), "detector")
        if found:
            return found  # Latin text with a few accents: its high bytes are not CJK pairs
    arbitrated = _arbitrate(gb, big5, _family(answer))
    if arbitrated:
        return arbitrated
    if answer and _family(answer) is None and answer not in {"utf-8", "ascii"}:
        found = strict(data, answer, min(0.8, 0.8 * sure + 0.1), "detector")
        if found:
            return found
    if answer and _family(answer) == "big5" and big5.strict:  # short Hong Kong text, rare characters
        return Decoded(big5.text, big5.codec, round(min(0.45, 0.4 + sure), 2), "detector")
    text, replaced = gb.decoded()
    return Decoded(text, "gb18030", 0.2, "last-resort", replaced)


def decode_legacy(data: bytes) -> Decoded:
    """Everything that is not UTF: the GB-vs-Big5 evidence first, the detector when unsure."""
    gb, big5 = detect.gb_candidate(data), detect.big5_candidate(data)
    return _cheap_legacy(data, gb, big5) or _with_detector(data, gb, big5)
