"""The README's "Use it in your pipeline" snippets, run as written on a small JSONL corpus,
and their outputs compared with ``cleanse run --format jsonl`` on the same records.

A snippet that stops working, or that cleans differently from the command line, fails here.
The data-juicer command runs in tests/test_integrations_datajuicer.py (marker ``datajuicer``).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from integration_data import TEXTS, as_bytes, cli_reference, read_jsonl, write_jsonl

CORPUS = [t for t in TEXTS if t]


def snippets() -> dict[str, tuple[str, str]]:
    """The fenced blocks of the README's pipeline section: first-line comment -> (language, code)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Use it in your pipeline\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S)
    return {code.splitlines()[0].lstrip("# ").strip(): (lang, code) for lang, code in blocks}


def test_the_section_has_the_four_snippets() -> None:
    assert set(snippets()) == {"datatrove", "Hugging Face datasets", "pandas", "data-juicer"}


def run_snippet(name: str, tmp: Path) -> str:
    lang, code = snippets()[name]
    assert lang == "python"
    write_jsonl(tmp / "corpus" / "docs.jsonl", [{"id": f"d{i}", "text": t} for i, t in enumerate(CORPUS)])
    env = {**os.environ, "HF_HOME": str(tmp / "hf"), "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def read_gz_jsonl(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for path in sorted(folder.glob("*.jsonl.gz")) for line in gzip.open(path, "rt")]


def test_datatrove_snippet(tmp_path: Path) -> None:
    pytest.importorskip("datatrove")
    pytest.importorskip("orjson")
    texts, entries = cli_reference(tmp_path, CORPUS)
    run_snippet("datatrove", tmp_path)
    kept = {int(d["id"][1:]): d for d in read_gz_jsonl(tmp_path / "clean")}
    dropped = {int(d["id"][1:]): d for d in read_gz_jsonl(tmp_path / "dropped")}
    empty = {i for i, t in enumerate(texts) if not t.strip()}
    assert empty and set(dropped) == empty and set(kept) == set(range(len(CORPUS))) - empty
    for i, doc in kept.items():
        assert doc["text"] == texts[i]
        counts = doc["metadata"]["cleanse"]
        assert counts["status"] == "ok" and sum(counts["removed"].values()) == len(entries[i]["removed"])
    for i, doc in dropped.items():
        assert doc["metadata"]["filter_reason"] == "cleanse_empty"
        assert as_bytes(doc["metadata"]["cleanse"]) == as_bytes(entries[i])
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    (step,) = [b["stats"] for b in stats if "cleanse" in b["name"]]
    assert step["dropped_cleanse_empty"] == len(empty)


def test_hf_snippet(tmp_path: Path) -> None:
    pytest.importorskip("datasets")
    texts, entries = cli_reference(tmp_path, CORPUS, "--disable", "ads.dist.no-spread")
    run_snippet("Hugging Face datasets", tmp_path)
    rows = read_jsonl(tmp_path / "clean-hf.jsonl")
    assert [r["id"] for r in rows] == [f"d{i}" for i in range(len(CORPUS))]
    assert [r["text"] for r in rows] == texts
    assert [as_bytes(json.loads(r["cleanse"])) for r in rows] == [as_bytes(e) for e in entries]
    assert any("仅供学习" in t for t in texts)  # the disabled rule left its line in


def test_pandas_snippet(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    texts, entries = cli_reference(tmp_path, CORPUS)
    printed = run_snippet("pandas", tmp_path)
    rows = read_jsonl(tmp_path / "clean-pandas.jsonl")
    assert [r["text"] for r in rows] == texts
    flagged = [i for i, e in enumerate(entries) if e["flags"]]
    assert flagged
    for i in flagged:  # the printed report lists exactly the flagged rows, with their counts
        assert re.search(rf"^{i}\s+ok\s+{len(entries[i]['flags'])}$", printed, flags=re.M), printed
    assert len(printed.strip().splitlines()) == len(flagged) + 1
