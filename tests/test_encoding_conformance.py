"""Encoding detection on other projects' test files (fixtures/conformance/encoding) and on
generated equivalents of the cases only chardet's unlicensed feeds showed.

The promise: never silently wrong. Every file is decoded to its expected text, or read with a
vendor superset of its codec (cp950 for Big5 …), or skipped as an encoding Python has no codec
for — or, for the few files no detector here gets right, answered with a warning (confidence
below 0.5), never with a confident wrong text.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cleanse.errors import DecodeError
from cleanse.stages.encoding import UNCERTAIN, decode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import bench_conformance as conformance  # noqa: E402

SAMPLES = conformance.load(ROOT / "fixtures" / "conformance" / "encoding" / "manifest.jsonl")

# No detector here reads these right (chardet and charset-normalizer neither): too short, Latin
# neighbours that differ in one or two letters, or encodings Python lacks. They must warn.
FLAGGED = {
    "uchardet/test/ja/shift_jis.txt",  # 115 bytes
    "cpython/Lib/test/cjkencodings/big5hkscs.txt",  # 23 bytes of Hong Kong characters
    "uchardet/test/da/iso-8859-15.txt",
    "uchardet/test/et/windows-1252.txt",
    "uchardet/test/lt/iso-8859-10.txt",
    "uchardet/test/hr/iso-8859-13.txt",
    "uchardet/test/vi/viscii.txt",  # no Python codec
    "uchardet/test/ka/georgian-ps.txt",  # no Python codec
}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.path for s in SAMPLES])
def test_never_silently_wrong(sample: conformance.Sample) -> None:
    answer = conformance.run_cleanse(sample.data)
    verdict = conformance.judge(sample, answer)
    if sample.path in FLAGGED:
        assert verdict == conformance.WRONG, "now right: take it off the FLAGGED list"
        assert (answer.confidence or 0.0) < UNCERTAIN, f"confident and wrong: {answer}"
    else:
        assert verdict >= conformance.DECIDED, f"{sample.expected} -> {answer.encoding} {answer.confidence}"


def test_chinese_files_are_read_exactly_or_with_the_superset_table() -> None:
    chinese = [s for s in SAMPLES if conformance.is_chinese(s)]
    assert len(chinese) >= 8
    for sample in chinese:
        if sample.path not in FLAGGED:
            assert conformance.judge(sample, conformance.run_cleanse(sample.data)) >= conformance.DECIDED


RUSSIAN = "Съешь же ещё этих мягких французских булок, да выпей чаю. " * 6
CZECH = "Příliš žluťoučký kůň úpěl ďábelské ódy, řekl Šťastný Čechům. " * 6
CHINESE = "中华人民共和国宪法规定，公民有受教育的权利和义务。" * 4
KOREAN = "대한민국 헌법은 국민의 기본권을 보장합니다. 모든 국민은 인간으로서의 존엄과 가치를 가진다. " * 3


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (CHINESE, "utf-32-le"),
        (CHINESE, "utf-32-be"),
        (RUSSIAN, "utf-32-le"),
        (RUSSIAN, "utf-16-le"),  # BOM-less UTF-16 of a script beyond Latin-1: NULs only at spaces
        (RUSSIAN, "utf-16-be"),
        (RUSSIAN, "iso8859-5"),  # chardet's superset renaming reads this as cp1251: garbage
        (CZECH, "iso8859-2"),
        (KOREAN, "euc_kr"),  # valid GB18030 too (chardet's EUC-KR pages were read as Chinese)
        (CHINESE, "hz"),
    ],
)
def test_generated_equivalents(text: str, codec: str) -> None:
    found = decode(text.encode(codec))
    assert found.text == text, (found.encoding, found.confidence, found.decided_by)


def test_iso_2022_cn_is_skipped_with_a_reason() -> None:
    with pytest.raises(DecodeError) as info:
        decode(b"abc \x1b$)A\x0e:N\x0f def\n")
    assert info.value.reason == "unsupported-encoding" and info.value.skips
    assert "iconv" in str(info.value)
