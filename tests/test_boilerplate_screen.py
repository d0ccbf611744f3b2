"""The boilerplate stage's fast path against the general one it replaced.

The stage screens lines with :class:`~cleanse.matching.screen.KeyScreen`, searches a line's rule
groups together with :class:`~cleanse.matching.screen.RuleTable` (answering repeated short lines
from a cache) and hands work already done to the planner. Each test here compares it with a
plain version built from ``RuleMatcher.matching`` and the planner's own computations, over
the default rules and over user rules that take the fallbacks (keyless patterns, a
backreference, ignore-case letters, a separator that is also an ``anywhere`` rule).
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from cleanse import load_rules
from cleanse.document import Document
from cleanse.errors import RuleTimeout
from cleanse.matching.screen import KeyScreen, RuleTable
from cleanse.rules import Rule
from cleanse.stages import boilerplate as bp
from cleanse.stages import boilerplate_matchers as bpm
from cleanse.stages.blocks import body_evidence, content_len
from cleanse.stages.boilerplate import build_boilerplate
from cleanse.stages.boilerplate_matchers import BoilerplateMatchers, line_hits
from cleanse.stages.zones import LONG_LINE, plan_line_drops

ROOT = Path(__file__).resolve().parents[1]

USER_RULES = r"""
[[rule]]
id = "my.code-line"
stage = "boilerplate"
why = "A keyless edge rule: an order code such as ABC12345 on a line of its own."
pattern = '^[A-Z]{3,}\d{4,}$'
zone = "edges"
examples.match = ["ABC12345"]
examples.keep = ["ABC12"]

[[rule]]
id = "my.repeat"
stage = "boilerplate"
category = "separator"
strength = "weak"
why = "A backreference (cannot join an alternation): one character repeated, a decoration."
pattern = '^(.)\1{5,}$'
zone = "anywhere"
examples.match = ["~~~~~~~~", "oooooooo"]
examples.keep = ["~~"]

[[rule]]
id = "my.vip"
stage = "boilerplate"
why = "Ignore-case letters cannot be keys: VIP, vip, Vip."
pattern = 'vip(?:会员|專區|专区)'
ignore_case = true
zone = "anywhere"
examples.match = ["开通VIP会员", "vip专区"]
examples.keep = ["会员"]

[[rule]]
id = "my.weak-brand"
stage = "boilerplate"
strength = "weak"
why = "A weak edge rule on a short brand line."
pattern = '^[\p{Han}]{2,4}文苑$'
zone = "edges"
examples.match = ["墨香文苑"]
examples.keep = ["墨香文苑建设方案的通知"]

[[rule]]
id = "my.long-stamp"
stage = "boilerplate"
why = "A rule that may act on long lines."
pattern = '本文由\S{2,12}整理发布'
long_lines = true
zone = "tail"
examples.match = ["本文由墨香文苑整理发布"]
examples.keep = ["本文整理发布"]

