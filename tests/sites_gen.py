"""Generated mixed folders for template learning: invented sites stamp *templates* whose slots
change from file to file, on real body documents, among real hard negatives.

Twelve invented sites (none of their stamps is in the rule pack; five carry no ad keyword at
all) each stamp a share of 2–20% of the documents (at least three, so a 40-file folder still
holds every site three times). A document may pass through two sites (one's header, the
other's footer). Slots vary per document: names in 「」【】, numbers, domains, dates, IDs, and
short runs of text between fixed parts (``本资料由⟨…⟩会员群首发``).

The body of each document is a real one from ``data/boilerplate/body.jsonl`` (laws, reports,
essays, news, notices; each used once, then generated speeches, notices and reports; manual
pages only when asked, see :data:`MANUAL`), and real hard
negatives from ``data/boilerplate/negatives*.jsonl`` are put among the body lines — a pool of
them recurring at the first or last line of several documents, where learning is most
tempted. Every document knows which lines are stamps, so a test counts exactly what was
removed and what was lost.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from test_corpus_gen import GenDoc, _content

DATA = Path(__file__).resolve().parents[1] / "data" / "boilerplate"

Fill = Callable[[random.Random], dict[str, object]]


@dataclass(frozen=True)
class Site:
    """An invented site: its header and footer templates, how to fill them, its share."""

    name: str
    head: tuple[str, ...]
    tail: tuple[str, ...]
    fill: Fill
    share: float
    keyword: bool  # does any stamp hold an ad keyword (关注, 下载, 群, 转载 …)?


def _pick(*values: str) -> Callable[[random.Random], str]:
    return lambda rng: rng.choice(values)


_STAR = _pick("机关文稿", "材料君", "公文写作库", "笔耕不辍")
_NET = _pick("第一材料网", "青藤文档", "墨香文库", "文秘之家")
_GROUP = _pick("学习资料圈", "知文苑", "笔杆文库", "公考资料")
_DOMAIN = _pick("gwxz.net", "www.wmyz.cn", "mkfw.org", "docs.qtwd.com")
_SOURCE = _pick("写作素材站", "公文素材", "每日范文")
_TOPIC = _pick("安全生产", "乡村振兴", "营商环境", "党建", "教育", "生态环保")

SITES: tuple[Site, ...] = (
    Site("zsxq", (), ("本材料已收录于知识星球「{star}」，严禁二次转载",),
         lambda r: {"star": _STAR(r)}, 0.06, True),
    Site("users", ("【{net}】专注公文写作{years}年，累计服务{users}万用户",), (),
         lambda r: {"net": _NET(r), "years": r.randint(3, 15), "users": r.randint(20, 400)}, 0.05, True),
    Site("group", (), ("—— 本资料由{group}会员群首发，严禁倒卖 ——",),
         lambda r: {"group": _GROUP(r)}, 0.04, True),
    Site("download", (), ("下载更多精品文档请访问 {domain}",),
         lambda r: {"domain": _DOMAIN(r)}, 0.05, True),
    Site("follow", ("点击关注「{source}」，获取每日写作素材",), (),
         lambda r: {"source": _SOURCE(r)}, 0.03, True),
    Site("qinghe", ("青禾文汇 {year}年第{issue}辑",), ("青禾文汇 · 用心整理每一篇",),
         lambda r: {"year": r.randint(2018, 2025), "issue": r.randint(1, 24)}, 0.08, False),
    Site("moshi", ("墨石书屋 · 第{vol}卷 · {topic}专题",), (),
         lambda r: {"vol": r.randint(1, 60), "topic": _TOPIC(r)}, 0.02, False),
    Site("shiguang", (), ("拾光文档 | {topic}专题精选 | 第{n}期",),
         lambda r: {"topic": _TOPIC(r), "n": r.randint(1, 99)}, 0.05, False),
    Site("zhiyuan", ("知远范文网 更新于 {date}",), (),
         lambda r: {"date": f"{r.randint(2019, 2025)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"}, 0.04, False),
    Site("qq", (), ("资料交流群：{qq}，入群请备注「{net}」",),
         lambda r: {"qq": r.randint(10**7, 10**10), "net": _NET(r)}, 0.03, True),
    Site("wechat", ("微信搜索 {wx} 获取完整版范文",), (),
         lambda r: {"wx": r.choice(["wxfw2023", "gongwen88", "cailiao_666", "fanwen2024"])}, 0.02, True),
    Site("qingchuan", (), ("✦ 晴川文苑 ✦ {year}.{month:02d}",),
         lambda r: {"year": r.randint(2019, 2025), "month": r.randint(1, 12)}, 0.10, False),
)  # fmt: skip


def _jsonl(pattern: str) -> list[dict]:
    rows: list[dict] = []
    for path in sorted(DATA.glob(pattern)):
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return rows


MANUAL = "manual"
"""Manual pages repeat their own section headings (名称, 概述) and credits at every page's
edges: structure that repetition cannot tell from a stamp. They are left out of the bodies
unless asked for (``manuals=True``), and measured separately."""


def _bodies(manuals: bool) -> list[list[str]]:
    rows = [row for row in _jsonl("body*.jsonl") if manuals or row.get("genre") != MANUAL]
    return [[line for line in row["lines"] if line.strip()] for row in rows]


def _negatives() -> list[str]:
    return sorted({row["text"].strip() for row in _jsonl("negatives*.jsonl") if len(row["text"]) <= 80})


def stamped_docs(count: int, site: Site, rng: random.Random, taken: set[int]) -> list[int]:
    """Which documents a site stamps: its share of ``count``, at least three, among those
    whose header (or footer) no other site has taken."""
    free = [n for n in range(count) if n not in taken]
    return sorted(rng.sample(free, min(len(free), max(3, round(site.share * count)))))


def make_corpus(count: int, seed: int = 1, *, manuals: bool = False) -> list[GenDoc]:
    """``count`` documents: real bodies, real hard negatives, the sites' templated stamps."""
    rng = random.Random(seed)
    bodies = _bodies(manuals)
    rng.shuffle(bodies)
    negatives = _negatives()
    recurring = rng.sample(negatives, 24)  # each turns up at the edge of several documents
    heads: dict[int, list[str]] = {}
    tails: dict[int, list[str]] = {}
    for site in SITES:
        taken = set(heads) if site.head else set()
        taken |= set(tails) if site.tail else set()
        for doc in stamped_docs(count, site, rng, taken):
            values = site.fill(rng)
            if site.head:
                heads[doc] = [t.format(**values) for t in site.head]
            if site.tail:
                tails[doc] = [t.format(**values) for t in site.tail]
    kinds = ("speech", "notice", "report", "generic")
    docs: list[GenDoc] = []
    for n in range(count):
        body = bodies[n] if n < len(bodies) else _content(rng, kinds[n % 4], n)
        body = list(body)
        roll = rng.random()
        if roll < 0.25:
            body.insert(rng.randint(1, max(1, len(body) - 1)), rng.choice(negatives))
        elif roll < 0.40:
            line = rng.choice(recurring)
            body = [line, *body] if rng.random() < 0.5 else [*body, line]
        head, tail = heads.get(n, []), tails.get(n, [])
        lines = [*head, *([""] if head else []), *body, *([""] if tail else []), *tail]
        stamped = {i for i, line in enumerate(lines) if line and (line in head or line in tail)}
        docs.append(GenDoc(f"{n % 7}/d{n:05d}.txt", lines, stamped))
    return docs


def write_corpus(root: Path, docs: list[GenDoc]) -> None:
    """Each document as UTF-8 (every fifth as GB18030 where it can be)."""
    for i, doc in enumerate(docs):
        path = root / doc.name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "\n".join(doc.lines) + "\n"
        try:
            data = text.encode("gb18030" if i % 5 == 0 else "utf-8")
        except UnicodeEncodeError:
            data = text.encode("utf-8")
        path.write_bytes(data)
