"""A labelled set of ad headers/footers built from generated combinations.

Every category of research/boilerplate.md, other platforms than the sample's, separators,
full-width padding, Traditional Chinese, ads between paragraphs and appended to them. Each
generated document knows which of its input lines are ads, so the test checks both ways:
every ad line goes, every body line stays (in order), and a second run changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pytest

from cleanse import Cleaner

# Lines that are ads by themselves (a strong rule must fire), per category.
STRONG = {
    "distribution": [
        "仅供学习 禁止外传",
        "僅供學習\u3000禁止外傳",
        "内部资料，请勿外传",
        "未经允许不得转载",
        "（仅供参考）",
    ],
    "subscription": [
        "现在订阅立享全部资料",
        "開通會員即享全站資料",
        "本文为会员专享内容",
        "请先登录",
        "订阅后阅读全文",
    ],
    "contact": [
        "会员群：\u3000\u3000\u3000\u3000免费QQ群：",
        "客服微信：wenku_2024",
        "扫码加群领取更多范文",
        "微信号：abc_12345",
        "客服电话：400-123-4567",
        "會員群：　　　　免費ＱＱ群：",
    ],
    "anti-resale": [
        "【打击倒卖行动】",
        "举报倒卖本站资料者，举报成功奖励一年会员！",
        "如果您是从他人处购买的本资料，请申请退款并举报",
        "【嚴打倒賣活動】",
    ],
    "wechat": ["点击上方蓝字关注我们", "关注公众号：公文写作宝典", "往期精彩", "星標公眾號，不錯過推送"],
    "docshare": [
        "文档名称：年度工作总结.docx",
        "下载后只包含 1 个 DOC 格式的文档",
        "由会员上传分享，免费在线阅读",
    ],
    "disclaimer": ["本文内容仅供学习参考，如有侵权请联系删除", "声明：本网站尊重并保护知识产权"],
    "footer": [
        "京ICP备12345678号-1",
        "Copyright © 2015-2024 范文大全 版权所有",
        "违法和不良信息举报电话：12377",
    ],
}
# Lines no keyword gives away: removable only inside a block that is plainly promotional.
PLATFORMS = ["墨香阁", "笔耕坊", "青云书斋", "智写", "筆耕坊"]
SLOGANS = ["专注写作十年", "您身边的写作助手", "品质源于专业", "專注寫作十年"]
SEPARATORS = ["==========", "★★★★★★", "————————", "＊＊＊＊＊＊＊＊", "- - - - - -"]
# Site names with a weak cue (…文库, …资料网): may sit anywhere in an ad run.
SITES = ["墨香文库", "公文资料网", "範文資料網"]
# A signature and date closing an official text: content, even though short.
SIGNATURE = ["中共某某市委组织部", "2020年5月1日"]
# Strong lines whose rules reach into the body (zone anywhere): ads between paragraphs.
INLINE = [
    "仅供学习 禁止外传",
    "现在订阅立享全部资料",
    "【打击倒卖行动】",
    "会员群：  免费QQ群：",
    "扫码加群领取更多范文",
]
# Asides appended to a paragraph: cut as spans, the sentence before them stays.
ASIDES = [
    "（来源：某某网，更多资料请关注公众号某某）",
    "本文来源于网络，如有侵权请联系删除。",
    "（更多范文请關注公眾號：某某）",
]

BODIES = [
    [
        "关于加强基层党建工作的讲话",
        "同志们：",
        "今天我们召开这次会议，主要任务是总结去年的工作，部署今年的任务。",
        "一、统一思想，提高认识",
        "基层党建是党的全部工作和战斗力的基础，必须抓紧抓实，久久为功。",
        "谢谢大家。",
    ],
    [
        "第一部分",
        "本季度全市经济运行总体平稳，主要指标好于预期，就业形势保持稳定。",
        "工业生产稳步回升，规模以上工业增加值同比增长百分之五。",
        "本报告中的预测数据仅供参考，实际情况以统计部门公布为准。",
    ],
    [
        "会员大会纪要",
        "本次会员大会审议通过了章程修正案，各会员国代表一致同意。",
        "我们建议用户订阅邮件列表，以便及时获取安全公告和更新信息。",
        "有同学提议加入 QQ 群讨论，大家觉得这个办法很方便，就照做了。",
        "根据著作权法，版权所有人享有复制权、发行权等多项权利。",
    ],
    [
        "使用 apt-get install foo 命令可以安装软件包，安装完成后需要重新登录系统。",
        "如果下载失败，请检查网络连接和软件源的配置，然后再试一次。",
        "系统会自动更新软件包列表。",
    ],
    [
        "關於網路設定的說明",
        "各位同仁：",
        "為了方便大家使用新的網路設備，資訊室整理了以下設定步驟，請依序操作。",
        "如有問題，請在上班時間聯繫資訊室，我們會盡快協助處理。",
    ],
]


@dataclass
class Case:
    """One generated document and its labels (0-based line indexes)."""

    lines: list[str] = field(default_factory=list)
    ads: set[int] = field(default_factory=set)
    body: list[int] = field(default_factory=list)
    asides: dict[int, tuple[str, str]] = field(default_factory=dict)

    def add(self, line: str, *, ad: bool = False, body: bool = False) -> None:
        if ad:
            self.ads.add(len(self.lines))
        if body:
            self.body.append(len(self.lines))
        self.lines.append(line)


def _pad(rng: random.Random, line: str) -> str:
    """Full-width or ASCII padding around an ad line, as sellers centre them."""
    left = rng.choice(["", "\u3000\u3000", "  "])
    right = rng.choice(["", "\u3000", " \t"])
    return left + line + right


def _ad_block(rng: random.Random, *, inner: str | None) -> list[str]:
    """1-3 strong lines with platform names / slogans mixed in (at least one strong line).

    ``inner`` marks the block next to the body ("end" above it, "start" below it). There a
    keyword-free line outside the run of ad lines could be the document's own short title,
    and cleanse keeps it (precision first; see test_boilerplate_blocks), so the generator
    puts such lines only where a seller's block would: between ad lines, or on the outer
    side (above a header's ad lines, below a footer's). The labels stay the truth.
    """
    cats = rng.sample(sorted(STRONG), rng.randint(1, 3))
    block = [rng.choice(STRONG[c]) for c in cats]
    for extra in rng.sample(PLATFORMS + SLOGANS, rng.randint(0, 2)):
        if inner is None:
            block.insert(rng.randint(0, len(block)), extra)
        elif inner == "end":
            block.insert(rng.randint(0, len(block) - 1), extra)
        elif inner == "start":
            block.insert(rng.randint(1, len(block)), extra)
    return [_pad(rng, line) for line in block]


def _ad_zone(rng: random.Random, case: Case, *, header: bool) -> None:
    count = rng.randint(1, 2)
    for b in range(count):
        nearest = b == count - 1 if header else b == 0
        if rng.random() < 0.4:
            case.add(rng.choice(SEPARATORS), ad=True)
        inner = ("end" if header else "start") if nearest else None
        for line in _ad_block(rng, inner=inner):
            case.add(line, ad=True)
        if b == 0 and rng.random() < 0.3:
            case.add(rng.choice(SEPARATORS), ad=True)
        case.add("")


def _touching_run(rng: random.Random) -> list[str]:
    """Ad lines written directly against the body (no blank line): strong lines and site names."""
    run = [rng.choice(STRONG[c]) for c in rng.sample(sorted(STRONG), rng.randint(1, 2))]
    if rng.random() < 0.5:
        run.insert(rng.randint(0, len(run)), rng.choice(SITES))
    return [_pad(rng, line) for line in run]


def generate(seed: int) -> Case:
    """A document: optional header, a body (maybe with inline ads and asides), optional footer.

    A quarter of the headers and footers touch the body without a blank line.
    """
    rng = random.Random(seed)
    case = Case()
    header, footer = rng.random() < 0.8, rng.random() < 0.6
    touch_head, touch_foot = rng.random() < 0.25, rng.random() < 0.25
    if header and touch_head:
        for line in _touching_run(rng):
            case.add(line, ad=True)
    elif header:
        _ad_zone(rng, case, header=True)
        case.add("")
    body = list(rng.choice(BODIES))
    if rng.random() < 0.3:
        body += SIGNATURE
    for k, line in enumerate(body):
        long_enough = len(line) >= 20 and line.endswith("。")
        if long_enough and rng.random() < 0.15:
            aside = rng.choice(ASIDES)
            case.asides[len(case.lines)] = (line, aside)
            line += aside
        case.add(line, body=True)
        if 0 < k < len(body) - 1 and rng.random() < 0.15:
            case.add("")
            case.add(_pad(rng, rng.choice(INLINE)), ad=True)
        if rng.random() < 0.5 and not (touch_foot and k == len(body) - 1):
            case.add("")
    if footer and touch_foot:
        for line in _touching_run(rng):
            case.add(line, ad=True)
    elif footer:
        case.add("")
        _ad_zone(rng, case, header=False)
    return case


CASES = [generate(seed) for seed in range(300)]
CLEANER = Cleaner(placeholders="off")


@pytest.mark.parametrize("case", CASES, ids=[f"seed{n}" for n in range(len(CASES))])
def test_generated_document(case: Case) -> None:
    doc = CLEANER.clean("\n".join(case.lines) + "\n")
    kept = [n - 1 for n, line in zip(doc.line_origins(), doc.lines, strict=True) if line.strip()]
    assert kept == case.body, "exactly the body lines are kept, in order"
    for i, (original, aside) in case.asides.items():
        out = dict(zip(doc.line_origins(), doc.lines, strict=True))[i + 1]
        assert out == original, "the sentence before the aside stays intact"
        assert any(r.line == i + 1 and r.text == aside for r in doc.removed)
    removed = {r.line - 1 for r in doc.removed if r.text.strip() and r.text not in ASIDES}
    assert removed == case.ads
    again = CLEANER.clean(doc.text)
    assert again.text == doc.text and not again.removed


def test_generated_set_covers_every_category() -> None:
    text = "\n".join(line for case in CASES for line in case.lines)
    for cat, lines in STRONG.items():
        assert any(line in text for line in lines), cat
    assert any(case.asides for case in CASES)
    assert sum(1 for c in CASES if not c.ads) >= 5, "some documents have no ads at all"
