"""Shared fixtures: paths to the repository, the bundled sample and ../shared (devset)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SAMPLE = FIXTURES / "sample" / "speech-with-ads.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def sample_bytes() -> bytes:
    """The canonical real dirty input (a copy of ../shared/samples/speech-with-ads.txt)."""
    return SAMPLE.read_bytes()


@pytest.fixture
def devset_dir() -> Path:
    """../shared/devset; skipped where the shared folder is not beside the checkout."""
    path = SHARED / "devset"
    if not (path / "in").is_dir():
        pytest.skip("../shared/devset is not available here")
    return path


def utf8_corpus_lines() -> list[str]:
    """Every line of every fixture and devset input that decodes as UTF-8 (real text to check
    a fast path against the general one; the devset part is absent where ../shared is)."""
    lines: list[str] = []
    for root in (FIXTURES, SHARED / "devset" / "in"):
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            try:
                lines += path.read_bytes().decode("utf-8").splitlines()
            except UnicodeDecodeError:
                continue
    return lines
