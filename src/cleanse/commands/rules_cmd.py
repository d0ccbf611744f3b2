"""``cleanse rules list|show|check|test``: read, validate and test rule files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..cli import echo_err, rule_options, ruleset_from
from ..errors import RuleFileError
from ..record_ids import RESERVED, describe
from ..rule_checks import unknown_rule
from ..rules import default_rules_dir, example_failures, parse_rule_file, rule_files


@click.group()
def rules() -> None:
    """Read, validate and test rule files.

    \b
    Example:
      cleanse rules test my-rules/
    """


@rules.command("list")
@rule_options
def list_rules(**options: Any) -> None:
    """List every rule: id, stage, zone, action, and whether it is on.

    \b
    Example:
      cleanse rules list --rules my-rules.toml
    """
    ruleset = ruleset_from(options)
    for rule in ruleset.all_rules:
        state = "off" if rule.id in ruleset.disabled else "on "
        click.echo(f"{state} {rule.id:<36} {rule.stage:<12} {rule.zone:<8} {rule.action}")


@rules.command("show")
@click.argument("rule_id")
@rule_options
def show_rule(rule_id: str, **options: Any) -> None:
    """Show what a rule does, why, where it is defined, and its examples.

    \b
    Example:
      cleanse rules show ads.qq-group
    """
    ruleset = ruleset_from(options)
    rule = ruleset.get(rule_id)
    if rule is None:
        built_in = describe(rule_id)
        if built_in is not None:  # an id the stages or readers record themselves
            click.echo(f"{rule_id}  (built into cleanse, not a rule file)\n  why: {built_in}")
            return
        known = [*(r.id for r in ruleset.all_rules or ruleset.rules), *RESERVED]
        raise click.UsageError(unknown_rule(rule_id, known))
    lines = [
        f"{rule.id}  ({rule.where})",
        f"  stage: {rule.stage}   zone: {rule.zone}   action: {rule.action}"
        + ("   [off]" if rule.id in ruleset.disabled else ""),
        f"  why: {rule.why}",
        f"  model: {rule.model}{_model_facts(rule)}" if rule.model else f"  pattern: {rule.pattern}",
    ]
    if rule.replace is not None:
        lines.append(f"  replace: {rule.replace!r}")
    lines += [f"  matches: {t}" for t in rule.examples_match]
    lines += [f"  keeps:   {t}" for t in rule.examples_keep]
    lines += [f"  fixes:   {a} -> {b}" for a, b in rule.examples_fix]
    click.echo("\n".join(lines))


def _model_facts(rule: Any) -> str:
    """A score rule's threshold and what its model was trained on."""
    from ..stages.scorer import rule_model, threshold_of

    model = rule_model(rule)
    trained = model.meta.get("trained_on", {})
    facts = f"  ({len(model.weights)} weights"
    if trained:
        facts += f"; trained on {trained.get('lines')} lines of {trained.get('sites')} sites"
    return facts + f")\n  threshold: {threshold_of(rule)}"


def _targets(paths: tuple[Path, ...]) -> list[Path]:
    if not paths:
        return rule_files(default_rules_dir())
    try:
        return [f for p in paths for f in rule_files(p)]
    except RuleFileError as exc:
        raise click.UsageError("\n".join(exc.problems)) from None


@rules.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check_rules(paths: tuple[Path, ...]) -> None:
    """Validate rule files (default: the built-in rules); exit 2 on any problem.

    \b
    Example:
      cleanse rules check my-rules.toml
    """
    files = _targets(paths)
    parsed = [parse_rule_file(f) for f in files]
    problems = [p for pf in parsed for p in pf.problems]
    for warning in (w for pf in parsed for w in pf.warnings):
        echo_err(f"warning: {warning}")
    for note in (n for pf in parsed for n in pf.notes):
        echo_err(f"note: {note}")
    for problem in problems:
        echo_err(problem)
    if problems:
        echo_err(f"{len(problems)} problem(s) in {len(files)} file(s)")
        sys.exit(2)
    for pf, path in zip(parsed, files, strict=True):
        if not pf.rules and not pf.disable:  # an empty file, or one without [[rule]] tables
            echo_err(
                f"warning: {path}: no rules in this file; a rule is a [[rule]] table "
                "(see 'Rule files' in the README)"
            )
    count = sum(len(pf.rules) for pf in parsed)
    click.echo(f"{count} rules in {len(files)} file(s): OK")


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def test_rules(paths: tuple[Path, ...]) -> None:
    """Run every rule's match/keep/fix examples; exit 1 if any fails.

    \b
    Example:
      cleanse rules test rules/
    """
    files = _targets(paths)
    parsed = [parse_rule_file(f) for f in files]
    problems = [p for pf in parsed for p in pf.problems]
    for problem in problems:
        echo_err(problem)
    if problems:
        sys.exit(2)
    rule_list = [r for pf in parsed for r in pf.rules]
    failures = [msg for r in rule_list for msg in example_failures(r)]
    for failure in failures:
        click.echo(failure)
    examples = sum(len(r.examples_match) + len(r.examples_keep) + len(r.examples_fix) for r in rule_list)
    click.echo(f"{len(rule_list)} rules, {examples} examples, {len(failures)} failed")
    if failures:
        sys.exit(1)
