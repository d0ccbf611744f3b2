"""Reading a document's shape: which lines read as body, where the head and tail end, blocks.

Pure functions over a list of lines, no rules: the boilerplate stage combines this shape with
rule evidence. Kept apart because "does this line read as content?" is the judgement every
removal depends on, and it deserves its own tests.

Body-like evidence, strongest first:

- a salutation of its own (``同志们：``, ``各位代表：``) or a date line (``2020年5月1日``);
- a long line (``BODY_LONG`` or more non-space characters): long lines are content;
- a line ending a sentence with ``。！？`` (even ``谢谢大家。``), or with ``；…`` and at least
  ``SENTENCE_MIN`` characters;
- a line of ``CLAUSE_MIN`` characters or more with a clause comma inside and mostly CJK text.

A short line without sentence punctuation (a title, a platform name, a slogan) is *not*
body-like on its own; a title becomes body because the body follows it (see
:func:`protect_title`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import regex

BODY_LONG = 50
SENTENCE_MIN = 12
CLAUSE_MIN = 20
TITLE_MIN = 8
BRAND_MAX = 8

_SPACE = regex.compile(r"\s+")
_CLOSERS = "”’」』）)】]\"'》"
_SENTENCE_END = "。！？!?…；;"
_SALUTATION = regex.compile(
    r"^(?:尊敬的|亲爱的|親愛的|各位)?[\p{Han}、]{0,16}"
    r"(?:同志们|同志們|同学们|同學們|朋友们|朋友們|们|們|同志|先生|女士|领导|領導|来宾|來賓|代表|单位|單位|"
    r"部门|部門|委员|委員|老师|老師|家长|家長|乡亲|鄉親|各位|同仁|同事|诸位|諸位|大家|员工|員工|职工|職工|"
    r"党员|黨員|团员|團員|居民|村民|市民|用户|用戶|读者|讀者)[:：]$"
)
_DATE_LINE = regex.compile(
    r"^(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月"
    r"\s*(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日)?$"
)
_COLONS = ":："
_DATE_ENDS = "月日"
_HAN = regex.compile(r"\p{Han}")
_CJK_BEFORE = regex.compile(r"[\p{Han}\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65…—·]")
_CLAUSE = regex.compile(r"[，,；;。]")
_LABEL_VALUE = regex.compile(r"^[\p{Han}A-Za-z]{1,8}\s*[:：]\s*\S")
_LABEL_OR_DIGIT = regex.compile(r"[:：\d]")
_CONTACT_LABEL = regex.compile(
    r"^[\p{Han}A-Za-z]{0,6}(?:联系人|聯繫人|联络人|聯絡人|电话|電話|手机|手機|传真|傳真|地址|邮箱|郵箱|信箱|"
    r"[Ee]-?mail|微信|QQ|qq|群|联系方式|聯繫方式|聯絡方式|负责人|負責人|班主任|老师|老師|咨询|諮詢|热线|熱線)"
    r"[\p{Han}A-Za-z]{0,6}\s*[:：]\s*\S"
)


def content(line: str) -> str:
    """The line without any whitespace (ASCII, U+3000 and the rest): what a reader sees."""
    return _SPACE.sub("", line)


def content_len(line: str) -> int:
    """Number of visible characters; padding with (full-width) spaces does not make a line long."""
    return len(content(line))


def cjk_share(text: str) -> float:
    """Share of Han characters among the visible characters (0.0 for an empty text)."""
    return len(_HAN.findall(text)) / len(text) if text else 0.0


def ends_like_sentence(text: str) -> bool:
    """True when the text ends with sentence punctuation, closing quotes and brackets aside.

    A half-width ``.`` that punct.period turns into ``。`` counts too — one after a Chinese
    character or mark, a closing quote or bracket between them allowed (``好”.``, ``、.``):
    a line must read the same before and after cleaning, or a second cleaning would judge the
    document differently (not idempotent).
    """
    stripped = text.rstrip(_CLOSERS)
    if not stripped:
        return False
    last = stripped[-1]
    if last == ".":
        return _PERIOD_END.search(stripped) is not None
    return last in _SENTENCE_END


# The final . that punct.period converts (its pattern's look-behind, at the end of the text).
_PERIOD_END = regex.compile(
    r"(?<=[\p{Han}\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65…—·][”’」』）)]?)"
    r"(?<![.．])\.$"
)


def _full_stop(stripped: str) -> bool:
    """A sentence-final 。！？ — or the ``. ! ?`` the punctuation stage will write as one,
    after a Chinese character or mark (so ``：!`` reads as ``：！`` already)."""
    last = stripped[-1]
    if last in "。！？":
        return True
    return last in ".!?" and len(stripped) >= 2 and _CJK_BEFORE.match(stripped[-2]) is not None


def is_salutation(text: str) -> bool:
    """``同志们：``, ``尊敬的各位领导、各位来宾：``: the opening of a speech or letter."""
    return _SALUTATION.match(text) is not None


def _is_opening(text: str) -> bool:
    """A salutation or a date line; ``text`` is non-empty and holds no whitespace.

    Both patterns end in ``$`` after a fixed last character (a colon; 月 or 日), so the last
    character rules out almost every line before a regex runs.
    """
    last = text[-1]
    if last in _COLONS:
        return _SALUTATION.match(text) is not None
    return last in _DATE_ENDS and _DATE_LINE.match(text) is not None


def body_evidence(line: str) -> str | None:
    """Why this line reads as content by its shape, strongest reason first, or None.

    ``"clause"`` (commas in a mid-length line, no sentence end) is the weakest reason: a
    slogan can have it too, so weak ad evidence may overrule it (see the zones module).
    """
    return content_evidence(content(line))


def content_evidence(text: str) -> str | None:
    """:func:`body_evidence` of a line whose :func:`content` (``text``) is known already."""
    n = len(text)
    if n == 0:
        return None
    if _is_opening(text):
        return "opening"
    if n >= BODY_LONG:
        return "long"
    if ends_like_sentence(text):
        full_stop = _full_stop(text.rstrip(_CLOSERS))
        if n >= SENTENCE_MIN or (n >= 2 and full_stop):
            return "sentence"
    if n >= CLAUSE_MIN and _CLAUSE.search(text[:-1]) is not None and cjk_share(text) >= 0.3:
        return "clause"
    return None


def is_body_like(line: str) -> bool:
    """Does this line read as content by its shape alone (see the module docstring)?"""
    return body_evidence(line) is not None


def is_title_like(line: str) -> bool:
    """Long enough to be a title rather than a brand name (brand names are two to six characters)."""
    return content_len(line) >= TITLE_MIN


def is_label_value(line: str) -> bool:
    """``联系人：张三``, ``地址：…``: a label and its value, the shape of a document's own details."""
    return _LABEL_VALUE.match(line.strip()) is not None


