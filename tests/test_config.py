"""Config discovery like black: --config, cleanse.toml, pyproject [tool.cleanse]; CLI wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanse.cli import main
from cleanse.config import check_keys, find_config, load_config
from cleanse.errors import OptionError

TEXT = "正文第一句,第二句。\n"


def project(tmp_path: Path) -> tuple[Path, Path]:
    """A project with .git at its root and INPUT two folders below."""
    root = tmp_path / "proj"
    (root / ".git").mkdir(parents=True)
    src = root / "data" / "raw"
    src.mkdir(parents=True)
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    return root, src


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["run", *args])
    return result.exit_code, result.output


def test_finds_pyproject_table_walking_up(tmp_path: Path) -> None:
    root, src = project(tmp_path)
    (root / "pyproject.toml").write_text('[tool.cleanse]\nplaceholders = "off"\n', encoding="utf-8")
    assert find_config(src) == root / "pyproject.toml"
    assert find_config(src / "a.txt") == root / "pyproject.toml"


def test_cleanse_toml_nearer_wins_and_pyproject_without_table_is_ignored(tmp_path: Path) -> None:
    root, src = project(tmp_path)
    (root / "pyproject.toml").write_text("[tool.cleanse]\njobs = 1\n", encoding="utf-8")
    (src.parent / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert find_config(src) == root / "pyproject.toml"
    (src.parent / "cleanse.toml").write_text("jobs = 2\n", encoding="utf-8")
    assert find_config(src) == src.parent / "cleanse.toml"


def test_walk_stops_at_git_root(tmp_path: Path) -> None:
    (tmp_path / "cleanse.toml").write_text("jobs = 1\n", encoding="utf-8")  # outside the project
    _, src = project(tmp_path)
    assert find_config(src) is None


def test_unknown_key_suggests(tmp_path: Path) -> None:
    path = tmp_path / "cleanse.toml"
    path.write_text('placeholder = "off"\n', encoding="utf-8")
    with pytest.raises(OptionError, match="did you mean 'placeholders'"):
        check_keys(load_config(path), ["placeholders", "jobs"])


def test_cli_uses_config_and_flags_override(tmp_path: Path) -> None:
    root, src = project(tmp_path)
    (root / "cleanse.toml").write_text(
        'output-encoding = "gb18030"\nreport = "rep.jsonl"\njobs = 1\n', encoding="utf-8"
    )
    code, out = invoke(str(src), str(tmp_path / "o1"), "-v", "-q")
    assert code == 0, out
    assert f"config: {root / 'cleanse.toml'}" in out
    assert (root / "rep.jsonl").is_file()  # relative to the config file's folder
    cleaned = (tmp_path / "o1" / "a.txt").read_bytes()
    assert cleaned.decode("gb18030").startswith("正文第一句")
    assert cleaned != cleaned.decode("gb18030").encode("utf-8")
    mine = tmp_path / "mine.jsonl"
    code, out = invoke(
        str(src), str(tmp_path / "o2"), "-q", "--output-encoding", "utf-8", "--report", str(mine)
    )
    assert code == 0, out
    assert mine.is_file()
    assert (tmp_path / "o2" / "a.txt").read_bytes().decode("utf-8") == cleaned.decode("gb18030")


def test_cli_reports_unknown_key_as_usage_error(tmp_path: Path) -> None:
    root, src = project(tmp_path)
    (root / "cleanse.toml").write_text("jbos = 2\n", encoding="utf-8")
    code, out = invoke(str(src), str(tmp_path / "o"), "-q")
    assert code == 2
    assert "unknown key 'jbos'" in out and "did you mean 'jobs'" in out


def test_explicit_config_and_bad_value(tmp_path: Path) -> None:
    _, src = project(tmp_path)
    cfg = tmp_path / "elsewhere.toml"
    cfg.write_text('format = "xml"\n', encoding="utf-8")
    code, out = invoke(str(src), str(tmp_path / "o"), "--config", str(cfg), "-q")
    assert code == 2
    assert "format" in out and "xml" in out
    code, out = invoke(str(src), str(tmp_path / "o"), "--config", str(tmp_path / "missing.toml"), "-q")
    assert code == 2


def test_no_config_found_is_said_with_v(tmp_path: Path) -> None:
    _, src = project(tmp_path)
    code, out = invoke(str(src), str(tmp_path / "o"), "-v", "-q", "-j1")
    assert code == 0, out
    assert "config: none found" in out


def test_every_long_option_of_run_is_a_config_key(tmp_path: Path) -> None:
    """The accepted keys come from the run command's own options, so they cannot drift."""
    from click.testing import CliRunner

    from cleanse.cli import main

    run = main.commands["run"]
    longs = {
        max(p.opts, key=len).lstrip("-")
        for p in run.params
        if p.opts and max(p.opts, key=len).startswith("--") and p.name not in ("config", "help")
    }
    assert {"indent", "tabs", "max-blank-lines", "rule-timeout", "ad-threshold"} <= longs
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("正文内容。\n", encoding="utf-8")
    config = tmp_path / "cleanse.toml"
    config.write_text(
        'indent = "strip"\ntabs = "space"\nmax-blank-lines = 1\nrule-timeout = 2.0\nad-threshold = 0.97\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["run", str(tmp_path / "in"), str(tmp_path / "out"), "--config", str(config)]
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("rules = 5", "is not a path"),
        ('disable = "ads.qq-group"', "must be a list"),
        ('jobs = "many"', "jobs"),
    ],
)
def test_a_config_value_of_the_wrong_type_is_a_usage_error(tmp_path: Path, line: str, said: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(line + "\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("正文。\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["run", str(tmp_path / "a.txt"), str(tmp_path / "o"), "--config", str(config)]
    )
    assert result.exit_code == 2 and said in result.output and "Traceback" not in result.output
