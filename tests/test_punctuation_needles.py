"""Needles (matching/needles.py): every line a rule matches must hold one of the rule's needles.

A wrong needle would silently skip a conversion, so the analysis is checked three ways: exact
results on hand-picked patterns, every shipped rule against its examples and real text, and
random patterns against random text.
"""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.matching.needles import first_chars, needles
from cleanse.rules import Rule, load_rules
from conftest import utf8_corpus_lines


def rule(pattern: str, ignore_case: bool = False, examples: tuple[str, ...] = ()) -> Rule:
    return Rule("t", "punctuation", "test", pattern, ignore_case=ignore_case, examples_match=examples)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(，)，+|(、)、+|(?<!。)(。)。(?!。)", {"，，", "、、", "。。"}),
        (r"(?:\.{3,}|．{3,})(?:(?<=\p{Han} ?[.．]+)|(?= ?\p{Han}))|。{3,}", {"...", "．．．", "。。。"}),
        (r"(?:-{2,3}|－－)(?=\p{Han})", {"--", "－－"}),
        (r"ab+c", {"ab"}),  # "ab" and "bc" tie; the first in sorted order wins
        (r"x{3,}y", {"xxxy"}),
        (r"a{2}b", {"aab"}),
        (r"(?:ab)+c", {"abc"}),
        (r"a(?=bc)", {"bc"}),  # a lookahead's text is in the line
        (r"(?<=QQ)群", {"QQ"}),
        (r"a\bbc", {"abc"}),  # zero-width: the run goes on across it
        (r"[ab]c", None),  # single characters are the matcher's keys' business
        (r"ab|c", None),
        (r"ab|cd*", None),
        (r"a*b", None),
        (r"(?i)ab", None),
        (r"(?i:ab)cd", {"cd"}),
        (r"(?x)a b", None),
        (r"(a)\1", None),
        (r"a.b", None),
        (r"[[:alpha:]]xx", None),  # regex-only syntax the stdlib parser would misread
        (r"\p{Han}..", None),
        (r"(?|(ab)|(cd))", None),
        (r"ab(?", None),  # does not parse
        (r"ab|(?!x)", None),
        (r"ab?", None),
    ],
)
def test_needles_of_patterns(pattern: str, expected: set[str] | None) -> None:
    found = needles(rule(pattern))
    assert (None if found is None else set(found)) == expected


def test_case_folding_and_examples_refuse_needles() -> None:
    assert needles(rule("ab", ignore_case=True)) is None
    assert needles(rule("。。", ignore_case=True)) == {"。。"}  # nothing to fold
    assert needles(rule("xx|yy", examples=("zz",))) is None  # an example without a needle


def test_shipped_rules_never_match_a_line_without_a_needle() -> None:
    rules = load_rules(enable=sorted(load_rules().disabled))
    texts = utf8_corpus_lines()
    checked = 0
    for r in rules.all_rules or rules.rules:
        found = needles(r)
        if found is None:
            continue
        samples = [*r.examples_match, *r.examples_keep, *(a for a, _ in r.examples_fix), *texts]
        for line in samples:
            if r.compiled.search(line):
                assert any(n in line for n in found), (r.id, line, found)
                checked += 1
    assert checked > 50


_ATOMS = ["a", "b", "，", "。", ".", "[ab]", "\\.", "(?:a|b)", "\\d", "(?=a)", "(?<!b)", "\\b", "$"]


@st.composite
def patterns(draw: st.DrawFn, depth: int = 0) -> str:
    """Small random patterns of literals, classes, groups, repeats, lookarounds, alternations."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 2 and draw(st.booleans()):
            inner = draw(patterns(depth + 1))
            kind = draw(st.sampled_from(["(?:{})", "({})", "(?={})", "(?<=a{})", "(?!{})", "(?>{})"]))
            atom = kind.format(inner)
        else:
            atom = draw(st.sampled_from(_ATOMS))
        atom += draw(st.sampled_from(["", "", "+", "*", "?", "{2}", "{2,}", "{1,3}", "+?", "*+"]))
        parts.append(atom)
    text = "".join(parts)
    if depth < 2 and draw(st.booleans()):
        text += "|" + draw(patterns(depth + 1))
    return text


# Every line of up to five characters over the atoms' alphabet: an exhaustive check.
_LINES = [""]
for _ in range(5):
    _LINES += [line + c for line in _LINES if len(line) == len(_LINES[-1]) for c in "ab，。."]


@settings(max_examples=300, deadline=None)
@given(patterns())
def test_random_patterns_never_match_a_line_without_a_needle(pattern: str) -> None:
    try:
        compiled = regex.compile(pattern)
    except regex.error:
        return
    found = needles(rule(pattern))
    if found is None:
        return
    for line in _LINES:
        if compiled.search(line):
            assert any(n in line for n in found), (pattern, line, found)


@pytest.mark.parametrize(
    ("pattern", "ignore_case", "expected"),
    [
        (r",(?=\p{Han})", False, ","),
        (r"\?(?<=\p{Han}\?)", False, "?"),
        (r"[―—](?=\p{Han})", False, "—―"),  # sorted
        (r"[a-c]x", False, "abc"),
        (r"[^a]x", False, None),
        (r"\p{Han},", False, None),
        (r"(?<=a),", False, None),  # a lookaround first: not worth reading
        (r"(,)x", False, None),
        (r",|;", False, ",;"),  # the parser makes a class of it
        (r",a|;", False, None),
        (r"ab", True, None),
        (r"", False, None),
    ],
)
def test_first_chars(pattern: str, ignore_case: bool, expected: str | None) -> None:
    assert first_chars(rule(pattern, ignore_case=ignore_case)) == expected


def test_shipped_rules_start_with_their_first_chars() -> None:
    rules = load_rules(enable=sorted(load_rules().disabled))
    texts = utf8_corpus_lines()
    for r in rules.all_rules or rules.rules:
        first = first_chars(r)
        if first is None:
            continue
        for line in [*r.examples_match, *texts]:
            for m in r.compiled.finditer(line):
                assert line[m.start()] in first and m.end() > m.start(), (r.id, line)
