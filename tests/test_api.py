"""The library API: clean(), Cleaner, Document records, pickling, errors."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from cleanse import Cleaner, CleanseError, DecodeError, Document, OptionError, Options, clean
from cleanse.document import drop_lines, map_lines


def test_clean_text_and_bytes_agree(sample_bytes: bytes) -> None:
    from_bytes = clean(sample_bytes)
    from_text = clean(sample_bytes.decode("utf-8"))
    assert from_bytes.text == from_text.text
    assert from_bytes.encoding == "utf-8" and from_text.encoding is None


def test_cleaning_is_idempotent_on_the_sample(sample_bytes: bytes) -> None:
    once = clean(sample_bytes)
    twice = clean(once.text)
    assert twice.text == once.text
    assert twice.removed == () and twice.changes == ()


def test_whitespace_basics() -> None:
    doc = clean("\n\n标题\r\n\r\n\r\n\u3000\u3000正文\u200b第一段。  \r\n第二\u00a0段。\t\n\n\n")
    assert doc.text == "标题\n\n\u3000\u3000正文第一段。\n第二 段。\n"
    rules = {c.rule for c in doc.changes} | {r.rule for r in doc.removed}
    assert {
        "whitespace.line-endings",
        "whitespace.invisible",
        "whitespace.nbsp",
        "whitespace.trailing",
        "whitespace.blank-lines",
    } <= rules


def test_removal_lines_are_input_lines() -> None:
    doc = clean("\n\n\n标题\n\n\n\n正文。\n")
    assert [(r.rule, r.line) for r in doc.removed] == [
        ("whitespace.blank-lines", 1),
        ("whitespace.blank-lines", 2),
        ("whitespace.blank-lines", 3),
        ("whitespace.blank-lines", 6),
        ("whitespace.blank-lines", 7),
    ]


def test_empty_and_blank_inputs() -> None:
    assert clean("").text == ""
    assert clean(b"").text == ""
    assert clean(" \n\u3000\n\n").text == ""


def test_final_newline_added_once() -> None:
    doc = clean("正文。")
    assert doc.text == "正文。\n"
    assert [c.rule for c in doc.changes] == ["whitespace.final-newline"]


def test_cleaner_pickles_and_gives_same_results(sample_bytes: bytes) -> None:
    cleaner = Cleaner(placeholders="off")
    clone = pickle.loads(pickle.dumps(cleaner))
    assert clone.options == cleaner.options
    assert clone.clean_bytes(sample_bytes).text == cleaner.clean_bytes(sample_bytes).text
    assert len(pickle.dumps(cleaner)) < 200_000


def test_document_pickles(sample_bytes: bytes) -> None:
    doc = clean(sample_bytes)
    assert pickle.loads(pickle.dumps(doc)) == doc


def test_binary_bytes_raise_decode_error() -> None:
    with pytest.raises(DecodeError) as info:
        Cleaner().clean_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert info.value.reason == "binary" and isinstance(info.value, CleanseError)


def test_unknown_option_is_named() -> None:
    with pytest.raises(OptionError, match=r"unknown option.*placholders"):
        Cleaner(placholders="flag")
    with pytest.raises(OptionError, match="choose one of flag, mark, off"):
        Options(placeholders="hide")


def test_keep_boilerplate_only_normalizes(sample_bytes: bytes) -> None:
    kept = Cleaner(keep_boilerplate=True).clean_bytes(sample_bytes)
    assert kept.text.startswith("仅供学习 禁止外传\n")
    assert not [r for r in kept.removed if not r.rule.startswith("whitespace.")]


def test_drop_and_map_lines_keep_origins() -> None:
    doc = Document(text="a\nb\nc\nd\n")
    doc = drop_lines(doc, {1: "r.one"})
    doc = map_lines(doc, lambda line: ("C", [("r.up", line, "C")]) if line == "c" else (line, []))
    doc = drop_lines(doc, {0: "r.two"})
    assert doc.text == "C\nd\n"
    assert doc.line_origins() == (3, 4)
    assert [(r.rule, r.line, r.text) for r in doc.removed] == [("r.one", 2, "b"), ("r.two", 1, "a")]
    assert [(c.rule, c.line) for c in doc.changes] == [("r.up", 3)]


# -- what a newcomer passes first (issue: newcomer papercuts) ------------------------------------


def test_cleaner_clean_takes_bytes_like_clean() -> None:
    data = "你好,世界".encode("gbk")
    doc = Cleaner().clean(data)
    assert doc.text.strip() == "你好，世界" and doc.encoding == "gb18030"


def test_cleaner_clean_rejects_missing_values_with_a_way_out() -> None:
    for value in (None, float("nan"), 3):
        with pytest.raises(CleanseError, match="clean_text"):
            Cleaner().clean(value)  # type: ignore[arg-type]


def test_clean_text_passes_missing_cells_through() -> None:
    import math

    cleaner = Cleaner()
    assert cleaner.clean_text(None) is None
    assert math.isnan(cleaner.clean_text(float("nan")))
    assert cleaner.clean_text("你好,世界") == cleaner.clean("你好,世界").text
    assert cleaner.clean_text("你好".encode("gbk")).strip() == "你好"


def test_pandas_column_with_a_missing_cell() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"text": ["你好,世界", None, float("nan")]})
    cleaned = frame["text"].map(Cleaner().clean_text)
    assert cleaned.iloc[0].startswith("你好，世界") and cleaned.iloc[1:].isna().all()
    assert list(cleaned.index) == list(frame.index)


def test_cleaner_takes_a_single_rule_path(tmp_path: Path) -> None:
    rule_file = tmp_path / "my-site.toml"
    rule_file.write_text(
        '[[rule]]\nid = "my.stamp"\nstage = "boilerplate"\nwhy = "a stamp"\npattern = \'^晨星资料馆$\'\n'
        'action = "drop-line"\nexamples.match = ["晨星资料馆"]\nexamples.keep = ["正文"]\n',
        encoding="utf-8",
    )
    for given in (str(rule_file), rule_file):
        assert "my.stamp" in {r.id for r in Cleaner(given).ruleset.rules}


def test_removed_is_the_one_word_for_removed_text() -> None:
    """The library says ``removed`` like the report and ``clean --json``; the old name warns."""
    import warnings

    from cleanse import clean

    doc = clean("加入免费QQ群：123456\n正文，内容完整。\n")
    assert [r.rule for r in doc.removed] == ["ads.qq-group"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert doc.removals == doc.removed
    assert caught and issubclass(caught[0].category, DeprecationWarning)
