"""The encoding stage: raw-byte edge cases, non-Chinese controls, forcing, flags and warnings."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from cleanse.errors import DecodeError, OptionError
from cleanse.pipeline import Cleaner, Options
from cleanse.stages import repertoire
from cleanse.stages.encoding import (
    MAX_REPLACEMENT_FLAGS,
    REPLACEMENT_RULE,
    UNCERTAIN,
    check_codec,
    decode,
    encoding_warnings,
)
from conftest import FIXTURES

EDGE = FIXTURES / "encoding" / "edge"
TEXTS = FIXTURES / "encoding" / "texts"
CHINESE_CODECS = {"gb18030", "gbk", "gb2312", "cp950", "big5", "big5hkscs"}


def edge(name: str) -> bytes:
    return (EDGE / name).read_bytes()


def text(name: str, chars: int | None = None) -> str:
    t = (TEXTS / f"{name}.txt").read_text(encoding="utf-8")
    return t if chars is None else (t * (chars // len(t) + 1))[:chars]


# -- edge cases (fixtures/encoding/edge, written by fixtures/encoding/make_edge.py) -------------


def test_truncated_utf8_is_utf8_with_one_replacement() -> None:
    data = edge("truncated-utf8.txt")
    got = decode(data)
    assert (got.encoding, got.decided_by, got.replacements) == ("utf-8", "utf-8-tolerant", 1)
    assert got.text == data.decode("utf-8", errors="replace")
    assert got.text[:-1] == text("simplified", 400)[:-1] and got.text.endswith("\ufffd")


def test_gbk_with_one_bad_byte_is_gb18030_with_one_replacement() -> None:
    data = edge("gbk-one-bad-byte.txt")
    got = decode(data)
    assert (got.encoding, got.replacements) == ("gb18030", 1)
    assert got.text.replace("\ufffd", "") == text("simplified", 400)
    assert got.text == data.decode("gb18030", errors="replace")


def test_png_header_with_random_bytes_is_binary() -> None:
    with pytest.raises(DecodeError) as info:
        decode(edge("png-header.txt"))
    assert info.value.reason == "binary"
    assert "--encoding" in str(info.value)  # says what to do next


def test_random_bytes_without_a_signature_are_binary_too() -> None:
    data = edge("png-header.txt")[8:]
    with pytest.raises(DecodeError) as info:
        decode(data)
    assert info.value.reason == "binary"


@pytest.mark.parametrize(
    "sig", [b"PK\x03\x04", b"%PDF-1.7\n", b"\x1f\x8b\x08", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]
)
def test_archive_and_document_signatures_are_binary(sig: bytes) -> None:
    with pytest.raises(DecodeError) as info:
        decode(sig + "后面是一些看起来像文字的内容".encode())
    assert info.value.reason == "binary"


def test_control_bytes_without_nul_are_binary() -> None:
    rng = random.Random(7)
    data = bytes(rng.choice(range(1, 32)) for _ in range(300)) + "中文".encode("gbk") * 20
    with pytest.raises(DecodeError):
        decode(data)


@pytest.mark.parametrize("name", ["empty.txt", "whitespace-only.txt"])
def test_empty_and_whitespace_only_are_utf8(name: str) -> None:
    data = edge(name)
    got = decode(data)
    assert (got.encoding, got.replacements, got.confidence) == ("utf-8", 0, 1.0)
    assert got.text == data.decode("ascii")


def test_big5_with_vendor_bytes_is_cp950_with_replacements() -> None:
    data = edge("big5-vendor.txt")
    got = decode(data)
    assert got.encoding == "cp950"
    assert got.replacements >= 1
    assert got.text == data.decode("cp950", errors="replace")
    assert "\u2593" in got.text  # the ETen extension cp950 knows is kept
    assert got.text.replace("\ufffd", "").replace("\u2593", "") == text("traditional", 400)


def test_mid_file_damage_beyond_ten_percent_is_not_utf8() -> None:
    """Legacy bytes read as UTF-8 give far more errors than valid characters."""
    got = decode(text("simplified", 300).encode("gbk"))
    assert got.encoding == "gb18030" and got.replacements == 0


# -- non-Chinese controls: decoded right, or flagged, never silently Chinese ----------------------

CONTROLS = [
    (name, codec, length)
    for name, codec in (
        ("japanese", "shift_jis"),
        ("korean", "euc-kr"),
        ("french", "cp1252"),
        ("japanese", "euc-jp"),
    )
    for length in (10, 40, 400, 4000)
]


@pytest.mark.parametrize(("name", "codec", "length"), CONTROLS)
def test_non_chinese_controls(name: str, codec: str, length: int) -> None:
    original = text(name, length)
    got = decode(original.encode(codec))
    flagged = got.confidence < UNCERTAIN or got.replacements > 0
    assert got.text == original or flagged, f"silently wrong: {got.encoding} via {got.decided_by}"
    if got.encoding in CHINESE_CODECS:
        assert flagged and encoding_warnings(got)


@pytest.mark.parametrize(
    ("name", "codec"), [("japanese", "shift_jis"), ("korean", "euc-kr"), ("french", "cp1252")]
)
def test_longer_controls_are_decoded_right(name: str, codec: str) -> None:
    original = text(name, 400)
    got = decode(original.encode(codec))
    assert got.text == original
    assert got.encoding == codecs.lookup(got.encoding).name


# -- cheap evidence ---------------------------------------------------------------------------------


def test_most_legacy_files_settle_without_the_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleanse.stages.encoding_legacy as enc

    def no_detector(data: bytes) -> tuple[str | None, float]:
        raise AssertionError("chardet was called")

    monkeypatch.setattr(enc, "_chardet", no_detector)
    for name, codec in (
        ("simplified", "gbk"),
        ("official", "gb18030"),
        ("traditional", "big5"),
        ("traditional", "gbk"),
    ):
        got = decode(text(name, 2000).encode(codec))
        assert got.decided_by == "gb-big5" and got.text == text(name, 2000)


def test_gbk_bytes_that_happen_to_be_valid_utf8_are_read_as_gbk() -> None:
    data = "为什么 Debian".encode("gbk")
    data.decode("utf-8")  # valid UTF-8: "Ϊʲô Debian"
    got = decode(data)
    assert (got.text, got.encoding) == ("为什么 Debian", "gb18030")


@pytest.mark.parametrize("word", ["café crème brûlée", "Привет, мир", "naïve façade"])
def test_real_two_byte_utf8_stays_utf8(word: str) -> None:
    assert decode(word.encode("utf-8")).text == word


def test_gb2312_home_is_built_with_gb18030_mappings() -> None:
    home = repertoire.gb2312_home()
    assert "\u00b7" in home and "\u30fb" not in home  # A1A4 as gbk/gb18030 give it
    assert "中" in home and "體" in home  # Simplified, and Traditional from Big5 level 1
    assert "あ" not in home  # kana rows are left out on purpose


# -- forcing, codec names ---------------------------------------------------------------------------


def test_forced_codec_is_used_as_is() -> None:
    data = text("simplified", 50).encode("gbk")
    got = decode(data, forced="GBK")
    assert (got.encoding, got.decided_by, got.text) == ("gbk", "forced", text("simplified", 50))


def test_forced_wrong_codec_counts_replacements() -> None:
    got = decode(text("simplified", 50).encode("gbk"), forced="utf-8")
    assert got.replacements > 0 and got.confidence < 1.0


@pytest.mark.parametrize("name", ["no-such-codec", "base64", "rot13", "zlib"])
def test_check_codec_rejects_what_is_not_a_text_codec(name: str) -> None:
    with pytest.raises(OptionError, match="gb18030"):
        check_codec(name)
    with pytest.raises(OptionError):
        Options(encoding=name)


def test_check_codec_canonicalises() -> None:
    assert check_codec("GB18030") == "gb18030" and check_codec("big5-hkscs") == "big5hkscs"
    assert Options(encoding="auto").encoding is None


# -- Cleaner: meta, warnings, replacement flags in the OUTPUT text --------------------------------


def test_cleaner_records_encoding_facts() -> None:
    doc = Cleaner().decode(text("traditional", 300).encode("big5"), source="a.txt")
    assert doc.encoding == "cp950"
    assert doc.meta["decided_by"] == "gb-big5" and doc.meta["replacements"] == 0
    assert 0.5 < doc.meta["confidence"] <= 1.0
    assert not doc.meta["warnings"]


def test_replacements_become_flags_pointing_into_the_output() -> None:
    data = "第一行\n\n\n  第二行有坏字节 ".encode() + b"\xe4\xb8" + "结尾。\n".encode()
    doc = Cleaner().clean_bytes(data)
    flags = [f for f in doc.flags if f.rule == REPLACEMENT_RULE]
    assert len(flags) == 1 and flags[0].kind == "encoding"
    line = doc.text.split("\n")[flags[0].line - 1]
    assert line[flags[0].col - 1] == "\ufffd"
    assert any("U+FFFD" in w for w in doc.meta["warnings"])


def test_replacement_flags_are_capped() -> None:
    data = ("好" * 2000).encode() + b"\xff" * 150  # 150 bad bytes < 10% of 2000 characters
    doc = Cleaner().clean_bytes(data)
    assert doc.meta["replacements"] == 150
    assert len([f for f in doc.flags if f.rule == REPLACEMENT_RULE]) == MAX_REPLACEMENT_FLAGS


def test_clean_documents_get_no_encoding_flags(tmp_path: Path) -> None:
    doc = Cleaner().clean_bytes(text("official").encode("gb18030"))
    assert not [f for f in doc.flags if f.kind == "encoding"]


def test_benchmark_runs_and_checks_its_decodes(tmp_path: Path) -> None:
    """bench/bench_encoding.py stays runnable: a tiny corpus, one pass, every decode right."""
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("bench_encoding", ROOT / "bench" / "bench_encoding.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    utf8, legacy, small = bench.generate(tmp_path, 6)
    assert len(utf8) == len(legacy) == 6 and len(small) == 12
    rows = bench.measure("legacy", legacy, 1)
    assert [label for label, _ in rows] == ["bare decode", "cleanse decode", "chardet alone"]
    assert all(seconds > 0 for _, seconds in rows)


def test_detector_works_with_older_chardet(monkeypatch: pytest.MonkeyPatch) -> None:
    """chardet 5/6 have no encoding_era or prefer_superset: the plain call is used."""
    import chardet

    import cleanse.stages.encoding_legacy as enc

    def old_detect(data: bytes) -> dict[str, object]:
        return {"encoding": "EUC-KR", "confidence": 0.9, "language": "Korean"}

    monkeypatch.setattr(chardet, "detect", old_detect)
    assert enc._chardet("안녕하세요".encode("euc-kr")) == ("euc_kr", 0.9)
