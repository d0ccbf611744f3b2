"""Rule files: validation messages, layering, disabling, and every default rule's examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanse import RuleFileError, load_rules
from cleanse.rules import default_rules_dir, example_failures, parse_rule_text, rule_files

GOOD = """
[[rule]]
id = "my.ad"
stage = "boilerplate"
why = "A seller's slogan."
pattern = '^酷乐文行$'
zone = "head"
examples.match = ["酷乐文行"]
examples.keep = ["酷乐文行是一家公司。"]
"""


def problems_of(text: str) -> list[str]:
    return parse_rule_text(text, "my.toml").problems


def test_valid_rule_parses() -> None:
    parsed = parse_rule_text(GOOD, "my.toml")
    assert parsed.problems == []
    (rule,) = parsed.rules
    assert (rule.id, rule.zone, rule.action, rule.line) == ("my.ad", "head", "drop-line", 3)


def test_unknown_key_suggests_the_intended_one() -> None:
    (msg,) = problems_of(GOOD.replace("pattern =", "patern ="))[:1]
    assert "my.toml:6" in msg  # the line of patern = ..., not the rule's first line
    assert "'my.ad'" in msg and "did you mean 'pattern'" in msg


def test_unknown_example_key_and_top_level_key() -> None:
    msgs = problems_of("rulez = 1\n" + GOOD.replace("examples.keep", "examples.kep"))
    assert any("examples.kep" in m and "did you mean 'keep'" in m for m in msgs)
    assert any("rulez" in m and "did you mean 'rule'" in m for m in msgs)


def test_bad_regex_names_rule_and_regex_message() -> None:
    (msg,) = problems_of(GOOD.replace("'^酷乐文行$'", "'(unclosed'"))
    assert "'my.ad'" in msg and "does not compile" in msg and "missing )" in msg


@pytest.mark.parametrize("pattern", ["''", "'a*'", "'(?:x)?'"])
def test_pattern_matching_empty_text_is_refused(pattern: str) -> None:
    msgs = problems_of(GOOD.replace("'^酷乐文行$'", pattern))
    assert msgs and all("'my.ad'" in m for m in msgs)
    assert any("every line" in m for m in msgs)


def test_missing_why_and_examples() -> None:
    text = GOOD.replace('why = "A seller\'s slogan."\n', "").replace(
        'examples.keep = ["酷乐文行是一家公司。"]\n', ""
    )
    msgs = problems_of(text)
    assert any("missing required key 'why'" in m for m in msgs)
    assert any("examples.keep" in m for m in msgs)


def test_empty_keep_examples_are_refused() -> None:
    msgs = problems_of(GOOD.replace('examples.keep = ["酷乐文行是一家公司。"]', "examples.keep = []"))
    assert any("examples.keep' is empty" in m for m in msgs)


def test_wrong_types_and_choices() -> None:
    msgs = problems_of(GOOD.replace('zone = "head"', 'zone = "top"\nlong_lines = "yes"'))
    assert any("'long_lines' must be true or false" in m for m in msgs)
    msgs = problems_of(GOOD.replace('zone = "head"', 'zone = "top"'))
    assert any("zone = 'top' is not one of head, tail, edges, anywhere" in m for m in msgs)


def test_duplicate_id_in_one_file() -> None:
    msgs = problems_of(GOOD + GOOD)
    assert any("duplicate id 'my.ad'" in m and "first defined at line 3" in m for m in msgs)


def test_toml_syntax_error_names_file_and_line() -> None:
    (msg,) = problems_of("[[rule]]\nid = \n")
    assert msg.startswith("my.toml: not valid TOML") and "line 2" in msg


def test_replace_action_needs_template() -> None:
    text = GOOD.replace('stage = "boilerplate"', 'stage = "punctuation"')
    assert any("needs a 'replace' template" in m for m in problems_of(text))


def test_user_rule_replaces_default_and_disable_works(tmp_path: Path) -> None:
    default = load_rules()
    some = default.rules[0]
    override = GOOD.replace('id = "my.ad"', f'id = "{some.id}"')
    (tmp_path / "mine.toml").write_text(override, encoding="utf-8")
    merged = load_rules([tmp_path])
    assert merged.get(some.id).pattern == "^酷乐文行$"  # type: ignore[union-attr]
    assert len(merged) == len(default)
    off = load_rules([tmp_path], disable=[some.id])
    assert some.id not in {r.id for r in off.rules} and some.id in off.disabled
    (tmp_path / "off.toml").write_text(f'disable = ["{some.id}"]\n', encoding="utf-8")
    assert some.id in load_rules([tmp_path]).disabled


def test_no_default_rules(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(GOOD, encoding="utf-8")
    only = load_rules([tmp_path / "mine.toml"], defaults=False)
    assert [r.id for r in only.rules] == ["my.ad"]


def test_disable_unknown_id_is_an_error() -> None:
    with pytest.raises(RuleFileError, match="unknown rule 'nope'"):
        load_rules(disable=["nope"])


def test_missing_rules_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="no such rule file or folder"):
        load_rules([tmp_path / "missing.toml"])


def test_broken_example_is_reported() -> None:
    rule = parse_rule_text(
        GOOD.replace('examples.match = ["酷乐文行"]', 'examples.match = ["别的"]'), "x"
    ).rules[0]
    (failure,) = example_failures(rule)
    assert "should match but does not" in failure and "'别的'" in failure


def test_fix_examples_are_checked() -> None:
    text = """
[[rule]]
id = "p.semi"
stage = "punctuation"
why = "w"
pattern = '(?<=\\p{Han});(?=\\p{Han})'
replace = "；"
examples.match = ["甲;乙"]
examples.keep = ["a;b"]
examples.fix = [["甲;乙", "甲;乙"]]
"""
    rule = parse_rule_text(text, "x").rules[0]
    (failure,) = example_failures(rule)
    assert "expected '甲;乙'" in failure


@pytest.mark.parametrize("path", rule_files(default_rules_dir()), ids=lambda p: p.name)
def test_default_rule_file_is_valid_and_its_examples_hold(path: Path) -> None:
    parsed = parse_rule_text(path.read_text(encoding="utf-8"), str(path))
    assert parsed.problems == []
    assert parsed.rules, f"{path} defines no rules"
    failures = [f for rule in parsed.rules for f in example_failures(rule)]
    assert failures == []
