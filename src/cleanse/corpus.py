"""Lines of a corpus: normalizing, classifying and zoning them — the ground of corpus learning.

Corpus learning (``cleanse learn``, ``cleanse run --learn``) lives in three modules:

- this one says what a line *is*: its counting key (:func:`normalize_line`), whether it reads
  as content and so can never be learned (:func:`is_content_line`), and where it sits in its
  document (head zone, tail zone, next to a known ad) — :func:`document_keys`;
- :mod:`cleanse.corpus_count` counts those keys across the corpus, in worker processes,
  exactly and in bounded memory;
- :mod:`cleanse.corpus_rules` decides which counted lines are boilerplate
  (:func:`cleanse.corpus_rules.learn_corpus`), and :mod:`cleanse.corpus_render` writes them
  as a reviewable rule file.

A platform stamps the same lines on every document it sells, so across a folder those lines
repeat where real content does not.
"""

from __future__ import annotations

import hashlib
import struct
import unicodedata
from collections.abc import Sequence

import regex

from .corpus_templates import template_keys
from .errors import CleanseError
from .matching import RuleMatcher

HEAD_LINES = 10
"""The head zone is at most the first this many non-blank lines; the tail the last as many."""
MAX_LINE_CHARS = 80
"""Longer lines are content (precision first), never learned, so never counted."""
MIN_LINE_CHARS = 4
"""Shorter lines (after normalization) are never counted: a word alone on a line is a section
heading far more often than a stamp (名称, 概述, 目录, 附件 repeat at the head of every page of
a manual); site names are longer."""
AD_REACH = 3
"""How many non-blank lines away from a known ad a line still counts as in its block."""

HEAD, TAIL, AD, TITLE = 1, 2, 4, 8
"""Per-document flags of a line: in the head zone, in the tail zone, in an ad block, and
(head only) directly before the text starts, as a title would be."""
PAIR_BIT = 1 << 63
TEMPLATE_BIT = 1 << 62
"""Set in the keys of template groups (:mod:`cleanse.corpus_templates`); their records also
carry a sketch of the variants seen."""

_SPACE = regex.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")
_DIGIT = regex.compile(r"\d")
_NEWLINE = regex.compile(r"\r\n|\r|\n")
_SENTENCE_END = regex.compile(r"[。！？；…!?;][”’」』）)\"']*$")
_SALUTATION = regex.compile(r"^.{1,12}[：:]$")
_HEADING = regex.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]"
    r"|第[一二三四五六七八九十百千\d]+[章节条部分篇款项])"
)
_CN_NUM = "\\d〇零一二三四五六七八九十"
_DATE = regex.compile(rf"^[（(]?\s*[{_CN_NUM}]{{2,4}}\s*年(?:\s*[{_CN_NUM}]{{1,3}}\s*[月日号])*\s*[)）]?$")
_ISO_DATE = regex.compile(r"^\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}$")
_ISSUED = regex.compile(r"^\p{Han}{2,16}(?:发布|印发|公布|制定|颁布)$")
_DATED = regex.compile(
    rf"^[（(]?\s*[{_CN_NUM}]{{2,4}}\s*年\s*[{_CN_NUM}]{{1,3}}\s*月\s*[{_CN_NUM}]{{1,3}}\s*日"
)
_MANUAL_HEADING = regex.compile(
    r"^(?:(?=[A-Z ]*[A-Z]{4})[A-Z][A-Z ]{3,24}(?:\s*\p{Han}{1,8})?"
    r"|\p{Han}{1,8}\s*[(（]?\s*(?=[A-Z ]*[A-Z]{4})[A-Z][A-Z ]{3,24}[)）]?)$"
)
_CONTENT_SHAPES = regex.compile(
    "|".join(
        f"(?:{p.pattern})"
        for p in (_SALUTATION, _HEADING, _DATE, _ISO_DATE, _ISSUED, _DATED, _MANUAL_HEADING)
    )
)
"""The content shapes above as one pattern: one call per line (this runs on every line)."""


def normalize_line(line: str) -> str:
    """The counting key of a line: width and case folded, whitespace gone, digits as ``0``.

    So ``第 3 页`` and ``第１２页`` count as one line, as do the same slogan typed with
    full-width or half-width letters.
    """
    text = unicodedata.normalize("NFKC", line).casefold()
    return _DIGIT.sub("0", _SPACE.sub("", text))


def line_key(norm: str) -> int:
    """A 63-bit hash of a normalized line (the top bit marks pairs)."""
    digest = hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & ~PAIR_BIT


def template_key(group: str) -> int:
    """The key of a template group (a skeleton or affix string from
    :func:`cleanse.corpus_templates.template_keys`)."""
    digest = hashlib.blake2b(group.encode("utf-8"), digest_size=8, person=b"template").digest()
    return (int.from_bytes(digest, "little") & ~PAIR_BIT) | TEMPLATE_BIT


