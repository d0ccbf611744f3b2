"""Word's list numbering: the labels (``1.``, ``一、``, ``(a)``, ``•``) Word draws before numbered
paragraphs, which are not in a paragraph's text.

They are rebuilt from the numbering definitions (``word/numbering.xml``: abstract lists, their
levels' start, format and label text, and per-list overrides), counted in document order, for
the paragraph's own numbering or the one its style (or a base style) gives it.
"""

from __future__ import annotations

from typing import Any

from .word_text import W as _W

_CHINESE_DIGITS = "零一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN: tuple[tuple[int, str], ...] = (
    *((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L")),
    *((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")),
)


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (Word's chineseCounting)."""
    if n < 10:
        return _CHINESE_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" + (_CHINESE_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return _CHINESE_DIGITS[hundreds] + "百"
    tail = chinese_number(rest)
    if rest < 10:
        tail = "零" + tail
    elif rest < 20:
        tail = "一" + tail
    return _CHINESE_DIGITS[hundreds] + "百" + tail


def _letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA (Word repeats the letter)."""
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    out = []
    for value, text in _ROMAN:
        count, n = divmod(n, value)
        out.append(text * count)
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """A list number in one of Word's number formats (decimal for formats not known here)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "ideographDigital"):
        return chinese_number(n) if n < 1000 else str(n)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _STEMS[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt in ("upperLetter", "lowerLetter") and n >= 1:
        text = _letters(n)
        return text if fmt == "upperLetter" else text.lower()
    if fmt in ("upperRoman", "lowerRoman") and n >= 1:
        text = _roman(n)
        return text if fmt == "upperRoman" else text.lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


class Numbering:
    """The list labels Word draws before numbered paragraphs, counted in document order."""

    def __init__(self, document: Any) -> None:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        self.levels: dict[str, dict[int, tuple[int, str, str, str]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if root is not None:
            self._read(root)
        self._styles = _Styles(document)
        self._by_style: dict[str | None, Any] = {}

    def _read(self, root: Any) -> None:
        abstract: dict[str, dict[int, tuple[int, str, str, str]]] = {}
        for node in root.iterchildren(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.iterchildren(f"{_W}lvl"):
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    int(_val(lvl, "start") or 1),
                    _val(lvl, "numFmt") or "decimal",
                    _val(lvl, "lvlText") or "",
                    _val(lvl, "suff") or "tab",
                )
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iterchildren(f"{_W}num"):
            levels = dict(abstract.get(_val(num, "abstractNumId") or "", {}))
            for override in num.iterchildren(f"{_W}lvlOverride"):
                level = int(override.get(f"{_W}ilvl", "0"))
                start = _val(override, "startOverride")
                if start is not None and level in levels:
                    levels[level] = (int(start), *levels[level][1:])
            self.levels[num.get(f"{_W}numId", "")] = levels

    def label(self, paragraph: Any) -> str:
        """The label before a ``w:p`` (``""`` when it is not a numbered list item)."""
        if not self.levels:
            return ""  # no numbering definitions: nothing is numbered
        numpr = self._numbering_of(paragraph)
        if numpr is None:
            return ""
        num_id = str(numpr.numId.val)
        level = int(numpr.ilvl.val) if numpr.ilvl is not None else 0
        levels = self.levels.get(num_id, {})
        if level not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, levels[level][0] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        _, fmt, text, suffix = levels[level]
        if fmt == "bullet":
            label = "•" if not text or "\ue000" <= text[0] <= "\uf8ff" else text
        else:
            label = text
            for k in range(9):
                if f"%{k + 1}" in label:
                    start, kfmt = levels.get(k, (1, "decimal", "", ""))[:2]
                    label = label.replace(f"%{k + 1}", format_number(counters.get(k, start), kfmt))
        if not label or suffix == "nothing" or not label[-1].isascii():
            return label
        return label + " "

    def _numbering_of(self, paragraph: Any) -> Any:
        """The paragraph's list numbering: its own, or its style's (``List Number``), or a
        base style's; None when it has none. A style's is looked up once per style (python-
        docx's ``paragraph.style`` scans every style for the default on each call: that was
        40% of reading a .docx)."""
        ppr = paragraph.pPr
        if ppr is not None and ppr.numPr is not None and ppr.numPr.numId is not None:
            return ppr.numPr
        style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else None
        if style_id not in self._by_style:
            self._by_style[style_id] = self._styles.numbering(style_id)
        return self._by_style[style_id]


class _Styles:
    """The paragraph styles of a document by id, and its default paragraph style, read once."""

    def __init__(self, document: Any) -> None:
        root = document.styles.element
        self.by_id = {s.get(f"{_W}styleId"): s for s in root.iterchildren(f"{_W}style")}
        paragraph_styles = [s for s in self.by_id.values() if s.get(f"{_W}type", "paragraph") == "paragraph"]
        self.paragraph = {s.get(f"{_W}styleId"): s for s in paragraph_styles}
        defaults = [s for s in paragraph_styles if s.get(f"{_W}default") in ("1", "true", "on")]
        self.default = defaults[-1] if defaults else None

    def numbering(self, style_id: str | None) -> Any:
        """The numbering a paragraph of style ``style_id`` gets from its style chain (an unknown
        or missing id means the default paragraph style, as Word reads it)."""
        style = self.paragraph.get(style_id) if style_id is not None else None
        style = self.default if style is None else style
        for _ in range(20):  # base styles chain; a loop in a broken file must end
            if style is None:
                return None
            sppr = style.find(f"{_W}pPr")
            numpr = None if sppr is None else sppr.find(f"{_W}numPr")
            if numpr is not None and numpr.find(f"{_W}numId") is not None:
                return numpr
            based = style.find(f"{_W}basedOn")
            style = None if based is None else self.by_id.get(based.get(f"{_W}val"))
        return None


def _val(node: Any, child: str) -> str | None:
    found = node.find(f"{_W}{child}")
    return None if found is None else found.get(f"{_W}val")
