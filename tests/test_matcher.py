"""The rule matcher: its literal prefilter never loses a match, and its cost does not grow with rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanse.matching.literals import line_keys, required_keys
from cleanse.matching.matcher import RuleMatcher
from cleanse.rules import STAGES, Rule, load_rules

SHARED_GOLD = Path(__file__).resolve().parents[2] / "shared" / "devset" / "gold"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("免费QQ群", {"免费"}),
        ("(?:QQ|微信)群\\s*[:：]", {"QQ", "微信"}),
        ("^(?:现在)?订阅立享", {"订阅"}),
        ("[A-Z]+备案号", {"备案"}),
        ("(?<=[\\u4e00-\\u9fff]);", {";"}),
        ("(?:关注)+公众号", {"公众"}),
        ("a|[bc]", {"a", "b", "c"}),
        ("(?<=\\p{Han})[XＸ]{2,8}", {"X", "Ｘ"}),
    ],
)
def test_required_keys_found(pattern: str, expected: set[str]) -> None:
    assert required_keys(pattern, False) == expected


@pytest.mark.parametrize(
    "pattern",
    [
        "\\p{Han}+",
        "[[:alpha:]]+",
        "(?:QQ)?群?",
        "a|[^bc]",
        "[\\x00-\\x7f]",
        "(?i)abc",
        "(?:foo){e<=1}",
        "\\s+$",
        "x*",
    ],
)
def test_unknown_or_optional_literals_give_none(pattern: str) -> None:
    assert required_keys(pattern, False) is None


def test_line_keys_add_every_required_part_and_positive_lookarounds() -> None:
    assert line_keys("[XＸ]{1,8}(?=\\s?年)", False) == ({"年"}, {"X", "Ｘ"})
    assert line_keys("[XＸ]光", False) == ({"光"}, {"X", "Ｘ"})
    # negative lookarounds and optional parts require nothing
    assert line_keys("(?<!某)X(?!年)(?:同志)?", False) == ({"X"},)
    assert line_keys("\\p{Han}+", False) == ()


@pytest.mark.parametrize("stage", STAGES)
def test_line_keys_never_exclude_a_matching_line(stage: str) -> None:
    lines = [t for r in _by_stage()[stage] for t in (*r.examples_match, *r.examples_keep)]
    for rule in _by_stage()[stage]:
        tests = line_keys(rule.pattern, rule.ignore_case, rule.examples_match)
        for line in lines:
            if rule.compiled.search(line):
                assert all(any(k in line for k in keys) for keys in tests), (rule.id, line)


def test_case_insensitive_letters_are_not_indexed() -> None:
    assert required_keys("qq群", True) is None
    assert required_keys("会员群", True) == {"会员"}


def test_keys_missing_from_a_match_example_are_refused() -> None:
    assert required_keys("abc", False, ["xabcx"]) == {"ab"}
    assert required_keys("abc", False, ["xyz"]) is None


def _by_stage() -> dict[str, tuple[Rule, ...]]:
    rules = load_rules(enable=[r.id for r in load_rules().all_rules if not r.enabled])
    return {stage: rules.for_stage(stage) for stage in STAGES}


@pytest.mark.parametrize("stage", STAGES)
def test_every_match_example_survives_the_prefilter(stage: str) -> None:
    rules = _by_stage()[stage]
    matcher = RuleMatcher(rules)
    for rule in rules:
        for text in rule.examples_match:
            assert rule in [r for r, _ in matcher.matching(text)], (rule.id, text)


def _naive(rules: tuple[Rule, ...], text: str) -> list[str]:
    return [r.id for r in rules if r.compiled.search(text)]


@pytest.mark.parametrize("stage", STAGES)
def test_prefiltered_matching_equals_trying_every_rule(stage: str) -> None:
    if not SHARED_GOLD.is_dir():
        pytest.skip("../shared/devset is not available here")
    rules = _by_stage()[stage]
    matcher = RuleMatcher(rules)
    lines = [
        line for p in sorted(SHARED_GOLD.glob("*.txt"))[:60] for line in p.read_text("utf-8").splitlines()
    ]
    lines += [t for r in rules for t in (*r.examples_match, *r.examples_keep)]
    for line in lines:
        assert [r.id for r, _ in matcher.matching(line)] == _naive(rules, line), line


def _literal_rules(n: int) -> tuple[Rule, ...]:
    words = [chr(0x4E00 + 7 * i) + chr(0x4E01 + 7 * i) + "网" for i in range(n)]
    return tuple(
        Rule(id=f"r{i}", stage="boilerplate", why="w", pattern=w, examples_match=(w,))
        for i, w in enumerate(words)
    )


def test_rules_without_their_keys_in_a_line_are_never_tried() -> None:
    line = "这是一个完整的正文句子，没有任何广告内容。" * 5
    for n in (20, 200):
        matcher = RuleMatcher(_literal_rules(n))
        assert matcher.plan.rest == ()
        assert matcher.candidates(line) == []
    matcher = RuleMatcher(_literal_rules(200))
    hit = _literal_rules(200)[150].pattern
    assert matcher.candidates(line + hit) == [150]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "无关\n",
        "a b\n中文\n\n尾 \t\n",
        " \n \n\u3000",
        "末行无换行 ",
        "一\n二\u00a0\n三\n\n\n四\u200b五\n",
        "x\u200by\u200bz\nplain\n\u200b",
    ],
)
def test_rows_holding_are_exactly_the_lines_with_a_key(text: str) -> None:
    matcher = RuleMatcher(load_rules().for_stage("whitespace"))
    keys = matcher.keys_in(text)
    expected = [i for i, line in enumerate(text.split("\n")) if any(k in line for k in keys)]
    assert matcher.rows_holding(text, keys) == expected


def test_rows_holding_is_none_when_some_rule_has_no_keys() -> None:
    rule = Rule(id="t.any", stage="whitespace", why="test", pattern="\\s+$", action="replace", replace="")
    matcher = RuleMatcher((rule,))
    assert matcher.rows_holding("a \nb", matcher.keys_in("a \nb")) is None


def test_screened_replace_equals_fixing_every_line() -> None:
    """Skipping lines without keys changes nothing: same text, changes and line numbers."""
    from cleanse.document import Document, map_lines
    from cleanse.stages import map_screened_lines, replace_in_line

    matcher = RuleMatcher(load_rules().for_stage("whitespace"))
    text = "甲 \n乙\n\n丙\u00a0丁\t\n戊\u200b\n己"
    doc = Document(text=text, origins=(3, 4, 6, 7, 8, 9))
    keys = matcher.keys_in(text)
    screened = map_screened_lines(doc, matcher, lambda line, k: replace_in_line(line, matcher, k))
    every = map_lines(doc, lambda line: replace_in_line(line, matcher, keys))
    assert screened == every
    assert [c.line for c in screened.changes] == [3, 7, 7, 8]


def test_a_rule_without_keys_is_screened_by_its_first_characters() -> None:
    """punct.cjk-radicals has no index keys (a class of 328 characters); it made every line of
    every document a candidate (+15% on the punctuation stage). The class of characters its
    matches start with now screens documents and lines like keys do, with the same result."""
    from cleanse.matching.matcher import REST
    from cleanse.stages.punctuation import convert_line, normalize_punctuation

    matcher = RuleMatcher(load_rules().for_stage("punctuation"))
    assert [matcher.rules[n].id for n in matcher.plan.rest] == ["punct.cjk-radicals"]
    plain = "正文第一行\n第二行没有标点\n"
    assert matcher.keys_in(plain) == () and matcher.nothing_in(plain)
    text = "正文第一行\n⻓城在北方\n有逗号,在这里\n⼀⼆三,四\n"
    keys = matcher.keys_in(text)
    assert REST in keys
    assert matcher.rows_holding(text, keys) == [1, 2, 3]
    assert matcher.rows_holding(text, tuple(k for k in keys if k != REST)) == [2, 3]
    n = matcher.plan.rest[0]
    assert n in matcher.candidates("⻓城", keys) and n not in matcher.candidates("⻓城", (",",))
    from cleanse.document import Document

    screened = normalize_punctuation(Document(text=text), matcher=matcher)
    every = [convert_line(line, matcher)[0] for line in text.split("\n")]
    assert screened.text == "\n".join(every) == "正文第一行\n长城在北方\n有逗号，在这里\n一二三，四\n"


def test_rows_holding_is_none_for_rules_without_keys_or_first_characters() -> None:
    rule = Rule(
        id="t.lookbehind", stage="whitespace", why="test", pattern="(?<=\\d)\\s", action="replace", replace=""
    )
    matcher = RuleMatcher((rule,))
    keys = matcher.keys_in("1 \nb")
    assert keys and matcher.rows_holding("1 \nb", keys) is None and not matcher.nothing_in("b")
