"""Property tests for the punctuation stage: idempotent, protected spans intact, table-only edits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse import load_rules
from cleanse.matching.matcher import RuleMatcher
from cleanse.stages.protect import merge, protected_spans
from cleanse.stages.punctuation import convert_line

MATCHER = RuleMatcher(load_rules().for_stage("punctuation"))

CHINESE = ["编辑", "文件", "在那些行中", "我们", "同志们", "参见", "第", "节", "好吧", "例如", "软件包"]
MARKS = [*",;:?!()\"'.-—―…。，、；：（）“”‘’《》・•", "...", "--", "。。", "，，"]
PROTECTED = [
    "3.14",
    "1,000",
    "5%",
    "16:32",
    "2011-02-15",
    "https://www.debian.org/doc",
    "user@example.org",
    "/etc/apt/sources.list",
    "~/.bashrc",
    "ssh(1)",
    "a:b",
    "foo(bar)",
    "apt-get install foo",
    "Hello, world",
    '"/usr/share/doc"',
    ":%set",
]
LATIN = ["foo", "Linux", "GNOME", "X", "ＡＢＣ", "１２３", "abc", "1", "pdf", "x)", "(y", 'a"', "it's"]
SPACES = [" ", "\u3000"]

pieces = st.one_of(
    st.sampled_from(CHINESE),
    st.sampled_from(MARKS),
    st.sampled_from(PROTECTED),
    st.sampled_from(LATIN),
    st.sampled_from(SPACES),
)
lines = st.lists(pieces, min_size=1, max_size=14).map("".join)

# Every character a rule may consume or produce. Full-width letters and digits fold to ASCII.
MARK_CHARS = set(",;:?!()\"'.。．…—―-－・•‧∙⋅･·，、；：？！（）“”‘’〔〕[]【】［］﹝﹞")
FOLD = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF5B) if chr(c).isalnum()})


def skeleton(text: str) -> str:
    """The text with every table character removed and full-width letters/digits folded."""
    return "".join(c for c in text.translate(FOLD) if c not in MARK_CHARS)


def punct(text: str) -> str:
    return convert_line(text, MATCHER)[0]


@settings(max_examples=200, deadline=None)
@given(lines)
def test_idempotent(text: str) -> None:
    once = punct(text)
    assert punct(once) == once


@settings(max_examples=200, deadline=None)
@given(lines)
def test_protected_spans_survive_intact(text: str) -> None:
    """Every protected span of the input is found, unchanged and in order, in the output."""
    out = punct(text)
    pos = 0
    for start, end in merge(protected_spans(text)):
        found = out.find(text[start:end], pos)
        assert found >= 0, (text[start:end], out)
        pos = found + (end - start)


@settings(max_examples=200, deadline=None)
@given(lines)
def test_only_table_characters_change(text: str) -> None:
    """Everything that is not a mark of the conversion tables survives, in order."""
    out = punct(text)
    assert skeleton(out) == skeleton(text), out
    assert {c for c in out if not c.isascii()} <= {c for c in text if not c.isascii()} | MARK_CHARS


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(CHINESE), min_size=1, max_size=3), st.sampled_from(PROTECTED))
def test_protected_token_between_chinese_words_is_kept(words: list[str], token: str) -> None:
    text = f"{words[0]} {token},{''.join(words)}"
    out = punct(text)
    assert f" {token}，" in out, out