def pair_key(first: int, second: int) -> int:
    """The key of two lines that follow each other (for multi-line blocks)."""
    digest = hashlib.blake2b(struct.pack("<QQ", first, second), digest_size=8).digest()
    return int.from_bytes(digest, "little") | PAIR_BIT


def is_sentence(line: str) -> bool:
    """A line that ends like a sentence: where the text of a document starts or ends."""
    return _SENTENCE_END.search(line) is not None


def is_content_line(line: str) -> bool:
    """Lines that repeat because they are ordinary content, so are never learned.

    Sentences (同志们 … 谢谢大家。), salutations (同志们：), numbered headings (一、总体要求),
    dates (``2023年5月12日``, ``2022-03-15``), issuing notes (``最高人民法院发布``), lines that
    open with a full date (``2019年1月14日 最高人民法院审判委员会第1759次会议通过``:
    a record of an event), manual section headings (``NAME``, ``SEE ALSO 参见``,
    ``參見 (SEE ALSO)``), and long lines. Precision before recall: a platform line that ends
    with ``。`` is missed rather than risk deleting a common sentence.
    """
    s = line.strip()
    return len(s) > MAX_LINE_CHARS or is_sentence(s) or _CONTENT_SHAPES.match(s) is not None


def split_text(text: str) -> list[str]:
    """Lines of a decoded document, whatever its line endings."""
    return _NEWLINE.split(text)


def _is_ad(matcher: RuleMatcher, line: str) -> bool:
    try:
        return matcher.first(line) is not None
    except CleanseError:  # a rule timed out on this line: no ad evidence from it
        return False


def _zone_flags(lines: Sequence[str], ads: Sequence[bool], content: Sequence[bool]) -> list[int]:
    """HEAD/TAIL flags of each line: before the first / after the last content line, within
    the first / last :data:`HEAD_LINES` non-blank lines. Ad lines never end a zone."""
    flags = [0] * len(lines)
    filled = [i for i, line in enumerate(lines) if line.strip()]
    text = [i for i in filled if not ads[i] and content[i]]
    first = text[0] if text else len(lines)
    last = text[-1] if text else -1
    for i in filled[:HEAD_LINES]:
        if i < first:
            flags[i] |= HEAD
    for i in filled[-HEAD_LINES:]:
        if i > last:
            flags[i] |= TAIL
    if text:
        before = [i for i in filled if i < first]
        if before and flags[before[-1]] & HEAD:
            flags[before[-1]] |= TITLE
    return flags


def _ad_flags(lines: Sequence[str], ads: Sequence[bool]) -> list[int]:
    """AD for lines near an ad: in the same run of non-sentence lines (blank lines inside)
    and at most :data:`AD_REACH` non-blank lines away from a line a rule removes."""
    flags = [0] * len(lines)
    run: list[int] = []
    for i, line in enumerate([*lines, "。"]):
        if i < len(lines) and (not line.strip() or ads[i] or not is_sentence(line)):
            if line.strip():
                run.append(i)
            continue
        hits = [n for n, j in enumerate(run) if ads[j]]
        for n, j in enumerate(run):
            if any(abs(n - h) <= AD_REACH for h in hits):
                flags[j] = AD
        run = []
    return flags


def document_keys(
    lines: Sequence[str], matcher: RuleMatcher, templates: dict[int, tuple[int, int]] | None = None
) -> dict[int, int]:
    """Every countable line (and edge pair) of one document -> its OR-ed flags.

    With ``templates``, also fills it with every template group the document's countable
    lines fall in -> (OR-ed flags, the smallest line key seen in that group here).
    """
    ads = [bool(line.strip()) and _is_ad(matcher, line) for line in lines]
    content = [bool(line.strip()) and is_content_line(line) for line in lines]
    zones = _zone_flags(lines, ads, content)
    marks = _ad_flags(lines, ads)
    found: dict[int, int] = {}
    prev: tuple[int, int] | None = None
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if ads[i] or content[i]:
            prev = None
            continue
        norm = normalize_line(line)
        if len(norm) < MIN_LINE_CHARS:
            prev = None
            continue
        key, flag = line_key(norm), zones[i] | marks[i]
        found[key] = found.get(key, 0) | flag
        if templates is not None:
            for group in template_keys(line):
                tkey = template_key(group)
                had = templates.get(tkey)
                templates[tkey] = (flag, key) if had is None else (had[0] | flag, min(had[1], key))
        edge = flag & (HEAD | TAIL)
        if prev is not None and edge and prev[1] & edge:
            pair = pair_key(prev[0], key)
            found[pair] = found.get(pair, 0) | edge
        prev = (key, flag)
    return found
