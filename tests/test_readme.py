"""The README's first lines hold the two newcomer commands, and .ci/run runs the test one exactly."""

from __future__ import annotations

from conftest import ROOT


def _commands() -> list[str]:
    head = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:20]
    return [line.strip() for line in head if line.startswith("    ") and line.strip()]


def test_readme_starts_with_install_and_test_commands() -> None:
    install, test = _commands()[:2]
    assert "pip install" in install and "cleanse run fixtures/sample" in install
    assert test.endswith("pytest")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _commands()[1] in ci


def test_ci_then_runs_the_long_suites_the_readme_names() -> None:
    """The default run leaves the ``slow`` tests out; CI runs them in a second call."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci.index("pytest -m slow") > ci.index(_commands()[1])
    assert "pytest -m slow" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_first_command_leaves_nothing_untracked_in_the_clone() -> None:
    """The README's first command writes out/ and report.jsonl at the repository root."""
    import subprocess

    first = _commands()[0]
    assert "out/" in first and "report.jsonl" in first
    for path in ("out/a.txt", "report.jsonl"):
        found = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, check=False)
        assert found.returncode == 0, f"{path} is not ignored"