def is_contact_line(line: str) -> bool:
    """``联系人：张三``, ``班主任微信：…``, ``家长QQ群：…``: a label naming a way to reach someone."""
    return _CONTACT_LABEL.match(line.strip()) is not None


def is_brand_like(line: str) -> bool:
    """Short and plain (a platform name or a slogan): no colon, no digits, at most ``BRAND_MAX``."""
    text = content(line)
    return 0 < len(text) <= BRAND_MAX and _LABEL_OR_DIGIT.search(text) is None


def blocks(lines: Sequence[str], is_separator: Callable[[int], bool]) -> list[tuple[int, int]]:
    """Maximal runs ``(start, end)`` (inclusive) of non-blank lines that are not separators."""
    out: list[tuple[int, int]] = []
    start = None
    for i, line in enumerate(lines):
        inside = bool(line.strip()) and not is_separator(i)
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            out.append((start, i - 1))
            start = None
    if start is not None:
        out.append((start, len(lines) - 1))
    return out


def protect_title(lines: Sequence[str], body: list[bool], is_ad: Callable[[int], bool]) -> None:
    """Mark as body the title right above the first body line (in place).

    The candidate is the last non-blank line before the first body-like line. It is a title
    when ``is_ad`` does not mark it as an ad and it either touches the body (no blank line between: a
    title followed by its text) or is long enough not to be a platform name.
    """
    if True not in body:
        return
    first = body.index(True)
    cand = first - 1
    while cand >= 0 and not lines[cand].strip():
        cand -= 1
    if cand < 0 or is_ad(cand):
        return
    if cand == first - 1 or is_title_like(lines[cand]):
        body[cand] = True


def body_bounds(body: Sequence[bool]) -> tuple[int, int]:
    """(first, last) body line; ``(len, -1)`` when there is none, so every line is head and tail."""
    idx = [i for i, b in enumerate(body) if b]
    return (idx[0], idx[-1]) if idx else (len(body), -1)
