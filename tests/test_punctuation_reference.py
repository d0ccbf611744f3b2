"""The punctuation stage's fast path against the plain algorithm it replaced.

The stage screens rules by needles, finds a rule's matches with one ``finditer`` per line,
precomputes constant replacements and finds protected spans with a narrower run pattern. The
reference below is the straightforward version (one timed search per match, every candidate
rule searched, every ASCII run trimmed): both must give the same lines, the same records and
the same timeouts, for the shipped rules and for user rules that stress the corner cases
(empty matches, group templates, quotes written by a template, rules without keys, a bad
template).
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse import load_rules
from cleanse.document import Document
from cleanse.errors import RuleTimeout
from cleanse.matching import rule_scan
from cleanse.matching.matcher import RuleMatcher
from cleanse.rules import Rule
from cleanse.stages import map_screened_lines, protect
from cleanse.stages.punctuation import build_punctuation, convert_line, quote_slots, until_stable
from conftest import utf8_corpus_lines

# -- the reference ------------------------------------------------------------------------------

_QUOTES = {"“": (True, '"“”'), "”": (False, '"“”'), "‘": (True, "'‘’"), "’": (False, "'‘’")}
_ASCII_RUN = regex.compile(r"[!-~]+")


def ref_ascii_bounds(line: str) -> list[tuple[int, int]]:
    bounds = []
    for m in _ASCII_RUN.finditer(line):
        start, end = m.span()
        if protect._DOC_NUMBER.fullmatch(line, start, end) and start > 0 and not line[start - 1].isascii():
            continue
        stack: list[int] = []
        lone: list[int] = []
        for i in range(start, end):
            if line[i] == "(":
                stack.append(i)
            elif line[i] == ")":
                if stack:
                    stack.pop()
                else:
                    lone.append(i)
        for a, b in protect._split_at(start, end, sorted(lone + stack)):
            a, b = protect._trim(line, a, b)
            if any(c.isalnum() for c in line[a:b]):
                bounds.append((a, b))
    return bounds


def ref_protected_ranges(line: str) -> list[tuple[int, int]]:
    if line.isascii():
        return [(0, len(line))] if line.strip() else []
    bounds = ref_ascii_bounds(line)
    bounds += [m.span() for m in protect._LATIN_WORDS.finditer(line)]
    bounds += [m.span() for m in protect._BACKTICK.finditer(line)]
    bounds += [m.span() for m in protect._CALL.finditer(line)]
    bounds += [m.span() for m in protect._EMOTICON.finditer(line)]
    bounds += [(m.start() + 1, m.end()) for m in protect._MD_TARGET.finditer(line)]
    m = protect._ORDINAL.match(line)
    if m:
        bounds.append(m.span())
    return protect._merge_bounds(sorted(bounds))


def _search(rule: Rule, line: str, pos: int, timeout: float) -> regex.Match[str] | None:
    try:
        return rule.compiled.search(line, pos, timeout=timeout)
    except TimeoutError:
        raise RuleTimeout(rule.id, timeout) from None


def ref_convert_once(line: str, matcher: RuleMatcher, keys: Sequence[str] | None) -> tuple[str, list]:
    found = []
    spans = None
    slots: dict[str, dict[int, bool]] = {}
    for order, (rule, first) in enumerate(matcher.matching(line, keys)):
        m = first
        while m is not None:
            if spans is None:
                spans = ref_protected_ranges(line)
            after = matcher.expand(rule, m)
            ok = after not in _QUOTES
            if not ok:
                opening, family = _QUOTES[after]
                if family not in slots:
                    slots[family] = quote_slots(line, family)
                ok = slots[family].get(m.start()) is opening
            if after != m.group() and not protect.overlaps(spans, m.start(), m.end()) and ok:
                found.append((m.start(), order, rule, m, after))
            nxt = m.end() if m.end() > m.start() else m.end() + 1
            m = _search(rule, line, nxt, matcher.timeout) if nxt <= len(line) else None
    found.sort(key=lambda t: (t[0], t[1]))
    out, records, pos, limit = [], [], 0, 0
    for start, _, rule, m, after in found:
        if start < limit:
            continue
        out.append(line[pos:start])
        out.append(after)
        pos = m.end()
        limit = start + 1 if m.end() == start else m.end()
        records.append((rule.id, m.group(), after))
    out.append(line[pos:])
    return "".join(out), records


def ref_convert_line(line: str, matcher: RuleMatcher, keys: Sequence[str] | None = None) -> tuple[str, list]:
    if not matcher:
        return line, []
    return until_stable(line, lambda text, k: ref_convert_once(text, matcher, k), keys)


# -- rule sets ----------------------------------------------------------------------------------


def user_rule(rule_id: str, pattern: str, replace: str | None = None, **extra: object) -> Rule:
    return Rule(rule_id, "punctuation", "test", pattern, action="replace", replace=replace, **extra)  # type: ignore[arg-type]


USER_RULES = (
    # after each (unchanging, so dropped) empty match finditer would also match 丁 there
    user_rule("u.lazy", r"(丁)??(?=丁)", r"\1\1"),
    # empty matches (insertions), also at the line end
    user_rule("u.space", r"(?<=\p{Han})(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=\p{Han})", " "),
    user_rule("u.end", r"(?<=。)$", "〇"),
    user_rule("u.maybe-empty", r"x*(?=丁)", "y"),
    # a template with groups, one that writes a quote, one that gives the match back unchanged
    user_rule("u.swap", r"(甲)(乙)", r"\2\1"),
    user_rule("u.quote", r'(")(?=好)', "“"),
    user_rule("u.quote-template", r'(x)?"(?=好)', r"\1“"),
    user_rule("u.same", r"(丙)", r"\1"),
    # no literal keys at all (screened by the matcher's combined regex)
    user_rule("u.no-keys", r"\p{Han}{2}(?=\d)", "汉汉"),
    # found by a scanner (they start with a character of a small class), lookarounds included
    user_rule("u.scan", r"[;；](?<=丙[;；])(?=丁)", "、"),
    user_rule("u.scan-long", r"甲乙+(?!丙)", "戊"),
    # translate, also writing quotes (checked for their slot match by match)
    Rule("u.tr", "punctuation", "test", r"[ａ-ｃ]+", action="replace", translate=("ａｂｃ", "abc")),
    Rule("u.tr-quote", "punctuation", "test", r"['\"](?=甲)", action="replace", translate=("'\"", "‘“")),
)

DEFAULT = RuleMatcher(load_rules().for_stage("punctuation"))
EVERY = RuleMatcher(load_rules(enable=sorted(load_rules().disabled)).for_stage("punctuation"))
WITH_USER = RuleMatcher(DEFAULT.rules + USER_RULES)
USER_FIRST = RuleMatcher(USER_RULES + DEFAULT.rules)
MATCHERS = {"default": DEFAULT, "every": EVERY, "user": WITH_USER, "user-first": USER_FIRST}


def outcome(fn, line: str, matcher: RuleMatcher) -> object:  # type: ignore[no-untyped-def]
    try:
        return fn(line, matcher)
    except RuleTimeout as exc:
        return ("timeout", str(exc))


TRICKY = [
    "foo,(中文)",
    "一,,二",
    '他说"好的",然后"走了"',
    "“他说'好的'”",
    "使用Linux系统2020年",
    "甲乙丙丁,戊己。",
    "丁丁丁,中文",
    "丙;丁丙；丁甲乙乙丙甲乙乙乙。",
    "句子。",
    "xx中文x",
    "ａｂｃ公司",
    "附件1(pdf格式),见 https://a.org/x?y=1,然后",
    "等等...好吧。。。",
    "他说--好吧―― 那个―",
    "时间:16:32,地点:北京",
    'printf("中文"),然后',
    "`a,b`,中文",
    "1. 第一,二",
    "发[2020]12号,中文",
    "(参见 ssh(1) 手册)",
    "a" * 5 + "，" * 3 + "。。",
    "",
    "中",
]


@pytest.mark.parametrize("name", sorted(MATCHERS))
def test_fast_path_equals_reference_on_tricky_and_real_lines(name: str) -> None:
    matcher = MATCHERS[name]
    for line in TRICKY + utf8_corpus_lines():
        assert outcome(convert_line, line, matcher) == outcome(ref_convert_line, line, matcher), line


@pytest.mark.parametrize("name", sorted(MATCHERS))
def test_stage_equals_reference_on_documents(name: str) -> None:
    """The whole stage (document screening, keys, records with line numbers) on real files."""
    matcher = MATCHERS[name]
    stage = build_punctuation(matcher)
    lines = TRICKY + utf8_corpus_lines()
    for start in range(0, len(lines), 40):
        doc = Document("\n".join(lines[start : start + 40]) + "\n")
        expected = map_screened_lines(doc, matcher, lambda line, keys: ref_convert_line(line, matcher, keys))
        assert stage(doc) == expected


def test_protected_ranges_equal_reference_on_real_lines() -> None:
    for line in TRICKY + utf8_corpus_lines():
        assert protect.protected_ranges(line) == ref_protected_ranges(line), line


def test_bad_template_times_out_the_same_way() -> None:
    bad = RuleMatcher((*DEFAULT.rules, user_rule("u.bad", r"中(文)", r"\2")))
    for line in ["中文,好", "好,中文", "英文"]:
        assert outcome(convert_line, line, bad) == outcome(ref_convert_line, line, bad)
    assert outcome(convert_line, "中文", bad) == ("timeout", str(RuleTimeout("u.bad", bad.timeout)))


CHARS = [
    *list(",;:?!()\"'.-—―…。，、；：（）“”‘’・ａ１aZ9 /@%"),
    "中",
    "文",
    "好",
    "甲乙",
    "丙",
    "丁",
    "x",
    "2020",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(CHARS), max_size=24).map("".join), st.sampled_from(sorted(MATCHERS)))
def test_fast_path_equals_reference_on_random_lines(line: str, name: str) -> None:
    matcher = MATCHERS[name]
    assert outcome(convert_line, line, matcher) == outcome(ref_convert_line, line, matcher)
    assert protect.protected_ranges(line) == ref_protected_ranges(line)


class _Pattern:
    """A compiled pattern whose ``finditer`` runs out of time as a whole (each search is quick)."""

    def __init__(self, pattern: regex.Pattern[str]) -> None:
        self.search = pattern.search

    def finditer(self, *args: object, **kwargs: object) -> list[regex.Match[str]]:
        raise TimeoutError("regex timed out")


class _SlowAsAWhole(Rule):
    @property
    def compiled(self) -> regex.Pattern[str]:
        return _Pattern(super().compiled)  # type: ignore[return-value]


def test_a_finditer_timeout_falls_back_to_one_timed_search_per_match() -> None:
    rules = tuple(
        _SlowAsAWhole(
            r.id, r.stage, r.why, r.pattern, action=r.action, replace=r.replace, translate=r.translate
        )
        for r in DEFAULT.rules
    )
    slow = RuleMatcher(rules)
    for line in TRICKY:
        assert convert_line(line, slow) == ref_convert_line(line, DEFAULT), line


def test_a_search_past_its_timeout_raises_rule_timeout() -> None:
    hostile = RuleMatcher((user_rule("u.hostile", r"^(a|aa)+$", "b"),), timeout=0.05)
    line = "a" * 40 + "!"
    assert outcome(convert_line, line, hostile) == ("timeout", str(RuleTimeout("u.hostile", 0.05)))
    assert outcome(ref_convert_line, line, hostile) == ("timeout", str(RuleTimeout("u.hostile", 0.05)))


class _SlowScanner:
    """A scanner that runs out of time on every line."""

    def match(self, *args: object, **kwargs: object) -> regex.Match[str]:
        raise TimeoutError("regex timed out")


def test_a_scanner_timeout_falls_back_to_one_timed_search_per_match() -> None:
    entries = rule_scan.plans(DEFAULT)
    for entry in entries:
        if entry.scanner is None:
            continue
        slow = entry._replace(scanner=_SlowScanner())
        for line in TRICKY:
            assert rule_scan.replacements(line, DEFAULT, slow) == rule_scan.replacements(line, DEFAULT, entry)


def test_scanners_are_built_for_the_simple_rules_only() -> None:
    scanned = {entry.rule.id for entry in rule_scan.plans(WITH_USER) if entry.scanner is not None}
    assert {"punct.comma", "punct.question", "punct.quote-double-open", "u.scan", "u.scan-long"} <= scanned
    assert not scanned & {"punct.doubled", "punct.fullwidth-alnum", "u.swap", "u.space", "u.lazy", "u.quote"}


@pytest.mark.parametrize(
    "pattern",
    [r",(a)\1", r",(?P<x>a)(?P=x)", r",(a)?(?(1)b|c)", r"(?i),a", r",\Ga", r",(?1)?(a)", r",(a)\g<1>"],
)
def test_no_scanner_where_group_numbers_or_flags_would_change_meaning(pattern: str) -> None:
    assert rule_scan._scanner(user_rule("u.x", pattern, "，")) is None


def test_long_lines_past_the_scanner_limit_give_the_same_result() -> None:
    line = ("中文,英文;好吗?" * 3000)[: rule_scan.SCAN_MAX + 500]
    for matcher in (DEFAULT, WITH_USER):
        assert convert_line(line, matcher) == ref_convert_line(line, matcher)
