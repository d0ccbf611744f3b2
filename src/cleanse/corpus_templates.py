"""Templates of lines: the constant skeleton a site stamps, with slots for what varies.

A site stamps ``本材料已收录于知识星球「机关文稿」，严禁二次转载`` on one document and
``…「材料君」…`` on the next; as exact lines each is seen once or twice, as a template
(``本材料已收录于知识星球「⟨name⟩」，严禁二次转载``) in every document the site sold. This
module is the log-parsing idea (Drain, Spell: group messages by their constant tokens, slots
where they differ) applied to Chinese lines, which have no word tokens:

- :func:`tokens` cuts a line into constant characters and *typed slots*: a name in
  「」【】“”《》『』〈〉[], a number, a URL or domain, an e-mail address, an ID (letters and
  digits mixed, as QQ/WeChat IDs are);
- :func:`template_keys` gives a line's counting keys: its *skeleton* (constants, slots by
  type), and an *affix* key (the first and last :data:`AFFIX` characters of the skeleton)
  that puts lines differing in one free run of text between fixed parts
  (``本资料由学习资料圈会员群首发`` / ``本资料由知文苑会员群首发``) into one group, and a
  *prefix* key (the first :data:`PREFIX` characters) for lines whose free run sits near the
  end (``墨石书屋 · 第⟨num⟩卷 · ⟨…⟩专题``). A free run at the very start of a line is not keyed
  (a signature line ``⟨…⟩人民政府办公室`` looks just like one), precision first;
- :func:`build_template` aligns the variants a group was seen with (longest common prefix and
  suffix of their token sequences; what lies between is a free slot), checks it is a stamp
  shape and not content, and writes its pattern, anchored to the whole line.

Keys are counted like exact lines (:mod:`cleanse.corpus_count`); which variants a key was
seen with is kept as a min-hash sketch (the few smallest line hashes), so the variants are
the same whatever the order or ``-j``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

# -- tokens and slots ---------------------------------------------------------------------------

NAME, NUM, URL, EMAIL, ID, FREE = "name", "num", "url", "email", "id", "free"
"""Slot kinds. FREE is the run of text that differs between variants of an affix group."""

BRACKETS = {"「": "」", "『": "』", "【": "】", "“": "”", "《": "》", "〈": "〉", "[": "]"}
NAME_MAX = 20
"""A name slot holds 1 to this many characters (``「[^」]{1,20}」``)."""
FREE_MAX = 24
"""A free slot never spans more characters than this (short runs between fixed parts)."""
AFFIX = 4
"""Characters of the skeleton on each side that key a group with a free slot in the middle."""
PREFIX = 6
"""Characters at the start of the skeleton that key a group with a free slot near the end."""
MIN_SKELETON = 10
"""Affix keys only for skeletons at least this long (shorter lines have no room for both)."""
MIN_CONSTANT = 6
"""A template keeps at least this many constant characters ..."""
MIN_CONSTANT_SHARE = 0.4
"""... and at least this share of its lines' characters: the slots are never most of it."""

_MARK = {NAME: "\ue001", NUM: "\ue002", URL: "\ue003", EMAIL: "\ue004", ID: "\ue005"}
_NAMES = "|".join(
    f"{regex.escape(o)}[^{regex.escape(c)}]{{1,{NAME_MAX}}}{regex.escape(c)}" for o, c in BRACKETS.items()
)
_SLOT = regex.compile(
    r"(?P<url>(?:https?://|www\.)[\w.\-/?=&%#~+:]+"
    r"|(?<![a-z0-9.@_-])(?:[a-z0-9][a-z0-9-]{0,62}\.)+"
    r"(?:com|cn|net|org|edu|gov|info|top|xyz|cc|me|io|vip|club|site|online|tv|co|hk|tw)\b(?:/[\w./?=&%#~+-]*)?)"
    r"|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<id>(?<![a-z0-9_])(?=[a-z_-]*\d)(?=\d*[a-z])[a-z0-9_-]{5,30}(?![a-z0-9_]))"
    r"|(?P<num>\d+(?:[.,]\d+)*)"
    rf"|(?P<name>{_NAMES})"
    r"|(?P<space>\s+)",
    regex.IGNORECASE,
)
"""Slots and whitespace; everything between them is constant, one token a character. At
each position the kinds are tried in this order (a domain before a number, and so on)."""


@dataclass(frozen=True)
class Token:
    """A constant character (``kind`` empty), a slot, or whitespace (``kind`` "space").

    ``norm`` is what counting compares: the folded character, or the slot's marker (a name
    slot's marker carries its brackets, so 「…」 and 【…】 are different templates).
    """

    kind: str
    raw: str
    norm: str


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _slot_norm(kind: str, raw: str) -> str:
    return raw[0] + _MARK[NAME] + raw[-1] if kind == NAME else _MARK[kind]


