"""The wheel ships the default rules: a non-editable install into a fresh venv must find them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE

pytestmark = pytest.mark.packaging


def test_non_editable_install_finds_packaged_rules(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    src = tmp_path / "src"  # a copy, so the build cannot see the checkout's own rules/ by accident
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(
            ".git", ".venv*", "build", "*.egg-info", "__pycache__", ".pytest_cache"
        ),
    )
    subprocess.run([py, "-m", "pip", "install", "-q", str(src)], check=True, timeout=600)
    shutil.rmtree(src)
    cleanse = env_dir / "bin" / "cleanse"
    where = subprocess.run(
        [py, "-c", "import cleanse.rules as r; print(r.default_rules_dir())"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert str(env_dir) in where.stdout, "rules must come from the installed package"
    listed = subprocess.run([cleanse, "rules", "list"], capture_output=True, text=True, check=True)
    assert "whitespace.trailing" in listed.stdout
    inp, out = tmp_path / "in", tmp_path / "out"
    inp.mkdir()
    shutil.copy(SAMPLE, inp)
    run = subprocess.run(
        [cleanse, "run", inp, out, "--report", tmp_path / "r.jsonl"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert (out / SAMPLE.name).read_text(encoding="utf-8").endswith("谢谢大家。\n")
    assert sys.version_info >= (3, 11)
