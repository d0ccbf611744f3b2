"""Golden files: fixtures/golden/<case>/input.* cleaned must equal expected.txt, and cleaning the
expected output again must change nothing (as black does).

Set CLEANSE_UPDATE_GOLDEN=1 to rewrite expected.txt from the current behaviour — then review the
diff like code before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cleanse import Cleaner
from conftest import FIXTURES

CASES = sorted(p for p in (FIXTURES / "golden").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


def _input_of(case: Path) -> Path:
    (found,) = [p for p in case.iterdir() if p.name.startswith("input.")]
    return found


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_golden(case: Path, cleaner: Cleaner) -> None:
    doc = cleaner.clean_bytes(_input_of(case).read_bytes(), source=case.name)
    expected_path = case / "expected.txt"
    if os.environ.get("CLEANSE_UPDATE_GOLDEN") == "1":
        expected_path.write_bytes(doc.text.encode("utf-8"))
    expected = expected_path.read_bytes().decode("utf-8")
    assert doc.text == expected
    again = cleaner.clean(expected)
    assert again.text == expected and again.removed == () and again.changes == ()
