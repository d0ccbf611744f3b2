"""Fuzzing the two places untrusted data enters: document bytes and rule files.

By default a bounded run (a few seconds): hypothesis-generated rule files, structured enough to
reach the validator, and a short run of ``bench/fuzz_long.py`` (atheris when installed, else
hypothesis). ``-m slow`` runs the long version: 100,000 inputs through each target.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanse import Cleaner, RuleFileError
from cleanse.rules import RuleSet, example_failures, parse_rule_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("CLEANSE_PROPERTY_EXAMPLES", "150"))
FUZZ = ROOT / "bench" / "fuzz_long.py"

PATTERNS = [
    "(a+)+$",
    "",
    "(",
    "[",
    "a{2,1}",
    "x*",
    "^",
    r"\b",
    r"(?P<flag>X)同志",
    r"(\w)\1",
    "(?i)qq",
    r"\p{Han}+",
    "(?<=[一-龥]),",
    "仅供学习",
    "a" * 300,
    r"\ud800",
    "(?#comment)a",
]
KEYS = ["id", "stage", "why", "pattern", "zone", "action", "replace", "kind", "category", "strength"]
VALUES = st.one_of(
    st.sampled_from(["boilerplate", "punctuation", "whitespace", "placeholders", "drop-line", "replace"]),
    st.sampled_from(["flag", "edges", "head", "anywhere", "weak", "x", "", "\\1", "\\g<9>"]),
    st.sampled_from(PATTERNS),
    st.text(max_size=12),
    st.integers(-5, 5),
    st.booleans(),
    st.lists(st.text(max_size=6), max_size=3),
)


def toml_value(value: object) -> str:
    """A TOML literal (JSON strings and arrays are valid TOML, except surrogate escapes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=True)


@st.composite
def rule_files(draw: st.DrawFn) -> str:
    """A rule file: some [[rule]] tables with random, often wrong, keys and values."""
    out: list[str] = []
    if draw(st.booleans()):
        out.append(f"disable = {toml_value(draw(st.lists(st.text(max_size=5), max_size=2)))}")
    for _ in range(draw(st.integers(0, 4))):
        out.append("[[rule]]")
        keys = draw(
            st.lists(st.sampled_from([*KEYS, "patern", "examples.match", "examples.keep"]), max_size=9)
        )
        for key in dict.fromkeys(keys):
            out.append(f"{key} = {toml_value(draw(VALUES))}")
        if draw(st.booleans()):
            out.append('examples.match = ["a"]\nexamples.keep = ["b"]')
    text = "\n".join(out)
    if draw(st.booleans()):  # damage it
        pos = draw(st.integers(0, len(text)))
        text = text[:pos] + draw(st.text(max_size=4)) + text[pos:]
    return text


def check_parsed(text: str) -> None:
    """parse_rule_text never raises; problems name the file; accepted rules compile and run."""
    parsed = parse_rule_text(text, "fuzz.toml")
    for problem in parsed.problems:
        assert problem.startswith("fuzz.toml"), problem
    for rule in parsed.rules:
        assert rule.compiled.search("", timeout=0.5) is None, "a rule matching empty text was accepted"
        example_failures(rule, timeout=0.05)
    if parsed.rules and not parsed.problems:
        cleaner = Cleaner(RuleSet(tuple(parsed.rules)), rule_timeout=0.05)
        cleaner.clean("仅供学习 禁止外传\nX同志，你好,世界。\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\n")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(rule_files())
def test_rule_loader_survives_generated_rule_files(text: str) -> None:
    check_parsed(text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=300))
def test_rule_loader_survives_any_text(text: str) -> None:
    check_parsed(text)


def test_load_rules_raises_only_rule_file_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    for blob in [b"\xff\xfe\x00", b"[[rule]]\nid = 1", b"rule = 3", b"[[rule]]\n" * 3, b"\x00"]:
        path.write_bytes(blob)
        with pytest.raises(RuleFileError) as info:
            Cleaner([path])
        assert info.value.problems and all(str(path) in p for p in info.value.problems)


def _run_fuzzer(*args: str, timeout: int) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, str(FUZZ), *args], capture_output=True, text=True, timeout=timeout, env=env
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def _inputs_tried(output: str) -> int:
    found = re.findall(r"(?:Done (\d+) runs|fuzzed (\d+) inputs)", output)
    return int("".join(found[-1])) if found else 0


def test_fuzzer_hypothesis_engine_bounded(tmp_path: Path) -> None:
    out = _run_fuzzer("--engine", "hypothesis", "--runs", "300", "--target", "all", timeout=120)
    assert _inputs_tried(out) >= 200, out[-500:]


@pytest.mark.skipif(find_spec("atheris") is None, reason="atheris not installed (pip install atheris)")
def test_fuzzer_atheris_bounded(tmp_path: Path) -> None:
    corpus = str(tmp_path / "corpus")
    out = _run_fuzzer("--engine", "atheris", "--runs", "500", "--corpus", corpus, timeout=120)
    assert _inputs_tried(out) == 500, out[-500:]


@pytest.mark.slow
@pytest.mark.parametrize("target", ["clean_bytes", "rules"])
def test_fuzzer_long(target: str, tmp_path: Path) -> None:
    corpus = str(tmp_path / "corpus")
    out = _run_fuzzer("--target", target, "--runs", "100000", "--corpus", corpus, timeout=3600)
    # atheris runs exactly as many inputs as asked; hypothesis (used without atheris) counts an
    # input it generated twice once and calls the target only for new ones (81,017 of 100,000
    # for clean_bytes, 2026-12-04)
    assert _inputs_tried(out) >= (100_000 if "Done " in out else 50_000), out[-500:]