[[rule]]
id = "my.aside"
stage = "boilerplate"
action = "drop-span"
why = "A keyless strong span: a parenthesised number of six or more digits."
pattern = '[（(]\d{6,}[)）]'
zone = "anywhere"
examples.match = ["联系（1234567）"]
examples.keep = ["（12）"]
"""

TRICKY_LINES = [
    "",
    "   ",
    "\u3000\u3000",
    "ABC12345",
    "ABC12",
    "~~~~~~~~",
    "oooooooo",
    "==========",
    "★★★★★",
    "开通VIP会员，下载全部资料",
    "Vip专区",
    "墨香文苑",
    "墨香文苑建设方案的通知",
    "本文由墨香文苑整理发布",
    "正文第一段，内容完整。" * 3 + "本文由墨香文苑整理发布",
    "联系（1234567）获取更多资料",
    "（1234567）",
    "仅供学习 禁止外传",
    "加入免费QQ群：123456",
    "更多精彩资料请关注公众号：文库",
    "同志们：",
    "2020年5月1日",
    "第一部分",
    "网址：www.example.com",
    "文档名称：工作总结.docx",
    "正文第一段，内容完整。",
    "在“七一”前夕，我们召开全市离退休干部党建工作经验交流会，十分重要",
    "这是一行很长的文字没有任何标点但是长度已经超过了五十个可见字符所以它一定是正文内容而不是广告行的样子吧",
]


def _rule_sets(tmp_path: Path) -> dict[str, tuple[Rule, ...]]:
    user = tmp_path / "user.toml"
    user.write_text(USER_RULES, encoding="utf-8")
    # the rules' fast paths are compared here; the scorer has tests of its own (test_scorer.py)
    sets = {
        "default": tuple(r for r in load_rules().for_stage("boilerplate") if r.action != "score"),
        "user": tuple(r for r in load_rules([user]).for_stage("boilerplate") if r.action != "score"),
    }
    assert {r.id for r in sets["user"]} - {r.id for r in sets["default"]} == {
        "my.code-line",
        "my.repeat",
        "my.vip",
        "my.weak-brand",
        "my.long-stamp",
        "my.aside",
    }
    return sets


@pytest.fixture(scope="module")
def rule_sets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Rule, ...]]:
    return _rule_sets(tmp_path_factory.mktemp("rules"))


def _lines(rules: tuple[Rule, ...]) -> list[str]:
    """Every rule example, the sample documents' lines and the tricky lines above."""
    lines = list(TRICKY_LINES)
    for rule in rules:
        lines += [*rule.examples_match, *rule.examples_keep]
    for path in sorted((ROOT / "fixtures" / "sample").rglob("*.txt")):
        lines += path.read_text(encoding="utf-8", errors="replace").split("\n")
    return lines


def _groups(rules: tuple[Rule, ...]) -> BoilerplateMatchers:
    master = build_boilerplate(rules, timeout=2.0).fn.keywords["matcher"]  # type: ignore[attr-defined]
    return BoilerplateMatchers.build(master.rules, 2.0)


# -- the general path, as the stage was written before the fast path -----------------------------


def reference_line_hits(line: str, m: BoilerplateMatchers, *, body: bool = False) -> tuple[Rule, ...]:
    if not line.strip():
        return ()
    groups = m.lines if content_len(line) <= LONG_LINE else m.long
    zones = ("anywhere",) if body else tuple(groups)
    hits = tuple(rule for zone in zones if groups[zone] for rule, _ in groups[zone].matching(line))
    if body and m.separators:
        hits += tuple(rule for rule, _ in m.separators.matching(line) if rule not in hits)
    return hits


def reference_stage(doc: Document, m: BoilerplateMatchers) -> Document:
    """``_remove_with`` over the matchers alone: no screens, tables, caches or shortcuts."""
    from cleanse.stages.zones import reads_as_body

    lines = doc.lines
    cut = [bpm._cut_spans(line, m.spans) for line in lines]
    judged = [text if text.strip() else line for line, (text, _) in zip(lines, cut, strict=True)]
    extra = [tuple(r for r, _ in cuts) if cuts and not text.strip() else () for text, cuts in cut]
    n = len(judged)
    hits: list[tuple[Rule, ...] | None] = [None] * n

    def full(i: int) -> bool:
        found = hits[i] = reference_line_hits(judged[i], m) + extra[i]
        return reads_as_body(judged[i], found)

    top = next((i for i in range(n) if full(i)), n)
    bottom = next((i for i in range(n - 1, top, -1) if full(i)), top)
    for i in range(top + 1, bottom):
        hits[i] = reference_line_hits(judged[i], m, body=True) + extra[i]
    drops = plan_line_drops(judged, [h if h is not None else () for h in hits])
    return bp.apply_plan(doc, cut, drops)  # applying the plan is shared: the planning is compared


# -- tests ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["default", "user"])
def test_line_hits_equal_the_matchers(rule_sets: dict[str, tuple[Rule, ...]], name: str) -> None:
    m = _groups(rule_sets[name])
    for line in _lines(rule_sets[name]):
        for body in (False, True):
            expected = reference_line_hits(line, m, body=body)
            assert line_hits(line, m, body=body) == expected, (line, body)
            assert line_hits(line, m, body=body) == expected, (line, body, "from the cache")


