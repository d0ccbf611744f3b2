"""Hard negatives: real content that uses ad words, short first lines, tiny documents.

Precision before recall: deleting one real sentence is a serious bug, so each case here
states exactly which input lines (1-based) must go and checks that all others stay.
"""

from __future__ import annotations

import pytest

from cleanse import Cleaner

CLEANER = Cleaner(placeholders="off")
NORMALIZE_ONLY = Cleaner(placeholders="off", keep_boilerplate=True)


def ad_lines(text: str) -> set[int]:
    """Input lines (1-based) the boilerplate stage removed (blank padding aside)."""
    doc = CLEANER.clean(text)
    return {r.line for r in doc.removed if r.text.strip() and not r.rule.startswith("whitespace.")}


NO_ADS = {
    "subscriptions": (
        "邮件列表使用说明\n\n我们建议用户订阅邮件列表，以便及时获取安全公告。\n"
        "不要将订阅（或退订）请求发送到邮件列表本身。\n"
    ),
    "qq-group-narrative": (
        "周末，几位同学在图书馆讨论课题进度。\n\n"
        "有人提议加入 QQ 群讨论，大家觉得这样沟通更方便，就建了一个群。\n\n后来课题顺利结题。\n"
    ),
    "copyright-law": (
        "版权所有\n\n根据著作权法，版权所有人享有复制权、发行权等权利。\n"
        "未经版权所有人许可，不得以营利为目的复制其作品。\n"
    ),
    "member-states": "会员国代表大会\n会员国一致通过了决议。\n会员大会将于明年五月召开。\n",
    "reference-in-report": (
        "一季度经济形势分析\n\n本季度主要指标好于预期。\n\n"
        "本报告中的预测数据仅供参考，实际情况以统计部门公布为准。\n"
    ),
    "short-first-line": "通知\n各单位：\n请于本周五前报送材料。\n",
    "short-last-lines": ("会议要求各单位认真落实。\n\n谢谢大家。\n\n市委组织部\n2020年5月1日\n"),
    "section-break": "第一段正文内容在这里结束。\n\n* * * * *\n\n第二段正文从这里开始。\n",
    "poem": "静夜思\n\n床前明月光\n疑是地上霜\n举头望明月\n低头思故乡\n",
    "technical": (
        "下载安装镜像\n\n您可以通过在 Debian 网站下载合适的文件来获取安装镜像。\n\n"
        "其它平台上有一些免费的 SSH 客户端。\n\nDebian 邮件列表存档，\n"
    ),
    "one-line-sentence": "会员大会于5月召开。\n",
    "one-line-title": "关于订阅报刊的通知\n",
    "traditional": "關於網路設定的說明\n\n各位同仁：\n為了方便大家使用新的網路設備，請依序操作。\n",
}


@pytest.mark.parametrize("text", NO_ADS.values(), ids=NO_ADS.keys())
def test_documents_without_ads_change_only_whitespace(text: str) -> None:
    assert ad_lines(text) == set()
    assert CLEANER.clean(text).text == NORMALIZE_ONLY.clean(text).text


EDGE_CASES = {
    # an ad touching the title: only the run from the edge to the last ad line goes
    "ad-above-title-no-blank": ("仅供学习 禁止外传\n关于做好防汛工作的通知\n各单位：\n请认真落实。\n", {1}),
    "ad-title-blank-body": ("会员群：  免费QQ群：\n关于做好防汛工作的通知\n\n各单位：\n请认真落实。\n", {1}),
    "ad-below-signature": (
        "会议要求各单位认真落实。\n\n谢谢大家。\n\n市委组织部\n2020年5月1日\n仅供学习 禁止外传\n",
        {7},
    ),
    "ad-touching-closing": ("会议要求各单位认真落实。\n会员群：  免费QQ群：\n谢谢大家。\n", {2}),
    "platform-in-ad-block": (
        "仅供学习 禁止外传\n墨香阁\n现在订阅立享全部资料\n\n\n正文第一段写在这里，内容很长。\n",
        {1, 2, 3},
    ),
    # next to the body, a keyword-free line after the last ad line may be a short title: kept
    "short-line-below-stamp-next-to-body": ("仅供学习 禁止外传\n第一部分\n\n正文第一段，内容完整。\n", {1}),
    "title-above-stamp-next-to-body": (
        "关于做好防汛工作的通知\n仅供学习 禁止外传\n\n各单位：\n请认真落实。\n",
        {2},
    ),
    # sellers add their lines around a document: a platform name on the outer side goes
    "brand-above-stamp-next-to-body": ("墨香阁\n仅供学习 禁止外传\n\n正文第一段，内容完整。\n", {1, 2}),
    # further out, the whole block goes: there the platform name goes with the ad lines
    "platform-in-outer-block": (
        "仅供学习 禁止外传\n墨香阁\n\n【打击倒卖行动】\n\n正文第一段，内容完整。\n",
        {1, 2, 4},
    ),
    "ads-only": ("仅供学习 禁止外传\n墨香阁\n\n【打击倒卖行动】\n会员群：  免费QQ群：\n", {1, 2, 4, 5}),
    "one-line-ad": ("仅供学习 禁止外传\n", {1}),
    # no body line at all: a table keeps its rows, only the ad line goes
    "table-without-body": (
        "2023年度预算表\n项目  金额\n办公费  100万\n差旅费  50万\n会员群：  免费QQ群：\n",
        {5},
    ),
    "separator-frame": ("正文第一段，内容完整。\n\n==========\n关注公众号：某某\n==========\n", {3, 4, 5}),
    "inline-between-paragraphs": ("正文第一段。\n\n现在订阅立享全部资料\n\n正文第二段。\n", {3}),
    "inline-framed-by-separators": (
        "正文第一段。\n\n==========\n现在订阅立享全部资料\n==========\n\n正文第二段。\n",
        {3, 4, 5},
    ),
    # a notice's own contact details under a seller's stamp: only the stamp goes
    "contact-details-above-stamp": (
        "请各单位认真落实。\n\n联系人：张三\n联系电话：010-12345678\n仅供学习 禁止外传\n",
        {5},
    ),
    "office-hours-next-to-ad-block": (
        "请各单位认真落实。\n\n联系人：张三\n工作时间：周一至周五\n\n仅供学习 禁止外传\n",
        {6},
    ),
    "brand-at-edge-touching-body": ("酷乐文行\n仅供学习 禁止外传\n正文第一段很长，内容完整。\n", {1, 2}),
    "title-at-edge-touching-ad": ("关于做好防汛工作的通知\n仅供学习 禁止外传\n各单位：\n请认真落实。\n", {2}),
}


