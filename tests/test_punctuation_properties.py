"""Property tests for the punctuation stage: idempotent, protected spans intact, table-only edits."""

from __future__ import annotations

from difflib import SequenceMatcher

from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse import load_rules
from cleanse.matcher import RuleMatcher
from cleanse.stages.protect import protected_spans
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
LATIN = ["foo", "Linux", "GNOME", "X", "ＡＢＣ", "１２３", "abc"]
SPACES = [" ", "\u3000"]

pieces = st.one_of(
    st.sampled_from(CHINESE),
    st.sampled_from(MARKS),
    st.sampled_from(PROTECTED),
    st.sampled_from(LATIN),
    st.sampled_from(SPACES),
)
lines = st.lists(pieces, min_size=1, max_size=14).map("".join)

# Every character a rule may consume, and every character a rule may produce.
SOURCE = set(",;:?!()\"'.。．…—―-－・•‧∙⋅･，、；：[]（【［﹝)）】］﹞")
SOURCE |= {chr(c) for c in range(0xFF10, 0xFF1A)} | {chr(c) for c in range(0xFF21, 0xFF3B)}
SOURCE |= {chr(c) for c in range(0xFF41, 0xFF5B)}
TARGET = set("，；：？！（）“”‘’…—·。、〔〕") | {chr(c) for c in range(0x21, 0x7F)}


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
    out = punct(text)
    for span in protected_spans(text):
        part = text[span.start : span.end]
        assert out.count(part) >= text.count(part), (part, out)


@settings(max_examples=200, deadline=None)
@given(lines)
def test_only_table_characters_change(text: str) -> None:
    out = punct(text)
    for op, a1, a2, b1, b2 in SequenceMatcher(None, text, out, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        assert set(text[a1:a2]) <= SOURCE, (op, text[a1:a2], out[b1:b2])
        assert set(out[b1:b2]) <= TARGET, (op, text[a1:a2], out[b1:b2])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(CHINESE), min_size=1, max_size=3), st.sampled_from(PROTECTED))
def test_protected_token_between_chinese_words_is_kept(words: list[str], token: str) -> None:
    text = f"{words[0]} {token},{''.join(words)}"
    out = punct(text)
    assert f" {token}，" in out, out
