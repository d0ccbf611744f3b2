"""A generated matrix: real Chinese prose × lengths × encodings, every one decoded exactly.

Texts live in fixtures/encoding/texts (Simplified, Traditional, official-document style with
〔〕《》“” and U+3000 indentation, mixed Chinese/English/digits, characters outside GB2312,
Cantonese with Hong Kong characters, plain English). Each is cycled to the wanted length
and encoded with every codec that can carry it; the detector must give back exactly the
original text, strictly.
"""

from __future__ import annotations

import itertools
from functools import cache

import pytest

from cleanse.stages.encoding import decode
from conftest import FIXTURES

TEXTS = ("simplified", "traditional", "official", "mixed", "rare", "cantonese", "english")
LENGTHS = (10, 30, 100, 300, 1000, 5000, 20000, 50000)
ENCODINGS = (
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gbk", "gb18030", "big5", "big5hkscs", "ascii"
)  # fmt: skip


@cache
def prose(name: str) -> str:
    """One fixture text (UTF-8 on disk)."""
    return (FIXTURES / "encoding" / "texts" / f"{name}.txt").read_text(encoding="utf-8")


def sample(name: str, length: int) -> str:
    """The text repeated and cut to ``length`` characters."""
    text = prose(name)
    return (text * (length // len(text) + 1))[:length]


def _encodable(name: str, codec: str) -> bool:
    try:
        prose(name).encode(codec)
    except UnicodeEncodeError:
        return False
    return True


CASES = [
    pytest.param(name, length, codec, id=f"{name}-{length}-{codec}")
    for name, codec in itertools.product(TEXTS, ENCODINGS)
    if _encodable(name, codec)
    for length in LENGTHS
]


def test_matrix_is_large_enough() -> None:
    assert len(CASES) >= 300
    used = {p.values[2] for p in CASES}
    assert used == set(ENCODINGS)


@pytest.mark.parametrize(("name", "length", "codec"), CASES)
def test_decodes_exactly(name: str, length: int, codec: str) -> None:
    text = sample(name, length)
    data = text.encode(codec)
    got = decode(data)
    assert got.text == text, f"{got.encoding} via {got.decided_by}"
    assert got.replacements == 0
    assert data.decode(got.encoding) == text  # the reported codec alone reproduces the text
    assert 0.0 <= got.confidence <= 1.0
    assert got.encoding not in {"gb2312", "gbk", "big5"}  # always the superset codec


def test_unencodable_combinations_are_left_out_honestly() -> None:
    """Big5 cannot carry Simplified text; the matrix skips it rather than testing garbage."""
    assert not _encodable("simplified", "big5")
    assert _encodable("traditional", "big5")
    assert not _encodable("rare", "gbk") and _encodable("rare", "gb18030")
    assert not _encodable("cantonese", "big5") and _encodable("cantonese", "big5hkscs")