@lru_cache(maxsize=4096)
def tokens(line: str) -> tuple[Token, ...]:
    """A line cut into constant characters, typed slots and whitespace (cached: the same
    stamp lines are aligned again for every group they fall in)."""
    text = line.strip()
    out: list[Token] = []
    pos = 0
    for m in _SLOT.finditer(text):
        out += [Token("", c, _fold(c)) for c in text[pos : m.start()]]
        kind = m.lastgroup or ""
        out.append(
            Token("space", m.group(), "")
            if kind == "space"
            else Token(kind, m.group(), _slot_norm(kind, m.group()))
        )
        pos = m.end()
    out += [Token("", c, _fold(c)) for c in text[pos:]]
    return tuple(out)


def skeleton(toks: Sequence[Token]) -> str:
    """The compared form: constants folded, slots as markers, whitespace gone."""
    return "".join(t.norm for t in toks)


def line_skeleton(line: str) -> tuple[str, bool]:
    """``skeleton(tokens(line))`` and whether the line has a typed slot, without building
    tokens: this runs on every countable line of the corpus."""
    text = line.strip()
    parts: list[str] = []
    pos = 0
    slotted = False
    for m in _SLOT.finditer(text):
        parts.append(_fold(text[pos : m.start()]))
        kind = m.lastgroup or ""
        if kind != "space":
            parts.append(_slot_norm(kind, m.group()))
            slotted = True
        pos = m.end()
    parts.append(_fold(text[pos:]))
    return "".join(parts), slotted


def has_slot(toks: Sequence[Token]) -> bool:
    return any(t.kind not in ("", "space") for t in toks)


def template_keys(line: str) -> list[str]:
    """The group keys of a line, as strings to hash: its skeleton when it has a typed slot,
    and its affix and prefix keys when the skeleton is long enough to have a middle."""
    skel, slotted = line_skeleton(line)
    keys = [f"s\x00{skel}"] if slotted else []
    if len(skel) >= MIN_SKELETON:
        keys += [f"m\x00{skel[:AFFIX]}\x00{skel[-AFFIX:]}", f"p\x00{skel[:PREFIX]}"]
    return keys


# -- templates from variants --------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """A template aligned from its variants: its pattern, a readable form, slot values seen."""

    pattern: str
    shape: str
    slots: tuple[tuple[str, tuple[str, ...]], ...]
    variants: tuple[str, ...]
    constant: int

    def slot_examples(self) -> str:
        """``name: 机关文稿, 材料君; num: 7, 5`` for the rule's ``why`` and ``--show``."""
        return "; ".join(f"{kind}: {', '.join(values)}" for kind, values in self.slots)


def _solid(toks: Sequence[Token]) -> list[Token]:
    return [t for t in toks if t.kind != "space"]


def _common_prefix(seqs: Sequence[Sequence[Token]]) -> int:
    n = 0
    for column in zip(*seqs, strict=False):
        if any(t.norm != column[0].norm for t in column):
            break
        n += 1
    return n


def char_pattern(c: str) -> str:
    """One constant character of a learned pattern: digits as any digit, ASCII and full-width
    forms as either (shared by exact lines and templates)."""
    if unicodedata.decimal(c, None) is not None:
        return r"\d"
    code = ord(c)
    if 0x21 <= code <= 0x7E or 0xFF01 <= code <= 0xFF5E:
        half = chr(code if code < 0x80 else code - 0xFEE0)
        return "[" + regex.escape(half, special_only=False) + chr(ord(half) + 0xFEE0) + "]"
    return regex.escape(c)


def _slot_pattern(kind: str, values: Sequence[str]) -> str:
    longest = max(len(v) for v in values)
    if kind == NAME:
        open_, close = values[0][0], values[0][-1]
        o, c = char_pattern(open_), char_pattern(close)
        return f"{o}[^{regex.escape(close)}\\n]{{1,{NAME_MAX}}}{c}"
    if kind == NUM:
        return rf"\d[\d.,]{{0,{min(12, longest + 1)}}}"
    if kind == URL:
        return r"(?:https?://)?(?:[\w-]+\.)+[a-z]{2,10}(?:/[\w./?=&%#~+-]*)?"
    if kind == EMAIL:
        return r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    if kind == ID:
        return r"[a-z0-9_-]{5,30}"
    hi = min(FREE_MAX, max(4, 2 * longest))
    if all(regex.fullmatch(r"\p{Han}+", v) for v in values):
        return rf"\p{{Han}}{{1,{hi}}}"
    return rf"[^。！？；!?;\n]{{1,{hi}}}"


