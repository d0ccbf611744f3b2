"""Punctuation against autocorrect's and zhlint's own test cases (fixtures/conformance).

Every case marked ``agree`` must agree; every case marked with a style choice must still
differ, so the list of documented differences in docs/punctuation.md stays true.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from punct_conformance import DEFAULT_CASES, load_cases, make_cleaner, run  # noqa: E402

CASES = load_cases(DEFAULT_CASES)


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[str, bool]]:
    return {case["source"]: (out, ok) for case, out, ok in run(CASES, make_cleaner())}


def test_fixture_is_what_the_docs_describe() -> None:
    assert len(CASES) == 210
    assert Counter(c["project"] for c in CASES) == {"autocorrect": 139, "zhlint": 71}
    choices = Counter(c["cleanse"] for c in CASES if c["cleanse"] != "agree")
    docs = (ROOT / "docs" / "punctuation.md").read_text(encoding="utf-8")
    for choice, count in choices.items():
        assert f"`{choice}` ({count})" in docs


@pytest.mark.parametrize("case", CASES, ids=[c["source"].split("/", 2)[2] for c in CASES])
def test_case(case: dict, results: dict[str, tuple[str, bool]]) -> None:
    out, agrees = results[case["source"]]
    if case["cleanse"] == "agree":
        assert agrees, f"{case['input']!r} -> {out!r}, expected {case['expected_ignoring_spacing']!r}"
    else:
        assert not agrees, f"now agrees: drop the {case['cleanse']!r} mark and its entry in the docs"
