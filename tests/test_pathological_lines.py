"""Issue 21, item 5: the default rules stay linear on pathological lines.

Before the fix, ``'中文' + '!' * 60000 + '中文'`` took 24 s, 120,000 marks 88 s and
``'中文' + '）(' * 16000`` 85 s: a lookbehind reaching back over a run made every mark rescan it,
and the paren rules rescanned to the end of the line from every bracket. Now each such line
takes well under a second, so under the default 2 s per-document budget no rule is skipped.
These tests assert that outcome (nothing skipped, the right text, idempotent), not a time:
a quadratic rule would blow the budget by orders of magnitude on these sizes and be named in
the document's warnings. Timings are in ``bench/bench_pathological.py``.
"""

from __future__ import annotations

import pytest

from cleanse import Cleaner

CLEANER = Cleaner()

# The reproductions, then one line per shape that made a default rule super-linear.
SHAPES = {
    "issue: 60,000 !": "中文" + "!" * 60_000 + "中文",
    "issue: 120,000 !": "中文" + "!" * 120_000 + "中文",
    "issue: ）( x 16,000": "中文" + "）(" * 16_000,
    "? run": "中文" + "?" * 100_000 + "中文",
    "!? alternating": "中" + "!?" * 50_000,
    "! run after Latin": "a" + "!" * 100_000 + "a",
    ", run before Chinese": "a" + "," * 100_000 + "中",
    ": run before //": "中文" + ":" * 100_000 + "//",
    "; run in Latin": "a" + ";" * 100_000 + "a",
    ". run in Latin": "a" + "." * 100_000 + "a",
    "unclosed ( before Chinese": "(" + "中" * 100_000,
    ") after long Chinese": "中" * 100_000 + ")",
    "nested parens": "(" * 50_000 + "中" + ")" * 50_000,
    '" before long Latin': '"' + "a" * 100_000 + '中"',
    "' before long Latin": "'" + "a" * 100_000 + "中'",
    "spaces before text": "中" + " " * 100_000 + "文",
    "ideographic spaces": "\u3000" * 100_000 + "中",
    "decoration then a letter": "=" * 100_000 + "a",
    "full-width brackets": "（" * 100_000,
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=SHAPES.keys())
def test_pathological_line_is_cleaned_without_skipping_a_rule(text: str) -> None:
    doc = CLEANER.clean(text)
    assert doc.meta.get("warnings", []) == [], "a default rule ran past its time limit"
    assert CLEANER.clean(doc.text).text == doc.text, "cleaning the cleaned text changed it"


def test_runs_of_marks_convert_whole() -> None:
    """A run converts as the marks one by one did (each mark's context is the run before it)."""
    assert CLEANER.clean("中文" + "!" * 60_000 + "中文").text == "中文" + "！" * 60_000 + "中文\n"
    assert CLEANER.clean("太好了!!!").text == "太好了！！！\n"
    assert CLEANER.clean("真的吗?!").text == "真的吗？！\n"
    assert CLEANER.clean("取反!=").text == "取反!=\n", "a ! before = is code"
    assert CLEANER.clean("跟随者!!important").text == "跟随者！!important\n", "only the last ! is code"
    assert CLEANER.clean("注意:://x").text == "注意：://x\n"
    # a run before Chinese converts whole, then the doubled commas collapse
    assert CLEANER.clean("a,,,中文").text == "a，中文\n"
    assert CLEANER.clean("a" + "," * 3000 + "中").text == "a，中\n", "a long run must finish in one run"


def test_brackets_pair_as_before() -> None:
    assert CLEANER.clean("中文）(）(").text == "中文）（）(\n"
    assert CLEANER.clean("命令(或其它工具)来").text == "命令（或其它工具）来\n"
    assert CLEANER.clean("标准(FHS)中").text == "标准(FHS)中\n"
    assert CLEANER.clean("((((中))))").text == "(（（（中）））)\n", "up to three levels, symmetric"
    assert CLEANER.clean("(" + "中" * 5000).text == "(" + "中" * 5000 + "\n", "an unclosed ( stays"


@pytest.mark.slow
def test_a_million_character_line_of_each_shape() -> None:
    for name, text in SHAPES.items():
        big = (text * (1_000_000 // len(text) + 1))[:1_000_000]
        doc = CLEANER.clean(big)
        assert doc.meta.get("warnings", []) == [], name
