"""Units of the boilerplate stage: body-likeness, blocks, title protection, rule grouping."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleanse import Cleaner, load_rules
from cleanse.stages.blocks import blocks, body_bounds, is_body_like, protect_title
from cleanse.stages.boilerplate_matchers import BoilerplateMatchers, line_hits
from cleanse.stages.zones import plan_line_drops

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "line",
    [
        "同志们：",
        "尊敬的各位领导、各位来宾：",
        "2020年5月1日",
        "谢谢大家。",
        "其他志愿者的关注是非常稀缺的资源。",
        "在“七一”前夕，我们召开全市离退休干部党建工作经验交流会，十分重要",
        "这是一行很长的文字没有任何标点但是长度已经超过了五十个可见字符所以它一定是正文内容而不是广告行的样子吧",
    ],
)
def test_body_like(line: str) -> None:
    assert is_body_like(line)


@pytest.mark.parametrize(
    "line",
    [
        "酷乐文行",
        "自建平台、实时分享",
        "根据实际需求和形式任务不断迭代",
        "会员群：                      免费QQ群：",
        "现在订阅立享前3年的所有权益和资料",
        "在全市离退休干部党建工作经验交流会上的讲话",
        "★★★★★",
        "",
    ],
)
def test_not_body_like(line: str) -> None:
    assert not is_body_like(line)


def test_rule_strength_beats_body_likeness() -> None:
    line = "举报倒卖会员资料的人，举报成功免费赠送一年会员材料！"
    assert is_body_like(line), "by shape it is a sentence"
    text = f"{line}\n\n正文第一段，内容完整。\n"
    doc = Cleaner(placeholders="off").clean(text)
    assert [(r.rule, r.line) for r in doc.removed if r.text.strip()] == [("ads.resale.report-reward", 1)]


def test_blocks_split_on_blank_lines_and_separators() -> None:
    lines = ["a", "b", "", "==", "c", "", "", "d"]
    assert blocks(lines, lambda i: lines[i] == "==") == [(0, 1), (4, 4), (7, 7)]


def test_title_touching_the_body_is_body() -> None:
    lines = ["仅供学习", "", "短标题", "同志们：", "正文。"]
    body = [is_body_like(x) for x in lines]
    protect_title(lines, body, lambda i: i == 0)
    assert body_bounds(body) == (2, 4)


def test_brand_name_above_a_blank_is_not_a_title() -> None:
    lines = ["仅供学习", "酷乐文行", "", "同志们："]
    body = [is_body_like(x) for x in lines]
    protect_title(lines, body, lambda i: i == 0)
    assert body_bounds(body) == (3, 3)


def test_no_body_makes_every_line_head_and_tail() -> None:
    assert body_bounds([False, False]) == (2, -1)


def test_block_reason_names_zone_and_trigger() -> None:
    rules = load_rules().for_stage("boilerplate")
    matchers = BoilerplateMatchers.build(rules, 2.0)
    lines = ["正文第一段，内容完整。", "", "仅供学习 禁止外传", "", "墨香阁", "【打击倒卖行动】"]
    drops = plan_line_drops(lines, [line_hits(x, matchers) for x in lines])
    assert drops == {2: "ads.dist.no-spread", 4: "block:tail:ads.resale.campaign", 5: "ads.resale.campaign"}


def test_block_touching_the_body_keeps_what_follows_its_last_ad_line() -> None:
    rules = load_rules().for_stage("boilerplate")
    matchers = BoilerplateMatchers.build(rules, 2.0)
    lines = ["【打击倒卖行动】", "墨香文库", "第一部分", "", "正文第一段，内容完整。"]
    drops = plan_line_drops(lines, [line_hits(x, matchers) for x in lines])
    assert drops == {0: "ads.resale.campaign", 1: "block:head:ads.resale.campaign"}


def test_each_zone_group_is_screened_once_per_line() -> None:
    """Every rule is either indexed by its required literal keys or behind the group's one combined regex."""
    rules = load_rules().for_stage("boilerplate")
    matchers = BoilerplateMatchers.build(rules, 2.0)
    assert matchers.lines["edges"].rules and matchers.lines["anywhere"].rules
    for zone, matcher in [*matchers.lines.items(), ("spans", matchers.spans)]:
        plan = matcher.plan
        indexed = {n for ns in plan.index.values() for n in ns}
        assert indexed | set(plan.rest) == set(range(len(matcher.rules))), zone
        assert not plan.rest or plan.rest_screen is not None, f"{zone}: rest rules are not combined"
        assert len(indexed) >= len(matcher.rules) // 2, f"{zone}: most rules should be indexed"


