"""Fuzz ``Cleaner.clean_bytes`` and the rule loader for as long as you like.

Uses atheris (coverage-guided, libFuzzer) when it is installed, else hypothesis with a large
example budget. Each input is checked, not only run:

- ``clean_bytes``: only ``DecodeError(reason='binary')`` may escape; the output encodes as
  UTF-8; cleaning the output again changes nothing.
- ``rules``: ``parse_rule_text`` never raises (every mistake is a collected problem naming the
  file); every rule it accepts compiles, and its examples run under a short timeout.

Usage::

    pip install atheris                                  # optional; falls back to hypothesis
    PYTHONPATH=src python bench/fuzz_long.py --target all --runs 100000
    PYTHONPATH=src python bench/fuzz_long.py --target rules --seconds 600 --engine hypothesis

It prints ``fuzzed N inputs, 0 crashes`` at the end (atheris: libFuzzer's ``Done N runs``);
a crash prints the input and exits non-zero.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SEEDS = [ROOT / "fixtures" / "sample" / "speech-with-ads.txt", *sorted((ROOT / "rules").glob("*.toml"))]
COUNT = {"inputs": 0}


def _targets() -> dict[str, object]:
    """Imported late, so atheris can instrument cleanse before it is loaded."""
    from cleanse import Cleaner, DecodeError
    from cleanse.rules import example_failures, parse_rule_text

    cleaner = Cleaner(rule_timeout=0.2)

    def fuzz_clean_bytes(data: bytes) -> None:
        try:
            doc = cleaner.clean_bytes(data)
        except DecodeError as exc:
            if not exc.skips:
                raise
            return
        doc.text.encode("utf-8")
        again = cleaner.clean(doc.text).text
        if again != doc.text:
            raise AssertionError(f"not idempotent: {doc.text!r} -> {again!r}")

    def fuzz_rules(data: bytes) -> None:
        parsed = parse_rule_text(data.decode("utf-8", errors="replace"), "fuzz.toml")
        for problem in parsed.problems:
            if not problem.startswith("fuzz.toml"):
                raise AssertionError(f"problem does not name the file: {problem!r}")
        for rule in parsed.rules:
            example_failures(rule, timeout=0.05)

    def fuzz_all(data: bytes) -> None:
        (fuzz_rules if data[:1] == b"[" else fuzz_clean_bytes)(data)

    return {"clean_bytes": fuzz_clean_bytes, "rules": fuzz_rules, "all": fuzz_all}


def _counted(fn: object) -> object:
    def run(data: bytes) -> None:
        COUNT["inputs"] += 1
        fn(data)  # type: ignore[operator]

    return run


def run_atheris(target: str, runs: int, seconds: int, corpus: Path) -> int:
    """libFuzzer over the target; seeds are the sample and the shipped rule files."""
    import atheris

    with atheris.instrument_imports(include=["cleanse"]):
        fns = _targets()
    corpus.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        (corpus / seed.name).write_bytes(seed.read_bytes()[:4096])
    args = [sys.argv[0], str(corpus), "-max_len=4096", "-timeout=20", "-rss_limit_mb=4096"]
    args.append(f"-runs={runs}" if runs else f"-max_total_time={seconds}")
    atheris.Setup(args, _counted(fns[target]))
    atheris.Fuzz()
    return 0


def run_hypothesis(target: str, runs: int, seconds: int) -> int:
    """The same checks with hypothesis (always installed with the dev extras)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    fn = _counted(_targets()[target])
    seeds = [s.read_bytes()[:4096] for s in SEEDS]
    data = st.one_of(st.binary(max_size=2048), st.sampled_from(seeds), st.text(max_size=512).map(str.encode))
    deadline = time.monotonic() + (seconds or 10**9)

    @settings(
        max_examples=runs or 10**9, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    @given(data)
    def check(blob: bytes) -> None:
        if time.monotonic() < deadline:
            fn(blob)  # type: ignore[operator]

    check()
    print(f"fuzzed {COUNT['inputs']} inputs, 0 crashes ({target}, hypothesis)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--target", choices=("clean_bytes", "rules", "all"), default="all")
    parser.add_argument("--runs", type=int, default=0, help="inputs to try (0: use --seconds)")
    parser.add_argument("--seconds", type=int, default=60, help="time budget when --runs is 0")
    parser.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    parser.add_argument(
        "--corpus", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "cleanse-fuzz"
    )
    args = parser.parse_args()
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "hypothesis"
    if engine == "atheris":
        return run_atheris(args.target, args.runs, args.seconds, args.corpus)
    return run_hypothesis(args.target, args.runs, args.seconds)


if __name__ == "__main__":
    sys.exit(main())
