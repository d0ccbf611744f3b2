"""cleanse.integrations.datajuicer: the ``cleanse_mapper`` op run by data-juicer's own executor
(``dj-process``) on the recipe in ``examples/datajuicer/``, compared with
``cleanse run --format jsonl`` on the same records.

data-juicer is heavy (hundreds of MB, and it installs torch on first use unless one is there),
so these tests carry the ``datajuicer`` marker and are left out of the default run:
``pip install -e '.[dev,datajuicer]' && pytest -m datajuicer``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from integration_data import TEXTS, USER_RULE, as_bytes, cli_reference, read_jsonl, write_jsonl

pytestmark = pytest.mark.datajuicer

RECIPE = ROOT / "examples" / "datajuicer" / "recipe.yaml"
DJ_TEXTS = [t for t in TEXTS if t]  # data-juicer drops samples with empty text before any op


def run_recipe(tmp: Path, op_args: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run the example recipe (its op arguments updated by ``op_args``) with dj-process in
    ``tmp`` on DJ_TEXTS; the exported records."""
    yaml = pytest.importorskip("yaml")
    pytest.importorskip("data_juicer")
    recipe = yaml.safe_load(RECIPE.read_text(encoding="utf-8"))
    recipe["process"][0]["cleanse_mapper"].update(op_args or {})
    recipe["custom_operator_paths"] = [str(ROOT / p) for p in recipe["custom_operator_paths"]]
    (tmp / "recipe.yaml").write_text(yaml.safe_dump(recipe, allow_unicode=True), encoding="utf-8")
    write_jsonl(tmp / "corpus" / "docs.jsonl", [{"id": i, "text": t} for i, t in enumerate(DJ_TEXTS)])
    done = subprocess.run(
        [sys.executable, "-m", "data_juicer.tools.process_data", "--config", "recipe.yaml"],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return read_jsonl(tmp / "clean" / "docs.jsonl")


def test_example_recipe_cleans_like_the_cli(tmp_path: Path) -> None:
    texts, entries = cli_reference(tmp_path, DJ_TEXTS)
    out = sorted(run_recipe(tmp_path), key=lambda r: r["id"])
    assert [r["id"] for r in out] == list(range(len(DJ_TEXTS)))
    assert [r["text"] for r in out] == texts
    reports = [json.loads(r["cleanse"]) for r in out]
    assert [as_bytes(r) for r in reports] == [as_bytes(e) for e in entries]
    assert any(e["removed"] for e in entries) and any(e["flags"] for e in entries)


def test_recipe_options_reach_the_op(tmp_path: Path) -> None:
    rules = tmp_path / "my.toml"
    rules.write_text(USER_RULE, encoding="utf-8")
    args = ["--rules", str(rules), "--disable", "ads.dist.no-spread", "--placeholders", "off"]
    texts, _ = cli_reference(tmp_path, DJ_TEXTS, *args)
    options = {
        "rules": [str(rules)],
        "disable": ["ads.dist.no-spread"],
        "placeholders": "off",
        "report_key": None,
    }
    out = sorted(run_recipe(tmp_path, options), key=lambda r: r["id"])
    assert [r["text"] for r in out] == texts
    assert all("cleanse" not in r for r in out)
    assert any("仅供学习" in t for t in texts)  # the disabled rule really left its line
    assert not any("各位同志" in t for t in texts)  # the user rule removed its line


def test_readme_command_runs_the_example_recipe_as_written(tmp_path: Path) -> None:
    """The README's data-juicer snippet, in a folder laid out as it expects."""
    import shutil

    pytest.importorskip("data_juicer")
    from test_readme_pipelines import snippets

    lang, code = snippets()["data-juicer"]
    (command,) = [line for line in code.splitlines() if line and not line.startswith("#")]
    assert lang == "bash" and command.startswith("dj-process ")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    write_jsonl(tmp_path / "corpus" / "docs.jsonl", [{"id": i, "text": t} for i, t in enumerate(DJ_TEXTS)])
    texts, _ = cli_reference(tmp_path, DJ_TEXTS)
    script = Path(sys.executable).parent / "dj-process"
    done = subprocess.run(
        [str(script), *command.split()[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = sorted(read_jsonl(tmp_path / "clean" / "docs.jsonl"), key=lambda r: r["id"])
    assert [r["text"] for r in out] == texts
