"""A generated corpus for the corpus-learning tests: invented platforms stamp their own
headers and footers (names and slogans, no ad keyword) on a share of documents.

Every document knows which of its lines are the platform's (``stamped``) and which are its
own (``body``), so a test can count exactly what learning removed and what it lost.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

PLATFORMS: dict[str, tuple[tuple[str, ...], tuple[str, ...], float]] = {
    # name: (header lines, footer lines, share of documents stamped)
    "qinghe": (("青禾文汇", "汇聚精品  共享智慧", "青禾文汇·用心整理每一篇"), ("青禾文汇 qinghe-wh",), 0.12),
    "moshi": (("墨石书屋 · 精选范文", "MoShi Docs {year}"), ("墨石书屋出品", "墨石书屋 与你同行"), 0.10),
    "zhiyuan": (("知远范文网  www.zhiyuan-fw.cn",), ("知远范文网 整理",), 0.08),
    "shiguang": ((), ("—— 拾光文档 ——", "拾光文档 · 让写作更轻松"), 0.09),
}

_SUBJECTS = ("我们", "各级党组织", "全市上下", "广大干部", "各部门", "基层单位", "领导班子", "党员干部")
_VERBS = ("要切实加强", "必须持续推进", "应当认真落实", "要进一步深化", "要全面提升", "要扎实做好")
_OBJECTS = (
    "理论学习和思想建设",
    "作风建设和纪律建设",
    "基层组织建设",
    "重点项目的推进落实",
    "民生保障和公共服务",
    "安全生产和风险防范",
    "干部队伍的能力建设",
    "改革创新和制度完善",
)
_ENDS = ("，确保各项工作落到实处。", "，不断开创工作新局面。", "，为高质量发展提供有力保障。", "。")
_TITLES = ("在{}工作会议上的讲话", "关于加强{}的实施意见", "{}工作总结", "{}情况汇报")
_TOPICS = ("全市党建", "安全生产", "乡村振兴", "营商环境", "教育", "卫生健康", "生态环保", "招商引资")
_HEADINGS = ("一、总体要求", "二、重点任务", "三、保障措施")
COMMON = "现将有关事项通知如下。"


@dataclass
class GenDoc:
    """One generated document: its lines, and which of them are the platform's."""

    name: str
    lines: list[str]
    stamped: set[int]

    @property
    def body(self) -> list[str]:
        return [line for i, line in enumerate(self.lines) if i not in self.stamped and line.strip()]

    @property
    def stamp_lines(self) -> list[str]:
        return [self.lines[i] for i in sorted(self.stamped)]


def _sentence(rng: random.Random, n: int) -> str:
    parts = [
        f"{rng.choice(_SUBJECTS)}{rng.choice(_VERBS)}{rng.choice(_OBJECTS)}" for _ in range(rng.randint(2, 4))
    ]
    return "，".join(parts) + f"，第{n}项工作" + rng.choice(_ENDS)


def _content(rng: random.Random, kind: str, n: int) -> list[str]:
    title = rng.choice(_TITLES).format(rng.choice(_TOPICS))
    if kind == "generic":
        title = "工作总结"  # a title many documents share: content, must survive
    paras = [_sentence(rng, n * 10 + i) for i in range(rng.randint(2, 5))]
    if kind == "speech":
        return [title, "同志们：", *paras, "谢谢大家。"]
    if kind == "notice":
        return [title, "各有关单位：", COMMON, *paras, "2023年5月12日"]
    lines = [title]
    for i, heading in enumerate(_HEADINGS[: rng.randint(1, 3)]):
        lines += [heading, paras[i % len(paras)]]
    return lines


def make_docs(count: int = 360, seed: int = 7) -> list[GenDoc]:
    """``count`` documents of several kinds; each platform stamps its share of them."""
    rng = random.Random(seed)
    kinds = ("speech", "notice", "report", "generic")
    docs: list[GenDoc] = []
    for n in range(count):
        lines = _content(rng, kinds[n % 4] if n % 13 else "generic", n)
        stamped: set[int] = set()
        roll = rng.random()
        for header, footer, share in PLATFORMS.values():
            if roll < share:
                year = rng.randint(2019, 2024)  # stamps may carry a number that varies
                head = [h.format(year=year) for h in header]
                top = [*head, ""] if head else []
                lines = top + lines + (["", *list(footer)] if footer else [])
                stamped = {i for i, line in enumerate(lines) if line and (line in head or line in footer)}
                break
            roll -= share
        docs.append(GenDoc(f"d{rng.randrange(10**6):06d}-{n:04d}.txt", lines, stamped))
    return docs


def write_docs(root: Path, docs: list[GenDoc]) -> None:
    """Write each document as UTF-8 (some as GB18030, as real corpora mix encodings)."""
    root.mkdir(parents=True, exist_ok=True)
    for i, doc in enumerate(docs):
        text = "\n".join(doc.lines) + "\n"
        (root / doc.name).write_bytes(text.encode("gb18030" if i % 5 == 0 else "utf-8"))


def test_generated_stamps_carry_no_ad_keyword_the_default_rules_know() -> None:
    """Learning, not the built-in rules, must be what removes the invented platforms' lines.

    A weak rule (a bare ``…范文网`` site name) may match: weak evidence alone removes nothing.
    """
    from cleanse.matching.matcher import RuleMatcher
    from cleanse.rules import load_rules

    rules = load_rules().for_stage("boilerplate")
    matcher = RuleMatcher(tuple(r for r in rules if r.strength == "strong" and r.action != "score"))
    docs = make_docs()
    stamps = {line for doc in docs for line in doc.stamp_lines}
    assert len(stamps) >= 12 and not [line for line in stamps if matcher.first(line)]
    stamped = sum(1 for doc in docs if doc.stamped)
    assert 0.3 * len(docs) < stamped < 0.5 * len(docs)
