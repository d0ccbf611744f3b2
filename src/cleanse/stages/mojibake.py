"""Repair the two common kinds of Chinese mojibake, and nothing else.

Mojibake is text that was decoded with the wrong codec and saved again, so the damage is in
the characters themselves and no decoder can see it:

- UTF-8 read as GBK: 仅供学习 (E4BB85 E4BE9B E5ADA6 E4B9A0) becomes 浠呬緵瀛︿範;
- GBK read as Latin-1: 中文 (D6D0 CEC4) becomes ÖÐÎÄ.

Both are undone by encoding a run of characters back with the wrong codec and decoding the
bytes with the right one. The repair must never touch real text, so a run is changed only
when the round trip is exact (strict both ways), long enough to be evidence, and gives text
made of common Chinese characters and punctuation only. Real Chinese text practically never
passes: its GBK bytes are not valid UTF-8 three-byte sequences, and European text does not
hold runs of four or more Latin-1 letters that decode as GB2312 hanzi.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Callable

from ..document import Document, map_lines
from . import Stage
from .repertoire import char_class, decode_pairs, gb2312_home

UTF8_AS_GBK = "encoding.mojibake-utf8-as-gbk"
GBK_AS_LATIN1 = "encoding.mojibake-gbk-as-latin1"

# Runs of Latin-1 letters and symbols A1–FF: candidates for GBK-read-as-Latin-1 (GB2312
# bytes are all in A1–FE)
# but not inside a word: "Ærøskøbing" is Danish, not mojibake.
_LATIN1_RUN = re.compile(r"(?<![A-Za-z])[\u00a1-\u00ff]{4,}(?![A-Za-z])")
_CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]+")


@functools.cache
def gb2312_level1() -> frozenset[str]:
    """GB2312's symbol rows 1–3 and its 3,755 level-1 hanzi: the characters of everyday text."""
    trails = list(range(0xA1, 0xFF))
    return decode_pairs("gb18030", range(0xA1, 0xA4), trails) | decode_pairs(
        "gb18030", range(0xB0, 0xD8), trails
    )


def _chinese_enough(text: str, common: frozenset[str]) -> bool:
    """At least two different characters, only CJK ideographs and CJK/full-width
    punctuation, ≥ 90% of them in ``common``."""
    if len(set(text)) < 2 or _CHINESE.fullmatch(text) is None:
        return False
    return sum(ch in common for ch in text) >= 0.9 * len(text)


@functools.cache
def _utf8_as_gbk_runs() -> re.Pattern[str]:
    """Runs of ≥ 3 non-ASCII characters whose first one is GBK E2–EF + 80–BF, as the lead
    and first continuation byte of a three-byte UTF-8 character (CJK, ，。“”) read as GBK are.

    Real text seldom starts a run with such a character (GB2312 level 2 at best), so the
    expensive round trip is tried on few runs.
    """
    first = char_class(decode_pairs("gbk", range(0xE2, 0xF0), list(range(0x80, 0xC0))), negate=False)
    return re.compile(r"(?<![^\x00-\x7f])" + first.pattern.rstrip("+") + r"[^\x00-\x7f]{2,}")


def _may_be_utf8_as_gbk(run: str) -> bool:
    """The GBK bytes of the run's first characters start valid UTF-8 (real text fails here)."""
    try:
        codecs.utf_8_decode(run[:6].encode("gbk"), "strict", False)
    except UnicodeError:
        return False
    return True


def _utf8_from_gbk(run: str) -> str | None:
    if not _may_be_utf8_as_gbk(run):
        return None
    try:
        fixed = run.encode("gbk").decode("utf-8")
    except UnicodeError:
        return None
    return fixed if _chinese_enough(fixed, gb2312_home()) else None


def _gbk_from_latin1(run: str) -> str | None:
    """The GBK text a Latin-1 run stands for; a soft hyphen (U+00AD, byte 0xAD) that breaks
    the reading is dropped, since the whitespace stage removes it afterwards anyway: repairing
    only then would make a second cleaning change the text (not idempotent)."""
    try:
        fixed = run.encode("latin-1").decode("gbk")
    except UnicodeError:
        if "\xad" not in run:
            return None
        try:
            fixed = run.replace("\xad", "").encode("latin-1").decode("gbk")
        except UnicodeError:
            return None
    # stricter: European text can hold a run like "åååå" (E5E5 E5E5 = 邋邋, level 2)
    return fixed if _chinese_enough(fixed, gb2312_level1()) else None


Fix = Callable[[str], "str | None"]
Records = list[tuple[str, str, str]]


def _repair(
    line: str, pattern: re.Pattern[str], fix: Fix, rule: str
) -> tuple[str, list[tuple[str, str, str]]]:
    records: list[tuple[str, str, str]] = []

    def sub(match: re.Match[str]) -> str:
        fixed = fix(match.group())
        if fixed is None or fixed == match.group():
            return match.group()
        records.append((rule, match.group(), fixed))
        return fixed

    return pattern.sub(sub, line), records


def repair_line(line: str) -> tuple[str, Records]:
    """One line with both kinds of mojibake repaired, and a (rule, before, after) per repair."""
    if line.isascii():
        return line, []
    line, first = _repair(line, _utf8_as_gbk_runs(), _utf8_from_gbk, UTF8_AS_GBK)
    line, second = _repair(line, _LATIN1_RUN, _gbk_from_latin1, GBK_AS_LATIN1)
    return line, first + second


def _has_mojibake(text: str) -> bool:
    """Whether any run in ``text`` will be repaired; cheap, since real text fails at once."""
    if text.isascii():
        return False
    latin1 = len(text.encode("latin-1", errors="ignore")) - len(text.encode("ascii", errors="ignore"))
    if latin1 >= 4 and any(_gbk_from_latin1(m.group()) for m in _LATIN1_RUN.finditer(text)):
        return True
    return any(_utf8_from_gbk(m.group()) for m in _utf8_as_gbk_runs().finditer(text))


def repair_mojibake(doc: Document) -> Document:
    """Repair mojibake line by line; each repair is a Change with its own rule id."""
    return map_lines(doc, repair_line) if _has_mojibake(doc.text) else doc


def build_mojibake() -> Stage:
    """The mojibake stage (no rules: the two repairs are fixed and self-checking)."""
    return Stage("mojibake", repair_mojibake)
