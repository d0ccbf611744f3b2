"""--engine ray: a real local Ray (2 CPUs) gives byte-identical outputs and report to local."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanse.cli import main
from conftest import ROOT
from test_resume import make_corpus, tree


def test_missing_ray_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("正文。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "in"), str(tmp_path / "out"), "--engine", "ray"])
    assert result.exit_code == 2
    assert "pip install 'cleanse[ray]'" in result.output


def test_ray_address_needs_ray_engine(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    result = CliRunner().invoke(
        main, ["run", str(tmp_path / "in"), str(tmp_path / "out"), "--ray-address", "auto"]
    )
    assert result.exit_code == 2
    assert "--engine ray" in result.output


@pytest.mark.slow
def test_ray_and_local_engines_byte_identical(tmp_path: Path) -> None:
    pytest.importorskip("ray.data")
    src = tmp_path / "in"
    make_corpus(src, 40)
    (src / "recs.jsonl").write_text(
        '{"id": 1, "text": "正文,内容;结束."}\nnot json\n{"id": 2, "text": "仅供学习 禁止外传\\n正文。"}\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for engine in ("local", "ray"):
        cmd = [sys.executable, "-m", "cleanse", "run", "-q", "-j2", str(src), str(tmp_path / engine)]
        cmd += ["--engine", engine, "--report", str(tmp_path / f"{engine}.jsonl"), "--meta-field", "m"]
        cmd += ["--resume"] if engine == "ray" else []
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-2000:]
    assert tree(tmp_path / "ray") == tree(tmp_path / "local")
    assert len(tree(tmp_path / "local")) == 41
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    # the manifest the Ray workers built lets a local run resume: nothing is cleaned again
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "ray").rglob("*.txt")}
    cmd = [sys.executable, "-m", "cleanse", "run", "-q", str(src), str(tmp_path / "ray"), "--resume"]
    cmd += ["--report", str(tmp_path / "again.jsonl"), "--meta-field", "m"]
    assert subprocess.run(cmd, env=env, capture_output=True, timeout=120).returncode == 0
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "ray").rglob("*.txt")} == before
    assert (tmp_path / "again.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
