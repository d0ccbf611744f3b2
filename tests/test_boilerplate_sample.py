"""Golden test: the canonical sample loses exactly its eight ad lines and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cleanse import Cleaner
from cleanse.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample" / "speech-with-ads.txt"

AD_LINES = {1, 2, 3, 4, 5, 7, 8, 9}
TITLE = "在全市离退休干部党建工作经验交流会上的讲话"


def _body_line_numbers() -> list[int]:
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    return [n for n, line in enumerate(lines, 1) if n not in AD_LINES and line.strip()]


def test_sample_library_removes_exactly_the_ads() -> None:
    doc = Cleaner(placeholders="off").clean(SAMPLE.read_text(encoding="utf-8"))
    ads = {r.line for r in doc.removed if not r.rule.startswith("whitespace.")}
    assert ads == AD_LINES
    blanks = [r for r in doc.removed if r.rule.startswith("whitespace.")]
    assert all(not r.text.strip() for r in blanks), "only blank padding may go besides the ads"
    out = doc.text.split("\n")
    assert out[0] == TITLE
    assert doc.text.rstrip("\n").endswith("谢谢大家。")
    kept = [n for n, line in zip(doc.line_origins(), out, strict=False) if line.strip()]
    assert kept == _body_line_numbers(), "every body line is kept, in order"


def test_sample_removals_name_rule_or_block_reason() -> None:
    doc = Cleaner(placeholders="off").clean(SAMPLE.read_text(encoding="utf-8"))
    by_line = {r.line: r for r in doc.removed if r.line in AD_LINES}
    assert by_line[9].rule == "ads.qq-group"
    assert by_line[9].text.startswith("会员群：")
    # the platform name carries no keyword: it goes with its block, and says so
    assert by_line[2].text == "酷乐文行"
    assert by_line[2].rule.startswith("block:head:ads.")
    rules = {r.id for r in Cleaner().ruleset.rules}
    for removal in by_line.values():
        trigger = removal.rule.rsplit(":", 1)[-1]
        assert trigger in rules


def test_sample_second_run_changes_nothing() -> None:
    cleaner = Cleaner(placeholders="off")
    once = cleaner.clean(SAMPLE.read_text(encoding="utf-8")).text
    twice = cleaner.clean(once)
    assert twice.text == once
    assert not twice.removed


def test_sample_cli_run_golden(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "speech.txt").write_bytes(SAMPLE.read_bytes())
    report = tmp_path / "r.jsonl"
    result = CliRunner().invoke(
        main, ["run", str(src), str(tmp_path / "out"), "--report", str(report), "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "speech.txt").read_text(encoding="utf-8")
    assert text.split("\n")[0] == TITLE
    assert text.rstrip("\n").endswith("谢谢大家。")
    entry = json.loads(report.read_text(encoding="utf-8").splitlines()[0])
    removed = {r["line"]: r for r in entry["removed"] if r["text"].strip()}
    assert set(removed) == AD_LINES


def test_keep_boilerplate_removes_no_ads(tmp_path: Path) -> None:
    doc = Cleaner(keep_boilerplate=True, placeholders="off").clean(SAMPLE.read_text(encoding="utf-8"))
    assert doc.text.startswith("仅供学习 禁止外传\n酷乐文行\n")
    assert all(r.rule.startswith("whitespace.") for r in doc.removed)
