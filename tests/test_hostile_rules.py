"""A rule that runs past its time limit on one document: reported for that document and rule,
the document is left uncleaned by that rule only, and the run goes on (end to end)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanse import Cleaner, Options, load_rules
from cleanse.cli import main
from cleanse.job import Job
from cleanse.runner import run

SLOW_RULES = """
[[rule]]
id = "my.slow"
stage = "{stage}"
why = "Backtracks exponentially on long runs of 'a' (a hostile user rule)."
pattern = '^(a|aa)+$'
zone = "anywhere"
action = "{action}"
{extra}
long_lines = true
examples.match = ["aaa"]
examples.keep = ["bbb"]
"""
STAGES = [
    ("boilerplate", "drop-line", ""),
    ("boilerplate", "drop-span", ""),
    ("punctuation", "replace", 'replace = "A"'),
    ("placeholders", "flag", ""),
]
HOSTILE_LINE = "a" * 40 + "!"  # the pattern times out here
QQ_LINE = "加入免费QQ群：123456"  # a default rule removes this


def _rules(tmp_path: Path, stage: str, action: str, extra: str) -> Path:
    path = tmp_path / "slow.toml"
    path.write_text(SLOW_RULES.format(stage=stage, action=action, extra=extra), encoding="utf-8")
    return path


def _inputs(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "1-hostile.txt").write_text(f"{QQ_LINE}\n正文第一段。\n{HOSTILE_LINE}\n", encoding="utf-8")
    (src / "2-fine.txt").write_text(f"{QQ_LINE}\naaa\n正文。\n", encoding="utf-8")
    return src


@pytest.mark.parametrize(("stage", "action", "extra"), STAGES, ids=[s[0] + "-" + s[1] for s in STAGES])
def test_timed_out_rule_is_reported_and_skipped_for_that_document(
    tmp_path: Path, stage: str, action: str, extra: str
) -> None:
    cleaner = Cleaner(load_rules([_rules(tmp_path, stage, action, extra)]), Options(rule_timeout=0.05))
    src, out = _inputs(tmp_path), tmp_path / "out"
    start = time.monotonic()
    entries, summary = run(cleaner, Job(src, out), ["1-hostile.txt", "2-fine.txt"], jobs=1)
    assert time.monotonic() - start < 20, "a hostile pattern must not hang the run"
    hostile, fine = entries
    assert hostile["status"] == "ok" and fine["status"] == "ok" and summary.failed == 0
    assert any("my.slow" in w and "time limit" in w for w in hostile["warnings"]), hostile["warnings"]
    assert not fine["warnings"]
    assert all(r["rule"] != "my.slow" for r in hostile["removed"] + hostile["changes"] + hostile["flags"])
    assert HOSTILE_LINE in (out / "1-hostile.txt").read_text(encoding="utf-8"), "left uncleaned by it"
    # the other rules still ran on the hostile document, and the slow rule on the fine one
    assert QQ_LINE not in (out / "1-hostile.txt").read_text(encoding="utf-8")
    used = [r["rule"] for r in fine["removed"] + fine["changes"] + fine["flags"]]
    if stage != "punctuation":  # a line of Latin letters is a protected span for punctuation rules
        assert "my.slow" in used


def test_timed_out_rule_end_to_end_through_the_cli(tmp_path: Path) -> None:
    rules = _rules(tmp_path, "boilerplate", "drop-line", "")
    src, out, report = _inputs(tmp_path), tmp_path / "out", tmp_path / "report.jsonl"
    args = [
        "run",
        str(src),
        str(out),
        "--rules",
        str(rules),
        "--report",
        str(report),
        "-j",
        "1",
        "--rule-timeout",
        "0.05",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    entries = {e["path"]: e for e in map(json.loads, report.read_text(encoding="utf-8").splitlines())}
    assert any("my.slow" in w for w in entries["1-hostile.txt"]["warnings"])
    assert sorted(p.name for p in out.iterdir()) == ["1-hostile.txt", "2-fine.txt"]


KEEP_RULE = """
[[rule]]
id = "my.keep"
stage = "boilerplate"
why = "Our own slogan is content."
action = "keep"
pattern = '{pattern}'
long_lines = true
examples.match = ["{match}"]
examples.keep = ["bbb"]
"""


def test_a_keep_rule_keeps_only_the_lines_it_matches(tmp_path: Path) -> None:
    """A boilerplate keep rule protected every line (a generator is always true), so one user
    keep rule turned all ad removal off."""
    path = tmp_path / "keep.toml"
    path.write_text(KEEP_RULE.format(pattern="^我们的口号$", match="我们的口号"), encoding="utf-8")
    doc = Cleaner(load_rules([path])).clean(f"{QQ_LINE}\n我们的口号\n正文第一段，内容完整。\n")
    assert [r.rule for r in doc.removed] == ["ads.qq-group"]
    assert doc.text == "我们的口号\n正文第一段，内容完整。\n"


def test_a_slow_keep_rule_keeps_its_line_and_is_named(tmp_path: Path) -> None:
    path = tmp_path / "keep.toml"
    path.write_text(KEEP_RULE.format(pattern="^(a|aa)+$", match="aaa"), encoding="utf-8")
    doc = Cleaner(load_rules([path]), Options(rule_timeout=0.05)).clean(
        f"{QQ_LINE}\n正文。\n{HOSTILE_LINE}\n"
    )
    assert HOSTILE_LINE in doc.text and QQ_LINE not in doc.text
    assert any("my.keep" in w for w in doc.meta.get("warnings", ())), doc.meta
