"""Records and the command-line reference shared by the integration tests.

Every integration must give, for each record, the text and report entry that
``cleanse run --format jsonl`` gives for it; ``cli_reference`` runs the real command on the
same records so that the tests compare with it, never with hard-coded results.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cleanse.cli import main
from conftest import SAMPLE

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8", errors="replace")

AD_DOC = "仅供学习 禁止外传\n\n各位同志,今天我们召开会议;研究部署工作.\n\n会员群：  免费QQ群：123456\n"
PLACEHOLDER_DOC = "XX同志在会上指出,全市约占X%的企业已经完成改造。\n"
ONLY_ADS = "仅供学习 禁止外传\n"

TEXTS: list[str] = [
    AD_DOC,
    PLACEHOLDER_DOC,
    ONLY_ADS,
    "正文,内容;结束.",
    "",
    *(SAMPLE_TEXT[i * 500 : (i + 1) * 500] for i in range(6)),
]
"""Texts every integration can carry (datatrove needs a str in every document)."""

USER_RULE = """
[[rule]]
id = "my.meeting"
stage = "boilerplate"
why = "A test rule: this site's sign-off line."
pattern = '^各位同志'
zone = "anywhere"
action = "drop-line"
long_lines = true
examples.match = ["各位同志,今天开会"]
examples.keep = ["同志们好"]
"""
"""A user rule file (like ``--rules my-site.toml``) that removes AD_DOC's body line."""

MISSING: list[Any] = [None]
"""Cells that are not text: passed through unchanged, reported ``skipped``."""


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def comparable(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry without what names its place (``path``, and the path an error message starts
    with): the CLI names ``file:line``, an integration its row or document id."""
    out = {k: v for k, v in entry.items() if k != "path"}
    if out.get("error"):
        out["error"] = out["error"].removeprefix(f"{entry['path']}: ")
    return out


def as_bytes(entry: dict[str, Any]) -> bytes:
    return json.dumps(comparable(entry), ensure_ascii=False).encode("utf-8")


def cli_reference(tmp: Path, values: list[Any], *args: str) -> tuple[list[Any], list[dict[str, Any]]]:
    """(texts, report entries) of ``cleanse run --format jsonl`` on records ``{"id", "text"}``,
    in record order."""
    src = write_jsonl(tmp / "cli-in" / "records.jsonl", [{"id": i, "text": v} for i, v in enumerate(values)])
    out, report = tmp / "cli-out.jsonl", tmp / "cli-report.jsonl"
    result = CliRunner().invoke(
        main,
        ["run", "-q", "-j", "1", "--format", "jsonl", str(src), str(out), "--report", str(report), *args],
    )
    assert result.exit_code == 0, result.output
    records = read_jsonl(out)
    assert [r["id"] for r in records] == list(range(len(values)))
    entries = sorted(read_jsonl(report), key=lambda e: int(e["path"].rsplit(":", 1)[1]))
    assert len(entries) == len(values)
    return [r.get("text") for r in records], entries
