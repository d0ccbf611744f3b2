"""bytes -> text: BOM, strict UTF-8, then GB18030 as the legacy fallback.

This is the foundation's decoder; see research/encoding.md for the layered detector that
replaces the fallback. The contract: the returned ``encoding`` is a Python codec name that
decodes the bytes (strictly, unless ``replacements`` > 0) to exactly the returned text.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from ..errors import DecodeError, OptionError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """The text and how it was obtained."""

    text: str
    encoding: str
    confidence: float
    decided_by: str
    replacements: int = 0


def check_codec(name: str) -> str:
    """The canonical codec name for ``name``; OptionError when Python has no such codec."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise OptionError(
            f"unknown encoding {name!r}; use a Python codec name such as utf-8, gb18030, cp950"
        ) from None


def _by_bom(data: bytes) -> Decoded | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(codec), codec, 1.0, "bom")
            except UnicodeDecodeError:
                return None
    return None


def _strict(data: bytes, codec: str, confidence: float, step: str) -> Decoded | None:
    try:
        return Decoded(data.decode(codec), codec, confidence, step)
    except UnicodeDecodeError:
        return None


def _looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:65536]


def _with_replacement(data: bytes, codec: str, step: str) -> Decoded:
    text = data.decode(codec, errors="replace")
    strict_count = data.decode(codec, errors="ignore")
    replaced = max(0, len(text) - len(strict_count))
    return Decoded(text, codec, 0.3, step, replaced)


def decode(data: bytes, *, forced: str | None = None) -> Decoded:
    """Decode one file's bytes. Raises DecodeError(reason='binary') for binary data."""
    if forced:
        codec = check_codec(forced)
        try:
            return Decoded(data.decode(codec), codec, 1.0, "forced")
        except UnicodeDecodeError:
            return _with_replacement(data, codec, "forced")
    found = _by_bom(data)
    if found:
        return found
    if _looks_binary(data):
        raise DecodeError("binary data (NUL bytes); not a text file", reason="binary")
    return (
        _strict(data, "utf-8", 1.0, "utf-8")
        or _strict(data, "gb18030", 0.6, "gb18030-fallback")
        or _with_replacement(data, "gb18030", "last-resort")
    )
