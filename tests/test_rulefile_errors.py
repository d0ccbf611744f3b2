"""Hostile and mistaken rule files: every mistake gets a message with file, line or rule id, and
what to do — through ``cleanse rules check`` (exit 2) and ``cleanse run --rules`` (exit 2,
nothing written). Rule files are data: nothing in them is executed or imported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanse.cli import main

GOOD = """
[[rule]]
id = "{id}"
stage = "boilerplate"
why = "Test rule."
pattern = '{pattern}'
examples.match = ["foo"]
examples.keep = ["bar"]
"""


def rule(pattern: str = "foo", rule_id: str = "my.rule", **extra: str) -> str:
    """One rule table, with extra ``key = value`` lines (values are TOML literals)."""
    text = GOOD.format(id=rule_id, pattern=pattern)
    return text + "".join(f"{k} = {v}\n" for k, v in extra.items())


# (name, file text, what the message must contain: [where, what, what to do])
CASES = [
    ("toml-syntax", '[[rule]]\nid = "a\n', ["line 2", "not valid TOML", "fix the syntax"]),
    ("toml-duplicate-key", rule() + 'id = "again"\n', ["not valid TOML", "fix the syntax"]),
    ("unknown-key", rule().replace("pattern", "patern"), ["my.rule", "'patern'", "did you mean 'pattern'"]),
    ("unknown-top-key", "rules = []\n" + rule(), ["unknown top-level key 'rules'", "did you mean 'rule'"]),
    ("wrong-type", rule().replace("pattern = 'foo'", "pattern = 5"), ["my.rule", "must be a string"]),
    ("wrong-type-bool", rule(long_lines='"yes"'), ["my.rule", "'long_lines'", "true or false"]),
    ("bad-choice", rule(zone='"middle"'), ["my.rule", "'middle'", "head, tail, edges, anywhere"]),
    (
        "duplicate-id",
        rule() + rule(pattern="baz"),
        [":11:", "'my.rule' (first defined at line 3)", "own id"],
    ),
    ("bad-regex", rule(pattern="foo("), ["my.rule", "does not compile", "fix the regular expression"]),
    ("empty-pattern", rule(pattern=""), ["my.rule", "is empty", "write the text"]),
    ("matches-empty", rule(pattern="x*"), ["my.rule", "matches empty text", "at least one character"]),
    ("missing-why", rule().replace('why = "Test rule."\n', ""), ["my.rule", "missing required key 'why'"]),
    ("empty-why", rule().replace('"Test rule."', '"  "'), ["my.rule", "'why' is empty"]),
    ("no-examples", rule().replace('examples.keep = ["bar"]\n', ""), ["my.rule", "examples.keep"]),
    ("empty-examples", rule().replace('["bar"]', "[]"), ["my.rule", "add at least one"]),
    ("replace-no-template", rule(action='"replace"'), ["my.rule", "needs a 'replace' template"]),
    ("rule-not-table", "rule = 3\n", ["[[rule]] tables"]),
    ("disable-not-list", 'disable = "x"\n' + rule(), ["'disable' must be a list"]),
    ("not-utf8", "\udcff", ["cannot read rule file"]),
]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    return path


@pytest.mark.parametrize(("name", "text", "needles"), CASES, ids=[c[0] for c in CASES])
def test_rules_check_names_file_place_and_fix(
    tmp_path: Path, name: str, text: str, needles: list[str]
) -> None:
    path = write(tmp_path, text)
    result = CliRunner().invoke(main, ["rules", "check", str(path)])
    assert result.exit_code == 2, result.output
    assert str(path) in result.output
    for needle in needles:
        assert needle in result.output, f"{name}: {needle!r} not in {result.output!r}"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("name", "text", "needles"), CASES, ids=[c[0] for c in CASES])
def test_run_with_bad_rules_writes_nothing(tmp_path: Path, name: str, text: str, needles: list[str]) -> None:
    path = write(tmp_path, text)
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text("正文。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(src), str(out), "--rules", str(path), "-j", "1"])
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and needles[-1] in result.output
    assert not out.exists() or not any(out.rglob("*"))


def test_catastrophic_pattern_is_warned_about_with_rule_and_advice(tmp_path: Path) -> None:
    path = write(tmp_path, rule(pattern="(a+)+$", rule_id="my.slow"))
    result = CliRunner().invoke(main, ["rules", "check", str(path)])
    assert result.exit_code == 0
    assert f"{path}:3: rule 'my.slow'" in result.output
    assert "backtrack catastrophically" in result.output and "(a+)+ -> a+" in result.output


def test_alternation_blowup_is_found_by_probing(tmp_path: Path) -> None:
    text = rule(pattern="^(a|aa)+$", rule_id="my.alt").replace('["foo"]', '["aaa"]')
    result = CliRunner().invoke(main, ["rules", "check", str(write(tmp_path, text))])
    assert result.exit_code == 0
    assert "rule 'my.alt': pattern takes over" in result.output


def test_ordinary_patterns_get_no_backtracking_warning(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["rules", "check"])
    assert result.exit_code == 0
    assert "warning" not in result.output


def test_rule_files_are_data_never_executed(tmp_path: Path) -> None:
    sentinel = tmp_path / "sentinel"
    sentinel.write_text("x")
    folder = tmp_path / "rules"
    folder.mkdir()
    code = f"__import__('os').remove({str(sentinel)!r})"
    (folder / "evil.py").write_text(code + "\n")
    (folder / "__init__.py").write_text(code + "\n")
    hostile = rule(pattern=r"\g<0>", rule_id="my.code").replace('"Test rule."', repr(code).replace("'", '"'))
    (folder / "evil.toml").write_text(hostile + f"replace = {code!r}\n".replace("'", '"', 1))
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text("foo\n", encoding="utf-8")
    CliRunner().invoke(main, ["rules", "check", str(folder)])
    CliRunner().invoke(main, ["run", str(src), str(out), "--rules", str(folder), "-j", "1"])
    assert sentinel.exists(), "something in a rule folder was executed"


def test_rules_check_warns_on_a_file_without_rules(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cleanse.cli import main

    empty = tmp_path / "empty.toml"
    empty.write_bytes(b"")
    result = CliRunner().invoke(main, ["rules", "check", str(empty)])
    assert result.exit_code == 0
    assert "no rules in this file" in result.stderr
    missing = CliRunner().invoke(main, ["rules", "check", str(tmp_path / "nope.toml")])
    assert (
        missing.exit_code == 2 and "--rules" not in missing.output and "no such rule file" in missing.output
    )


BAD_KEYS = """[[rule]]
id = "my.first"
stage = "boilerplate"
why = "x"
pattern = 'ok'
examples.match = ["ok"]
examples.keep = ["b"]

