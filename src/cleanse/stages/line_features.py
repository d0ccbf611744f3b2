"""What the boilerplate scorer sees of a line: readable feature names, one home for training and use.

The scorer (:mod:`.scorer`) is a linear model over these features, and
``tools/train_boilerplate.py`` trains it from the same functions, so what is learned is what
runs. Every feature is a short readable name, so a decision explains itself by its largest
contributions (``cue:follow``, ``ng:公众号``, ``pos:top0``). Four kinds, after what the field
knows about boilerplate (shallow features plus position and neighbours):

- **n-grams** (``ng:…``): characters 1–3 of the line without whitespace, digit runs as ``0``,
  Latin lowercased, URLs and domains as ``@``, with ``^``/``$`` marking the line's ends;
- **cue families** (``cue:…``): what the words *do* — ask to follow, name a channel, call to
  act, claim rights, sell, navigate, credit, name a download site, a site footer, restrict use;
- **shape** (``len:…``, ``end:…``, ``body:…``, ``has:…``, ``cjk:…``): length, how the line
  ends, whether it reads as body (:func:`~.blocks.content_evidence`), URLs, IDs, phones,
  decorations, brackets;
- **position, block and neighbours** (``pos:…``, ``block:…``, ``blk:…``, ``prev:…``, ``next:…``):
  distance from the first and last non-blank line, the run of lines it sits in, and what the
  lines around it look like.

The first three depend on the line's text alone (:func:`text_features`, cached by callers:
ad lines repeat across documents); the last depends on the document (:func:`context_features`).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache

import regex

from .blocks import content, content_evidence

NGRAM_MAX = 3
NGRAM_REF = 60
BLOCK_MAX = 8
CUE_SHORT = 40
# Lines longer than this are never scored: boilerplate lines are short, and n-grams of a long
# paragraph cost time for nothing.
MAX_SCORED_CHARS = 200

_URL = regex.compile(
    r"(?:https?://|www\.)[A-Za-z0-9._~:/?#@!$&'*+=%-]+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org|cc|top|xyz|info|io|me|tw|hk)\b",
    regex.IGNORECASE,
)
_DIGITS = regex.compile(r"\d+")
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_ID = regex.compile(r"(?<!\d)\d{5,12}(?!\d)")
_PHONE = regex.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|400-?\d{3}-?\d{4})(?!\d)")
_YEAR = regex.compile(r"(?:19|20)\d\d")
_DECO = regex.compile(r"[★☆◆◇■□●○▲△▼▽♥❤✦✧→←↑↓▶►◀◄✿❀✪♦☞☛✔✘※〓▌▍▎｜|]")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}")
_HAN = regex.compile(r"\p{Han}")
_LABEL = regex.compile(r"^[\p{Han}A-Za-z]{1,8}\s*[:：]")


def _words(text: str) -> str:
    """A space-separated word list as one alternation."""
    return "|".join(text.split())


# The words of each cue family (patterns of the `regex` module), Simplified and Traditional.
CUES: dict[str, str] = {
    "follow": _words(
        "关注 關注 订阅 訂閱 追踪 追蹤 星标 星標 置顶 置頂 扫码 掃碼 扫一扫 掃一掃 长按 長按 "
        "二维码 二維碼 蓝字 藍字 粉丝 粉絲 按讚 点个赞 點個讚 一键三连 三連"
    ),
    "channel": _words(
        "公众号 公眾號 微信 [Qq][Qq] 群 星球 微博 抖音 快手 [Bb]站 小红书 小紅書 视频号 "
        "視頻號 头条 頭條 知乎 小程序 [Aa][Pp][Pp] 客户端 客戶端 [Tt]elegram LINE 臉書 脸书 "
        "粉专 粉專 [Yy]ou[Tt]ube 社群 社区 社區"
    ),
    "action": _words(
        "点击 點擊 回复 回覆 私信 加入 添加 进群 進群 入群 领取 領取 获取 獲取 下载 下載 转发 "
        "轉發 分享 点赞 點讚 在看 收藏 评论 評論 留言 扫描 掃描 报名 報名 咨询 諮詢 戳 访问 "
        "訪問 登录 登錄 注册 註冊 备注 備註"
    ),
    "rights": _words(
        "版权 版權 著作权 著作權 转载 轉載 侵权 侵權 授权 授權 原创 原創 所有 保留 声明 聲明 "
        "禁止 严禁 嚴禁 未经 未經 出处 出處 许可 許可 © [Cc]opyright [Rr]ights"
    ),
    "commerce": _words(
        "店铺 店鋪 淘宝 淘寶 天猫 優惠 优惠 折扣 特价 特價 包邮 包郵 售后 售後 下单 下單 价格 "
        "價格 [￥¥] 会员 會員 [Vv][Ii][Pp] 付费 付費 课程 課程 训练营 訓練營 限时 限時 秒杀 "
        "秒殺 团购 團購 券 返现 客服 购买 購買"
    ),
    "navigation": _words(
        "往期 推荐 推薦 相关阅读 相關閱讀 阅读原文 閱讀原文 上一篇 下一篇 上一章 下一章 返回 "
        "首页 首頁 目录 目錄 更多 精彩 热门 熱門 网站地图 網站地圖 导航 導航 回到顶部 "
        "回到頂部"
    ),
    "credit": _words(
        "责任编辑 責任編輯 编辑 編輯 来源 來源 作者 原文 转自 轉自 整理 校对 校對 审核 審核 "
        "排版 图片 圖片 摄影 攝影 撰文 供稿 投稿 记者 記者 通讯员 通訊員 出品 策划 策劃 本文 "
        "本期"
    ),
    "site": _words(
        "网 網 站 文库 文庫 文档 文檔 资料 資料 范文 範文 平台 论坛 論壇 小说 小說 书城 書城 "
        "博客 专栏 專欄 [Ww][Ww][Ww] @"
    ),
    "footer": _words(
        "ICP 备案 備案 公网安备 公網安備 许可证 許可證 联系我们 聯繫我們 聯絡我們 关于我们 "
        "關於我們 隐私 隱私 免责 免責 举报 舉報 不良信息 工作时间 工作時間 投诉 投訴 意见反馈 "
        "意見反饋"
    ),
    "restrict": _words(
        "仅供 僅供 学习 學習 参考 參考 交流 外传 外傳 删除 刪除 24小时 24小時 商业用途 "
        "商業用途 请勿 請勿 不得 谢绝 謝絕"
    ),
}
_CUE_RE = {name: regex.compile(pattern) for name, pattern in CUES.items()}
# Families whose words ask the reader to do something or mark a page's chrome: a neighbour
# holding one is evidence that the line sits in a promotional block (one joined search).
_AD_FAMILIES = ("follow", "channel", "action", "rights", "commerce", "navigation", "footer", "restrict")
_AD_CUE = regex.compile("|".join(CUES[name] for name in _AD_FAMILIES))
_ANY_CUE = regex.compile("|".join(CUES.values()))

_LEN_BUCKETS = (
    (4, "1-4"),
    (8, "5-8"),
    (15, "9-15"),
    (25, "16-25"),
    (40, "26-40"),
    (60, "41-60"),
    (100, "61-100"),
)
_RANKS = ((0, "0"), (1, "1"), (2, "2"), (4, "3-4"), (9, "5-9"))
_SENTENCE_END = "。！？!?"
_CLOSERS = "”’」』）)】]\"'》"


def _fold_table() -> dict[int, str]:
    """Half-width punctuation as full width, full-width letters and digits as ASCII, every
    straight or curly quote as one: the forms the punctuation stage moves between."""
    table = {ord(a): b for a, b in zip("!(),:;?", "！（），：；？", strict=True)}
    table |= {c: chr(c - 0xFEE0) for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()}
    table |= {ord(q): '"' for q in "“”＂"} | {ord(q): "'" for q in "‘’＇"}
    return table


_FOLD = _fold_table()
_ELLIPSIS = regex.compile(r"\.{3,}|。{3,}|…+")


def normalize(text: str) -> str:
    """The line as its n-grams see it: no whitespace, URLs and domains ``@``, digit runs ``0``,
    Latin lowercased. Names and numbers vary from site to site; their shape does not.

    Punctuation is folded (:func:`_fold_table`) so that a line scores the same before and after
    the punctuation stage normalizes it: cleaning cleaned text must change nothing.
    """
    text = _URL.sub("@", content(text)).translate(_FOLD)
    return _DIGITS.sub("0", _ELLIPSIS.sub("…", text)).lower()


def ngrams(text: str) -> list[str]:
    """``ng:`` features of a normalized line, with ``^`` and ``$`` marking its ends."""
    padded = f"^{text}$"
    n = len(padded)
    out = []
    for size in range(1, NGRAM_MAX + 1):
        out += ["ng:" + padded[i : i + size] for i in range(n - size + 1)]
    return out


def cue_families(text: str) -> tuple[str, ...]:
    """The cue families whose words occur in the line, in :data:`CUES` order."""
    return tuple(name for name, pattern in _CUE_RE.items() if pattern.search(text) is not None)


def _bucket(n: int, buckets: Sequence[tuple[int, str]], last: str) -> str:
    return next((name for limit, name in buckets if n <= limit), last)


def _ending(visible: str) -> str:
    stripped = visible.rstrip(_CLOSERS)
    if not stripped:
        return "closer"
    last = stripped[-1]
    if last in _SENTENCE_END:
        return "sentence"
    if last in "：:":
        return "colon"
    if last in "，,；;、":
        return "comma"
    if last.isdigit():
        return "digit"
    if _HAN.match(last):
        return "han"
    if last.isascii() and last.isalpha():
        return "latin"
    return "other"


def shape_features(line: str) -> list[str]:
    """Length, ending, body-likeness, what the line holds (URL, ID, phone …) and its script mix.

    Judged on the folded text (see :func:`normalize`), so they do not move when the
    punctuation stage turns ``!`` into ``！``.
    """
    visible = content(line).translate(_FOLD)
    n = len(visible)
    feats = [
        "len:" + _bucket(n, _LEN_BUCKETS, "100+"),
        "end:" + _ending(visible),
        "body:" + (content_evidence(visible) or "none"),
    ]
    han = len(_HAN.findall(visible))
    share = han / n if n else 0.0
    feats.append(
        "cjk:" + ("<30%" if share < 0.3 else "<60%" if share < 0.6 else "<90%" if share < 0.9 else "90%+")
    )
    checks = (
        ("url", _URL),
        ("email", _EMAIL),
        ("id", _ID),
        ("phone", _PHONE),
        ("year", _YEAR),
        ("deco", _DECO),
        ("emoji", _EMOJI),
        ("label", _LABEL),
    )
    feats += ["has:" + name for name, pattern in checks if pattern.search(line) is not None]
    for name, chars in (("lenticular", "【】"), ("corner", "「」『』"), ("book", "《》"), ("quote", '“”"')):
        if any(c in visible for c in chars):
            feats.append("has:" + name)
    if visible[:1] in "【[（(「『<《":
        feats.append("has:opens-bracket")
    commas = visible.count("，") + visible.count(",")
    feats.append("commas:" + ("0" if commas == 0 else "1" if commas == 1 else "2+"))
    return feats


def text_features(line: str) -> list[str]:
    """Every feature that depends on the line's text alone (n-grams, cues, shape).

    Cue families are told apart by line length (``cue:`` up to ``CUE_SHORT`` visible
    characters, ``cue-long:`` beyond): a paragraph names a website, an author and a download
    in passing, and many families in a long line say little.
    """
    cues = cue_families(line)
    prefix = "cue:" if len(content(line)) <= CUE_SHORT else "cue-long:"
    count = "0" if not cues else "1" if len(cues) == 1 else "2" if len(cues) == 2 else "3+"
    feats = ngrams(normalize(line)) + [prefix + name for name in cues] + shape_features(line)
    feats.append(prefix.replace("cue", "cues") + count)
    return feats


def has_cue(text: str) -> bool:
    """Does the text hold a word of any cue family (see :data:`CUES`)?"""
    return _ANY_CUE.search(text) is not None


@lru_cache(maxsize=16384)
def neighbour_summary(line: str) -> tuple[str, ...]:
    """What a line tells its neighbours, as feature suffixes: ``body`` or ``short`` (by its
    shape), ``long`` (over 40 characters), each ad cue family it holds (``follow`` …) and
    ``deco``.

    Cached: the lines around an ad line are often ad lines, and they repeat across files.
    """
    visible = content(line).translate(_FOLD)
    out = ["body" if content_evidence(visible) is not None else "short"]
    if len(visible) > CUE_SHORT:
        out.append("long")
    if _AD_CUE.search(line) is not None:
        out += [name for name in _AD_FAMILIES if _CUE_RE[name].search(line) is not None]
    if _DECO.search(visible) is not None:
        out.append("deco")
    return tuple(out)


def context_features(index: int, lines: Sequence[str], nonblank: Sequence[int]) -> list[str]:
    """Position among the non-blank lines, the block around the line, and what the nearest
    non-blank lines look like (their :func:`neighbour_summary`, cached by line).

    ``nonblank``: indexes of the document's non-blank lines, in order; ``index`` is one of them.
    """
    rank = bisect_left(nonblank, index)
    count = len(nonblank)
    feats = [
        "pos:top" + _bucket(rank, _RANKS, "10+"),
        "pos:bottom" + _bucket(count - 1 - rank, _RANKS, "10+"),
    ]
    if count <= 3:
        feats.append("pos:tiny-doc")
    first = last = rank  # the block: the run of non-blank lines holding this one
    while first > 0 and nonblank[first - 1] == nonblank[first] - 1:
        first -= 1
    while last < count - 1 and nonblank[last + 1] == nonblank[last] + 1:
        last += 1
    size = last - first + 1
    feats.append("block:" + ("1" if size == 1 else "2-3" if size <= 3 else "4-8" if size <= 8 else "9+"))
    if size > 1:
        feats.append("block:first" if rank == first else "block:last" if rank == last else "block:inner")
    if 1 < size <= BLOCK_MAX:  # the other lines of a short block: a footer's lines vouch for each other
        seen: set[str] = set()
        for k in range(first, last + 1):
            if k != rank:
                j = nonblank[k]
                seen.update(neighbour_summary(lines[j]))
        feats += sorted("blk:" + x for x in seen)
    for side, step in (("prev", -1), ("next", 1)):
        k = rank + step
        if k < 0 or k >= count:
            feats.append(f"{side}:edge")
            continue
        j = nonblank[k]
        if abs(j - index) > 1:
            feats.append(f"{side}:gap")
        feats += [f"{side}:{x}" for x in neighbour_summary(lines[j])]
    return feats


def feature_values(features: Sequence[str]) -> dict[str, float]:
    """Each distinct feature with its value: 1.0, except n-grams of long lines.

    A line's n-grams all add to its score, so a paragraph would collect the many weak
    n-grams of ad lines by its length alone (我, 文, 读, 点 …). Past ``NGRAM_REF`` n-grams
    (a line of about 20 characters) their value shrinks with the square root of their number,
    as a length-normalized vector's would; short lines, where ads live, are untouched.
    """
    values = dict.fromkeys(features, 1.0)
    grams = sum(1 for f in values if f.startswith("ng:"))
    if grams > NGRAM_REF:
        scale = math.sqrt(NGRAM_REF / grams)
        for f in values:
            if f.startswith("ng:"):
                values[f] = scale
    return values


def scorable(line: str) -> bool:
    """Is the line scored at all: not blank, at most ``MAX_SCORED_CHARS`` long?"""
    return len(line) <= MAX_SCORED_CHARS and bool(line.strip())


def document_features(lines: Sequence[str]) -> list[list[str] | None]:
    """Features of every non-blank, scorable line of a document (None for the others).

    Used by training and evaluation; the stage computes the same features line by line
    (:class:`~.scorer.DocumentScorer`), only for the lines it needs.
    """
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    out: list[list[str] | None] = [None] * len(lines)
    for i in nonblank:
        if scorable(lines[i]):
            out[i] = text_features(lines[i]) + context_features(i, lines, nonblank)
    return out
