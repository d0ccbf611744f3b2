"""The joined placeholder search must find exactly what one ``finditer`` per rule finds.

``placeholder_scan.RuleScan`` joins the rules it can prove safe into one regex walk per line;
these tests compare it, rule by rule and match by match, with the general path (each rule's
own ``finditer``), on tricky lines, generated text and user rules the analysis must refuse.
"""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.matching.anchors import Anchor, anchor, required_search
from cleanse.matching.joined_scan import RuleScan
from cleanse.matching.matcher import RuleMatcher
from cleanse.rules import Rule, load_rules
from cleanse.stages.placeholder_find import (
    Detectors,
    _candidates,
    _flag_span,
    find_placeholders,
    protected_spans,
)
from conftest import SAMPLE

DEFAULT = load_rules().for_stage("placeholders")
EVERY = load_rules(enable=sorted(load_rules().disabled)).for_stage("placeholders")


def rule(pattern: str, action: str = "flag", examples: tuple[str, ...] = (), rule_id: str = "") -> Rule:
    return Rule(
        id=rule_id or f"user.{abs(hash(pattern))}",
        stage="placeholders",
        why="test",
        pattern=pattern,
        action=action,
        category="generic",
        examples_match=examples,
    )


# User rules: some the analysis can join, some it must leave to the general path.
USER = (
    rule(r"(?P<flag>□{2,})", examples=("□□",)),  # a new first character
    rule(r"X(?P<flag>X+)(?=人)", examples=("XX人",)),  # flag is part of the match
    rule(r"a(?=(?P<flag>X))", examples=("aX",)),  # flag inside a lookahead
    rule(r"(?P<flag>X)?Y", examples=("XY", "Y")),  # flag not always captured: refused
    rule(r"(X)\1", examples=("XX",)),  # backreference: refused
    rule(r"(?i:ab)X", examples=("ABX",)),  # case-insensitive first characters
    rule(r"\p{Han}X", examples=("人X",)),  # a property first: anchored on the X after it
    rule(r"X*", examples=("X",)),  # may match empty: refused
    rule(r"(?s)X.", examples=("X人",)),  # global flag: refused
    rule(r"^X", examples=("X人",)),  # anchored: joined, and in the walk ^ holds only at 0
    rule(r"(?P<flag>X)|(?P<flag>某)(?=人)", examples=("X", "某人")),  # a flag in each branch
    rule(r"(?=.*X年)\p{Han}+(?P<flag>X)", examples=("人X年",)),  # not joined, needs X年 further on
    rule(r"^(?=.*?某[人某])\w+", action="keep", examples=("甲某人",)),  # the same for an exception
    rule(r"[XＸ]{2}(?!年)", action="keep", examples=("XX",)),
    rule(r"(?:设|令)X", action="keep", examples=("设X",)),
)

TRICKY = [
    "副局长X同志作了很好的讲话，共X人参加，约占X%，第X章",
    "（X组通〔2020〕12号）X组通〔2020〕X号 中办发X号 (2024)浙01民终×××号",
    "设X为随机变量，则X的期望为E(X)，求X落在区间内的概率",
    "iPhone X 上市，Mac OS X 支持，SpaceX公司，X光片，X型血，X染色体",
    "20XX年XX月XX日 201X年 20XX-XX-XX 下午X时X分",
    "张某某、王某和某某先生在某市某区，某某年某某月",
    "审判员：××× 3×4 长×宽×高 对的打√，错的打X，**重点** ***",
    "联系电话：XXX-XXXXXXXX，身份证号：XXXXXXXXXXXXXXXXXX，bug #XXXXXX",
    "XXXXXXXXXXXXXXXXXXXX人 ○○○○ ＊＊＊ XX□□□人 aXX人 ABX abx □□",
    "// XXX 这里需要修复 # XXX TODO: XXX X-X XX-XX -X x",
    "",
    "X",
    "人X人X人X人",
]


def reference(line: str, rules: tuple[Rule, ...]) -> dict[int, list[tuple]]:
    """Each rule's own finditer: (match span, flag span) per match, by rule order."""
    found: dict[int, list[tuple]] = {}
    for order, r in enumerate(rules):
        spans = [(m.span(), _flag_span(m)) for m in r.compiled.finditer(line)]
        if spans:
            found[order] = spans
    return found


def joined(line: str, scan: RuleScan) -> dict[int, list[tuple]]:
    hits = scan.matches(line, 2.0)
    assert hits is not None
    found: dict[int, list[tuple]] = {}
    for order, span, flag in hits:
        found.setdefault(order, []).append((span, flag))
    return found


@lru_cache(maxsize=8)
def built(rules: tuple[Rule, ...]) -> tuple[RuleScan, Detectors]:
    return RuleScan.of(rules), Detectors.of(RuleMatcher(rules))