[[rule]]
id = "my.bad"
stage = "boilerplate"
why = "x"
zone = "middle"
pattern = '(unclosed'
examples.match = ["a"]
examples.keep = ["b"]
"""


def test_a_problem_with_one_key_points_at_that_key_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD_KEYS, encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "check", str(path)])
    assert result.exit_code == 2
    assert f"{path}:13: rule 'my.bad': zone = 'middle'" in result.output, result.output
    assert f"{path}:14: rule 'my.bad': pattern does not compile" in result.output, result.output
    typo = BAD_KEYS.replace('zone = "middle"\n', "").replace("pattern = '(unclosed'", "patern = 'x'")
    path.write_text(typo, encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "check", str(path)])
    assert f"{path}:13: rule 'my.bad': unknown key 'patern'" in result.output, result.output
    assert f"{path}:10: rule 'my.bad': missing required key 'pattern'" in result.output, result.output


def test_an_unknown_rule_id_gets_the_closest_one(tmp_path: Path) -> None:
    shown = CliRunner().invoke(main, ["rules", "show", "ads.qq-grup"])
    assert shown.exit_code == 2 and "did you mean 'ads.qq-group'?" in shown.output
    src = tmp_path / "a.txt"
    src.write_text("正文。\n", encoding="utf-8")
    run = CliRunner().invoke(main, ["run", str(src), str(tmp_path / "out"), "--disable", "ads.qq-grup"])
    assert run.exit_code == 2 and "did you mean 'ads.qq-group'?" in run.output


# -- issue 21: templates, ids, big files --------------------------------------------------------


def _check(tmp_path: Path, text: str) -> str:
    path = tmp_path / "r.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "check", str(path)])
    assert result.exit_code == 2, result.output
    return result.output


@pytest.mark.parametrize("template", [r"\5", r"\g<nope>", r"\g<2>"])
def test_a_replace_template_naming_a_missing_group_fails_at_load(tmp_path: Path, template: str) -> None:
    text = rule("(a)b", "my.tpl").replace('stage = "boilerplate"', 'stage = "punctuation"')
    text += f"action = \"replace\"\nreplace = '{template}'\n"
    assert "refers to group" in _check(tmp_path, text)


@pytest.mark.parametrize("rule_id", ["whitespace.blank-lines", "block:head:x", "my.{{x}}", "a b", "中文"])
def test_rule_ids_are_plain_names_not_the_stages_own(tmp_path: Path, rule_id: str) -> None:
    output = _check(tmp_path, rule(rule_id=rule_id))
    assert "stages' own record id" in output or "may hold only letters" in output


def test_a_file_of_many_rules_is_read_in_one_pass(tmp_path: Path) -> None:
    """Looking a rule's lines up used to re-split the whole file per rule (N² for N rules)."""
    from cleanse.rule_lines import _index
    from cleanse.rules import parse_rule_text

    text = "".join(rule(f"foo{n}", f"my.r{n}") for n in range(300))
    _index.cache_clear()
    parsed = parse_rule_text(text, "big.toml")
    assert len(parsed.rules) == 300 and not parsed.problems
    assert _index.cache_info().misses == 1


def test_deeply_nested_toml_and_patterns_are_problems_not_tracebacks(tmp_path: Path) -> None:
    nested = tmp_path / "nested.toml"
    nested.write_text("a = " + "[" * 600 + "]" * 600 + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "check", str(nested)])
    assert result.exit_code == 2 and "nested too deeply" in result.output
    deep = "(" * 400 + "a" + ")" * 400
    assert "nests groups too deeply" in _check(tmp_path, rule(deep))
    src = tmp_path / "a.txt"
    src.write_text("正文。\n", encoding="utf-8")
    config = CliRunner().invoke(main, ["run", str(src), str(tmp_path / "o"), "--config", str(nested)])
    assert config.exit_code == 2 and "nested too deeply" in config.output