@pytest.mark.parametrize("name", ["default", "user"])
def test_key_screens_never_hide_a_match(rule_sets: dict[str, tuple[Rule, ...]], name: str) -> None:
    rules = rule_sets[name]
    screen = KeyScreen(rules, 2.0)
    for line in _lines(rules):
        if any(r.compiled.search(line) for r in rules):
            assert screen.may_match(line), line


def test_a_table_is_each_groups_matching_in_turn(rule_sets: dict[str, tuple[Rule, ...]]) -> None:
    rules = rule_sets["user"]
    m = _groups(rules)
    groups = [m.lines["edges"], m.lines["anywhere"], m.separators]
    table = RuleTable(groups)
    for line in _lines(rules):
        expected = tuple(rule for g in groups for rule, _ in g.matching(line))
        assert table.hits(line) == expected, line


@pytest.mark.parametrize("name", ["default", "user"])
def test_stage_equals_the_general_path(rule_sets: dict[str, tuple[Rule, ...]], name: str) -> None:
    rules = rule_sets[name]
    m = _groups(rules)
    stage = build_boilerplate(rules, timeout=2.0)
    lines = _lines(rules)
    docs = [
        "\n".join(lines[i : i + size]) + end
        for size in (1, 3, 7, 16)
        for i in range(0, len(lines), size)
        for end in ("", "\n")
    ]
    docs += ["\n".join([*lines[:6], "", "正文第一段，内容完整。", "", *lines[6:12]])]
    for text in docs:
        doc = Document(text=text)
        got, want = stage(doc), reference_stage(doc, m)
        assert (got.text, got.removed, got.origins) == (want.text, want.removed, want.origins), text


def test_planning_with_known_verdicts_equals_planning_from_scratch(
    rule_sets: dict[str, tuple[Rule, ...]],
) -> None:
    rules = rule_sets["user"]
    m = _groups(rules)
    lines = _lines(rules)
    for size in (4, 9):
        for i in range(0, len(lines), size):
            doc = lines[i : i + size]
            extra: list[tuple[Rule, ...]] = [()] * len(doc)
            texts = [bp.content(x) for x in doc]
            hits, known, _ = bp._judge(doc, extra, m, texts)
            assert plan_line_drops(doc, hits, known_body=known, texts=texts) == plan_line_drops(doc, hits)


@pytest.mark.parametrize(
    "text", ["同志们：", "各位代表：", "2020年5月1日", "二〇二〇年五月", "同志们：\n", "：", "月", "日"]
)
def test_openings_keep_their_meaning(text: str) -> None:
    from cleanse.stages.blocks import _DATE_LINE, _SALUTATION, content

    body = content(text)
    expected = "opening" if (_SALUTATION.match(body) or _DATE_LINE.match(body)) else None
    assert (body_evidence(text) == "opening") == (expected == "opening")


def test_a_timed_out_rule_is_still_reported_and_never_cached() -> None:
    slow = Rule(
        id="my.slow",
        stage="boilerplate",
        why="w",
        pattern="^(a|aa)+$",
        long_lines=True,
        examples_match=("aaa",),
    )
    matchers = BoilerplateMatchers.build((slow,), 0.05)
    line = "a" * 38 + "!"
    for _ in range(2):
        with pytest.raises(RuleTimeout):
            line_hits(line, matchers)
    # end to end (reported, skipped for that document only): tests/test_hostile_rules.py


def test_the_stage_pickles_without_its_caches(rule_sets: dict[str, tuple[Rule, ...]]) -> None:
    stage = build_boilerplate(rule_sets["user"], timeout=2.0)
    doc = Document(text="仅供学习 禁止外传\n\n正文第一段，内容完整。\n")
    before = stage(doc)
    again = pickle.loads(pickle.dumps(stage))
    after = again(doc)
    assert (after.text, after.removed) == (before.text, before.removed)