def check_line(line: str, rules: tuple[Rule, ...]) -> None:
    scan, detectors = built(rules)
    expected = {o: v for o, v in reference(line, rules).items() if o not in scan.rest}
    assert joined(line, scan) == expected, line
    assert detectors.candidates(line) == _candidates(line, detectors.applicable(line), 2.0), line
    assert sorted(detectors.shield(line)) == sorted(protected_spans(line, detectors.exceptions(line), 2.0))


@pytest.mark.parametrize("rules", [DEFAULT, EVERY, DEFAULT + USER], ids=["default", "every", "user"])
def test_joined_search_finds_what_each_rule_finds(rules: tuple[Rule, ...]) -> None:
    lines = TRICKY + SAMPLE.read_text(encoding="utf-8").splitlines()
    for line in lines:
        check_line(line, rules)


ALPHABET = [
    *"XＸ×○＊*某□YＹ12０年月日个人同志号〔〕()设为是在中以表光型iPhoneOSab -:：“”",
    "百分之",
    "第",
    "张",
    "局长",
    "\t",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_joined_search_on_generated_lines(line: str) -> None:
    check_line(line, DEFAULT + USER)


def test_the_analysis_joins_what_it_can_prove_and_nothing_else() -> None:
    scan = RuleScan.of(USER)
    refused = {USER[n].pattern for n in scan.rest}
    assert refused == {
        r"(?P<flag>X)?Y",
        r"(X)\1",
        r"X*",
        r"(?s)X.",
        r"(?=.*X年)\p{Han}+(?P<flag>X)",
        r"^(?=.*?某[人某])\w+",
    }
    assert not RuleScan.of(DEFAULT).rest or {DEFAULT[n].id for n in RuleScan.of(DEFAULT).rest} == {
        "placeholder-keep.math-line"
    }


def test_anchors() -> None:
    assert anchor(rule(r"(?<![A-Z])(?P<flag>[XＸ]{1,8}|×{2,8})(?=人)")) == Anchor(frozenset("XＸ×"), 0, 0)
    assert anchor(rule(r"(?:(?<=a)|(?=b))(?P<flag>○+)")) == Anchor(frozenset("○"), 0, 0)
    # Not only the first character: the rarer X, one or two places in.
    assert anchor(rule(r"(?:启动|在|运行)[XＸ](?=中)")) == Anchor(frozenset("XＸ"), 1, 2)
    year = rule(r"(?:19|20)(?:[0-9][XＸ]|[XＸ]{2})")
    assert anchor(year) == Anchor(frozenset("12"), 0, 0)  # as few characters, and first
    assert anchor(year, prefer=frozenset("XＸ")) == Anchor(frozenset("XＸ"), 2, 3)  # stops made anyway
    assert anchor(rule(r"X?人")) == Anchor(frozenset("人"), 0, 1)
    # Case-insensitive letters match what regex folds them to (the Kelvin sign for k).
    assert "\u212a" in getattr(anchor(rule(r"(?i:k)")), "chars", set())
    assert anchor(rule(r"X?")) is None  # a match that may be empty is refused
    assert anchor(rule(r"[^X]X")) == Anchor(frozenset("X"), 1, 1)
    assert anchor(rule(r".*X")) is None  # no bound on where the X stands
    assert anchor(Rule("u", "placeholders", "t", "X", action="flag", ignore_case=True)) is None


def test_a_timeout_in_the_joined_search_falls_back_to_naming_the_rule() -> None:
    slow = rule(r"(?P<flag>(?:X|XX|XXX)+Y)", examples=("XY",), rule_id="my.slow")
    scan = RuleScan.of((slow,))
    assert not scan.rest  # joined
    line = "X" * 40
    assert scan.matches(line, 0.001) is None  # the caller then searches rule by rule
    detectors = Detectors.of(RuleMatcher((slow,), 0.001))
    with pytest.raises(Exception, match=r"my\.slow"):
        find_placeholders(line, detectors)


def test_long_lines_are_searched_rule_by_rule() -> None:
    """The walk's memory grows with its stops: a long line goes the general way, same result."""
    scan, detectors = built(DEFAULT)
    line = "X同志约占X%。" * 400
    assert scan.matches(line, 2.0) is None
    assert detectors.candidates(line) == _candidates(line, detectors.applicable(line), 2.0)
    assert len(find_placeholders(line, detectors)) == 800


def test_required_searches() -> None:
    """``(?=.*S)`` at the top level: S must match somewhere; anywhere else it proves nothing."""
    need = required_search(rule(r"^(?=.*(?:设|令)\s?X).+"))
    assert need is not None and need.pattern == r"(?:设|令)\s?X"
    assert required_search(rule(r"a(?=.*?b)c")) is not None
    assert required_search(rule(r"a|(?=.*b)c")) is None  # only one alternative needs it
    assert required_search(rule(r"(?:(?=.*b))?c")) is None  # not at the top level
    assert required_search(rule(r"(?!.*b)c")) is None  # a negative lookahead