def test_default_pack_covers_every_category_with_examples() -> None:
    rules = load_rules().for_stage("boilerplate")
    cats = {r.category for r in rules}
    expected = {"distribution", "subscription", "contact", "anti-resale", "wechat", "docshare"}
    assert expected | {"disclaimer", "footer", "separator"} <= cats
    for rule in rules:
        assert rule.examples_match and rule.examples_keep, rule.id
    files = {Path(r.source).name for r in rules}
    assert len(files) >= 9, "one rule file per category"


def test_user_rule_for_a_platform_name(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text(
        "[[rule]]\n"
        'id = "mine.platform"\n'
        'stage = "boilerplate"\n'
        'why = "Our corpus seller\'s brand."\n'
        "pattern = '^墨香阁$'\n"
        'zone = "edges"\n'
        'examples.match = ["墨香阁"]\n'
        'examples.keep = ["墨香阁的历史"]\n',
        encoding="utf-8",
    )
    text = "墨香阁\n专注写作十年\n\n仅供学习 禁止外传\n\n正文第一段，内容完整。\n"
    assert Cleaner(placeholders="off").clean(text).text.startswith("墨香阁\n专注写作十年\n")
    doc = Cleaner(rules=[user], placeholders="off").clean(text)
    assert doc.text == "正文第一段，内容完整。\n"
    assert {r.rule for r in doc.removed if r.text.strip()} == {
        "mine.platform",
        "block:head:mine.platform",
        "ads.dist.no-spread",
    }


def test_disabling_a_rule_by_id(tmp_path: Path) -> None:
    text = "会员群：  免费QQ群：\n\n正文第一段，内容完整。\n"
    # the scorer would take the line on its own evidence; off too, nothing else removes it
    doc = Cleaner(placeholders="off", rules=load_rules(disable=["ads.qq-group", "model.boilerplate"])).clean(
        text
    )
    assert doc.text.startswith("会员群：")
    # with the rule off and the scorer on, the scorer is what removes an invitation, and says so
    text = "加入免费QQ群：123456，领取全套资料\n\n正文第一段，内容完整。\n"
    doc = Cleaner(placeholders="off", rules=load_rules(disable=["ads.qq-group"])).clean(text)
    assert [r.rule for r in doc.removed if r.text.strip()] == ["model.boilerplate"]


def test_devset_meets_the_bar_on_correctly_decoded_documents(devset_dir: Path, tmp_path: Path) -> None:
    """ad_line_recall >= 0.99, body_line_retention >= 0.999, adlike 1.0 on utf-8/gb/utf-16 docs."""
    out, report = tmp_path / "out", tmp_path / "r.jsonl"
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    cmd = [sys.executable, "-m", "cleanse", "run", str(devset_dir / "in"), str(out), "--report", str(report)]
    subprocess.run(cmd, env=env, check=False, capture_output=True, timeout=300)
    score = subprocess.run(
        [sys.executable, str(devset_dir / "score.py"), str(out), str(report), str(devset_dir / "gold")],
        capture_output=True,
        check=True,
        text=True,
        timeout=300,
    )
    by_encoding = json.loads(score.stdout)["by_encoding"]
    checked = [e for e in ("utf-8", "utf-8-sig", "gbk", "gb18030") if e in by_encoding]
    assert checked
    for enc in checked:
        m = by_encoding[enc]
        assert m["ad_line_recall"] >= 0.99, enc
        assert m["body_line_retention"] >= 0.999, enc
        assert m["adlike_body_retention"] in (None, 1.0), enc


def test_rules_that_time_out_are_skipped_and_named() -> None:
    from cleanse.document import Document
    from cleanse.stages.boilerplate import build_boilerplate

    stage = build_boilerplate(load_rules().for_stage("boilerplate"), timeout=1e-7)
    text = "仅供学习 禁止外传\n\n" + "正文。" * 300 + "\n"
    doc = stage(Document(text))
    warnings = doc.meta.get("warnings", ())
    assert warnings and all("time limit" in w and "--disable ads." in w for w in warnings)
    assert "正文。" * 300 in doc.text, "a timeout never costs body text"


def test_every_boilerplate_rule_passes_its_own_examples() -> None:
    from cleanse.rules import example_failures

    failures = [f for r in load_rules().for_stage("boilerplate") for f in example_failures(r)]
    assert failures == []