def _readable(kind: str, raw: str) -> str:
    if kind == NAME:
        return f"{raw[0]}⟨{NAME}⟩{raw[-1]}"
    return f"⟨{kind}⟩"


def _render(
    first: Sequence[Token], p: int, s: int, free: Sequence[str], seen: dict[int, list[str]]
) -> tuple[str, str]:
    """Pattern and readable shape from the first variant's tokens: its prefix ``p`` and
    suffix ``s`` solid tokens kept (slots widened), a free slot between when ``free``."""
    solid_index = [i for i, t in enumerate(first) if t.kind != "space"]
    n = len(solid_index)
    cut_a = solid_index[p - 1] + 1 if p else 0
    cut_b = solid_index[n - s] if s else len(first)
    parts: list[str] = []
    shape: list[str] = []

    def emit(toks: Sequence[Token], base: int) -> None:
        for j, t in enumerate(toks):
            if t.kind == "space":
                parts.append(r"\s*")
                shape.append(" ")
            elif t.kind == "":
                parts.append(char_pattern(t.raw))
                shape.append(t.raw)
            else:
                parts.append(r"\s*" + _slot_pattern(t.kind, seen[base + j]) + r"\s*")
                shape.append(_readable(t.kind, t.raw))

    emit(first[:cut_a], 0)
    if free:
        parts.append(r"\s*" + _slot_pattern(FREE, free) + r"\s*")
        shape.append("⟨…⟩")
    emit(first[cut_b:], cut_b)
    body = "".join(parts)
    body = regex.sub(r"(?:\\s\*)+", lambda _m: r"\s*", body)
    return r"^\s*" + body.removeprefix(r"\s*").removesuffix(r"\s*") + r"\s*$", "".join(shape).strip()


_FIELD = regex.compile(r"^[^：:]{1,12}[：:]$")


def build_template(lines: Sequence[str]) -> Template | None:
    """The template of a group's variant lines, or None when they do not make a stamp-shaped one.

    Refused (precision first): fewer than two different variants; a free run longer than
    :data:`FREE_MAX` or holding sentence punctuation; fewer constant characters than
    :data:`MIN_CONSTANT` or :data:`MIN_CONSTANT_SHARE` of the line; a field line, a label and
    its value (``家长QQ群：⟨num⟩``, ``联系电话：⟨num⟩``), which notices carry as content.
    """
    variants = sorted({line.strip() for line in lines if line.strip()})
    toks = [tokens(v) for v in variants]
    if len({tuple(t.raw for t in _solid(x)) for x in toks}) < 2:
        return None
    solids = [_solid(t) for t in toks]
    shortest = min(len(x) for x in solids)
    p = _common_prefix(solids)
    s = _common_prefix([x[::-1] for x in solids])
    s = min(s, shortest - p)
    free = ["".join(t.raw for t in x[p : len(x) - s]) for x in solids]
    if any(free):
        if (
            not all(free)
            or max(len(v) for v in free) > FREE_MAX
            or any(regex.search(r"[。！？；!?;]", v) for v in free)
        ):
            return None
    else:
        free = []
    kept = solids[0][:p] + solids[0][len(solids[0]) - s :]
    constant = sum(len(t.norm) for t in kept if t.kind == "")
    mean = sum(sum(len(t.raw) for t in x) for x in solids) / len(solids)
    if constant < MIN_CONSTANT or constant < MIN_CONSTANT_SHARE * mean:
        return None
    label = "".join(t.norm for t in kept if t.kind == "")
    if _FIELD.match(label) and kept and kept[-1].kind != "":
        return None
    # values each typed slot was seen with, indexed by the first variant's token positions
    seen: dict[int, list[str]] = {}
    first = toks[0]
    solid_index = [i for i, t in enumerate(first) if t.kind != "space"]
    for x in solids:
        for k in [*range(p), *range(len(x) - s, len(x))]:
            j = k if k < p else len(solids[0]) - (len(x) - k)
            if x[k].kind not in ("", "space"):
                seen.setdefault(solid_index[j], []).append(x[k].raw)
    pattern, shape = _render(first, p, s, free, seen)
    slots: list[tuple[str, tuple[str, ...]]] = []
    for index in sorted(seen):
        kind = first[index].kind
        slots.append((kind, tuple(dict.fromkeys(v[1:-1] if kind == NAME else v for v in seen[index]))))
    if free:
        slots.append((FREE, tuple(dict.fromkeys(free))))
    if not slots:  # the variants differ only in spacing or width: an exact line, not a template
        return None
    compiled = regex.compile(pattern, regex.IGNORECASE)
    if not all(compiled.search(v) for v in variants):  # never write a rule failing its own examples
        return None
    return Template(pattern, shape, tuple(slots), tuple(variants), constant)