@pytest.mark.parametrize(("text", "expected"), EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_exactly_these_lines_go(text: str, expected: set[int]) -> None:
    assert ad_lines(text) == expected


def test_nothing_but_ads_gives_empty_output_and_reports_every_line() -> None:
    text = "仅供学习 禁止外传\n墨香阁\n专注写作十年\n\n★★★★★\n【打击倒卖行动】\n会员群：  免费QQ群：\n"
    doc = CLEANER.clean(text)
    assert doc.text == ""
    reported = {r.line for r in doc.removed}
    assert reported == set(range(1, 8))
    assert {r.text for r in doc.removed if r.text.strip()} == {line for line in text.split("\n") if line}


def test_long_body_line_with_ad_words_is_kept() -> None:
    body = (
        "会议指出，有的平台打出“现在订阅立享前3年的所有权益和资料”的口号诱导消费，"
        "市场监管部门已经约谈了相关企业并责令整改。"
    )
    text = f"标题\n\n{body}\n"
    assert ad_lines(text) == set()


def test_long_line_goes_only_by_a_rule_that_allows_it() -> None:
    notice = (
        "声明：本网站尊重并保护知识产权，根据《信息网络传播权保护条例》，"
        "如果我们转载的作品侵犯了您的权利，请通知我们。"
    )
    text = f"正文第一段，内容完整。\n\n{notice}\n"
    doc = CLEANER.clean(text)
    assert [r.rule for r in doc.removed if r.text == notice] == ["ads.disclaimer.site-notice"]


def test_disclaimer_appended_to_a_paragraph_goes_as_a_span() -> None:
    para = "会议要求各单位认真落实各项部署，确保工作取得实效，按时报送进展情况。"
    aside = "本文来源于网络，如有侵权请联系删除。"
    doc = CLEANER.clean(f"标题\n\n{para}{aside}\n")
    assert doc.text.endswith(f"{para}\n")
    assert [(r.rule, r.text) for r in doc.removed if r.text.strip()] == [("ads.disclaimer.takedown", aside)]


def test_legal_text_about_infringement_is_kept() -> None:
    text = "第十条 如有侵权行为，依法追究责任。\n\n第十一条 侵权人应当承担赔偿责任。\n"
    assert ad_lines(text) == set()
    assert CLEANER.clean(text).text == NORMALIZE_ONLY.clean(text).text


def test_long_unknown_line_stops_block_removal() -> None:
    long_line = "这是一段没有标点但很长的文字用来说明块推理不会删除任何没有规则支持的长行内容真的很长"
    text = f"仅供学习 禁止外传\n{long_line}\n\n正文第一段，内容完整。\n"
    assert ad_lines(text) == {1}


def test_inline_aside_is_cut_and_the_sentence_stays() -> None:
    text = "会议取得圆满成功。（来源：某某网，更多资料请关注公众号某某）\n第二段。\n"
    doc = CLEANER.clean(text)
    assert doc.text.split("\n")[0] == "会议取得圆满成功。"
    cut = [r for r in doc.removed if r.rule == "ads.wechat.follow-aside"]
    assert [(r.line, r.text) for r in cut] == [(1, "（来源：某某网，更多资料请关注公众号某某）")]


def test_trailing_follow_clause_is_cut() -> None:
    doc = CLEANER.clean("工作取得新进展。更多资料请关注公众号某某。\n")
    assert doc.text == "工作取得新进展。\n"


def test_keep_boilerplate_keeps_ads() -> None:
    text = "仅供学习 禁止外传\n\n正文。\n"
    assert NORMALIZE_ONLY.clean(text).text == text


def test_title_with_a_weak_word_next_to_an_ad_block_is_kept() -> None:
    text = "仅供学习 禁止外传\n\n图书馆文库建设方案\n\n各单位：\n请认真落实。\n"
    assert ad_lines(text) == {1}


def test_platform_block_next_to_ad_block_goes() -> None:
    text = "墨香文库\n\n仅供学习 禁止外传\n\n\n正文第一段写在这里，内容很长。\n"
    doc = CLEANER.clean(text)
    assert {r.line: r.rule for r in doc.removed if r.text.strip()} == {
        1: "block:head:ads.dist.no-spread",
        3: "ads.dist.no-spread",
    }


def test_weak_evidence_overrules_a_comma_slogan_but_not_a_sentence() -> None:
    slogan = "专注公文写作十年，为您提供海量范文资料和每日更新"
    text = f"仅供学习 禁止外传\n{slogan}\n现在订阅立享全部资料\n\n防汛工作通知\n各单位：\n请认真落实。\n"
    assert ad_lines(text) == {1, 2, 3}
    sentence = "我们为您提供海量范文资料。"
    assert ad_lines(f"{sentence}\n\n正文第一段，内容完整。\n") == set()
