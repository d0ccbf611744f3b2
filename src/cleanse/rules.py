"""Loading, validating and compiling rule files (TOML) into a RuleSet.

A rule file is validated like code: every problem names the file, the rule id, the line and
the key, and says what to do. Rule files are data: nothing in them is ever executed.

Layering: the default rules (``rules/`` shipped in the wheel) come first, then each ``--rules``
path in order. A rule whose id is already defined by an earlier layer replaces it; the same id
twice inside one layer is an error. ``disable = [...]`` in any file, or ``--disable ID``, turns
rules off. A rule with ``enabled = false`` is off until a user file re-enables it by id.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import regex

from .errors import RuleFileError
from .rule_checks import (
    ACTIONS,
    DEFAULT_ACTION,
    STAGES,
    STRENGTHS,
    ZONES,
    backtracking_warnings,
    compile_pattern,
    nesting_notes,
    suggest,
    unknown_rule,
    validate_rule,
)
from .rule_lines import at_key_lines, rule_block, rule_line

__all__ = ["ACTIONS", "STAGES", "STRENGTHS", "ZONES", "Rule", "RuleSet", "compile_pattern", "load_rules"]

_FILE_KEYS = ("rule", "disable", "description")


@dataclass(frozen=True)
class Rule:
    """One validated rule. Pure data: it pickles small and compiles lazily, once per process."""

    id: str
    stage: str
    why: str
    pattern: str
    zone: str = "anywhere"
    action: str = "drop-line"
    replace: str | None = None
    kind: str | None = None
    category: str | None = None
    strength: str = "strong"
    long_lines: bool = False
    enabled: bool = True
    ignore_case: bool = False
    examples_match: tuple[str, ...] = ()
    examples_keep: tuple[str, ...] = ()
    examples_fix: tuple[tuple[str, str], ...] = ()
    translate: tuple[str, str] | None = None
    model: str | None = None
    threshold: float | None = None
    source: str = ""
    line: int = 0

    @property
    def compiled(self) -> regex.Pattern[str]:
        """The compiled pattern (cached per process, so a Cleaner compiles each rule once)."""
        return compile_pattern(self.pattern, self.ignore_case)

    def replacement(self, m: regex.Match[str]) -> str:
        """What one match becomes: the ``translate`` table applied, or ``replace`` expanded."""
        if self.translate is not None:
            return self.translated(m.group())
        return m.expand(self.replace or "")

    def translated(self, text: str) -> str:
        """``text`` through the rule's ``translate`` table (unchanged without one)."""
        return text if self.translate is None else text.translate(_translation(*self.translate))

    @property
    def where(self) -> str:
        """``file:line`` of the rule's definition, for messages."""
        return f"{self.source}:{self.line}" if self.line else self.source


@lru_cache(maxsize=256)
def _translation(src: str, dst: str) -> dict[int, int]:
    """The ``str.translate`` table of a ``translate`` rule (built once per process)."""
    return str.maketrans(src, dst)


@dataclass(frozen=True)
class RuleSet:
    """The enabled rules in order, plus what was disabled (for ``rules list``)."""

    rules: tuple[Rule, ...]
    disabled: frozenset[str] = field(default_factory=frozenset)
    all_rules: tuple[Rule, ...] = ()
    warnings: tuple[str, ...] = ()

    def for_stage(self, stage: str) -> tuple[Rule, ...]:
        """The enabled rules of one stage, in load order."""
        return tuple(r for r in self.rules if r.stage == stage)

    def get(self, rule_id: str) -> Rule | None:
        """Any known rule by id, enabled or not."""
        return next((r for r in self.all_rules or self.rules if r.id == rule_id), None)

    def __len__(self) -> int:
        return len(self.rules)


# -- locating rule files ------------------------------------------------------------------------


def default_rules_dir() -> Path:
    """The packaged ``rules/`` folder (inside the wheel), or the checkout's for editable installs."""
    packaged = Path(str(resources.files("cleanse"))) / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


def rule_files(path: Path) -> list[Path]:
    """A rule file itself, or every ``*.toml`` below a folder, sorted for a stable order."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*.toml") if p.is_file())
    if path.is_file():
        return [path]
    raise RuleFileError([f"{path}: no such rule file or folder; check the path"])


# -- parsing and validation ---------------------------------------------------------------------


def _build_rule(raw: dict[str, Any], source: str, line: int) -> Rule:
    examples = raw["examples"]
    return Rule(
        id=raw["id"],
        stage=raw["stage"],
        why=raw["why"].strip(),
        pattern=raw.get("pattern", ""),
        zone=raw.get("zone", "edges" if raw.get("action") == "score" else "anywhere"),
        action=raw.get("action", DEFAULT_ACTION[raw["stage"]]),
        replace=raw.get("replace"),
        kind=raw.get("kind"),
        category=raw.get("category"),
        strength=raw.get("strength", "strong"),
        long_lines=raw.get("long_lines", False),
        enabled=raw.get("enabled", True),
        ignore_case=raw.get("ignore_case", False),
        examples_match=tuple(examples.get("match", ())),
        examples_keep=tuple(examples.get("keep", ())),
        examples_fix=tuple((a, b) for a, b in examples.get("fix", ())),
        translate=(raw["translate"]["from"], raw["translate"]["to"]) if "translate" in raw else None,
        model=raw.get("model"),
        threshold=raw.get("threshold"),
        source=source,
        line=line,
    )


@dataclass
class ParsedFile:
    """What one rule file contributes: rules, ids to disable, and problems found."""

    path: str
    rules: list[Rule] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def parse_rule_text(text: str, source: str) -> ParsedFile:
    """Parse and validate one rule file's text; never raises, collects problems instead."""
    parsed = ParsedFile(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        parsed.problems.append(f"{source}: not valid TOML: {exc}; fix the syntax at that line")
        return parsed
    except RecursionError:
        parsed.problems.append(f"{source}: arrays or tables nested too deeply to read; flatten them")
        return parsed
    for key in data:
        if key not in _FILE_KEYS:
            parsed.problems.append(f"{source}: unknown top-level key {key!r}" + suggest(key, _FILE_KEYS))
    disable = data.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(x, str) for x in disable):
        parsed.problems.append(f"{source}: 'disable' must be a list of rule ids")
    else:
        parsed.disable = list(disable)
    raws = data.get("rule", [])
    if not isinstance(raws, list):
        parsed.problems.append(f"{source}: rules are written as [[rule]] tables")
        raws = []
    seen: dict[str, int] = {}
    counts: dict[str, int] = {}
    for index, raw in enumerate(raws):
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        named = rule_id if isinstance(rule_id, str) else None
        line = rule_line(text, named, index, counts.get(named or "", 0))
        if named:
            counts[named] = counts.get(named, 0) + 1
        label = f"rule {rule_id!r}" if isinstance(rule_id, str) else f"rule #{index + 1}"
        where = f"{source}:{line}: {label}" if line else f"{source}: {label}"
        problems = at_key_lines(validate_rule(raw, where), where, rule_block(text, index), label)
        if isinstance(rule_id, str) and rule_id in seen:
            problems.append(
                f"{where}: duplicate id {rule_id!r} (first defined at line {seen[rule_id]}); "
                "give each rule its own id"
            )
        if isinstance(rule_id, str):
            seen.setdefault(rule_id, line)
        parsed.problems.extend(problems)
        if not problems and raw.get("action") == "score":
            problems = _model_problems(_build_rule(raw, source, line), where)
            parsed.problems.extend(problems)
        if not problems:
            rule = _build_rule(raw, source, line)
            parsed.rules.append(rule)
            examples = rule.examples_match
            parsed.warnings.extend(backtracking_warnings(rule.pattern, rule.ignore_case, examples, where))
            parsed.notes.extend(nesting_notes(rule.pattern, where))
    return parsed


def _model_problems(rule: Rule, where: str) -> list[str]:
    """A ``score`` rule's model file must load (it is read once per process, then cached)."""
    from .stages.scorer import LinearModel, model_path

    try:
        LinearModel.load(model_path(rule.source, rule.model or ""))
    except RuleFileError as exc:
        return [f"{where}: {problem}" for problem in exc.problems]
    return []


def parse_rule_file(path: Path) -> ParsedFile:
    """Read and parse one rule file, turning read errors into problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return ParsedFile(str(path), problems=[f"{path}: cannot read rule file: {exc}"])
    return parse_rule_text(text, str(path))


def _merge_layer(merged: dict[str, Rule], files: list[ParsedFile], problems: list[str]) -> None:
    """Add one layer's rules: replacing earlier layers by id, rejecting duplicates within it."""
    layer: dict[str, Rule] = {}
    for parsed in files:
        for rule in parsed.rules:
            if rule.id in layer:
                first = layer[rule.id]
                problems.append(
                    f"{rule.where}: duplicate id {rule.id!r} (also defined at {first.where}); "
                    "rename one of them"
                )
                continue
            layer[rule.id] = rule
    merged.update(layer)


def load_rules(
    paths: Iterable[str | Path] = (),
    *,
    defaults: bool = True,
    disable: Iterable[str] = (),
    enable: Iterable[str] = (),
) -> RuleSet:
    """Load the default rules (unless ``defaults=False``) and each path (file or folder).

    Raises :class:`RuleFileError` listing every problem found in every file.
    """
    layers: list[list[ParsedFile]] = []
    if defaults:
        layers.append([parse_rule_file(p) for p in rule_files(default_rules_dir())])
    for path in paths:
        layers.append([parse_rule_file(p) for p in rule_files(Path(path))])
    problems = [msg for layer in layers for parsed in layer for msg in parsed.problems]
    merged: dict[str, Rule] = {}
    for layer in layers:
        _merge_layer(merged, layer, problems)
    off = {rule_id for layer in layers for parsed in layer for rule_id in parsed.disable}
    off |= set(disable)
    on = set(enable)
    unknown = sorted((off | on) - set(merged))
    problems += [f"disable/enable: {unknown_rule(rule_id, merged)}" for rule_id in unknown]
    if problems:
        raise RuleFileError(problems)
    warnings = tuple(msg for layer in layers for parsed in layer for msg in parsed.warnings)
    all_rules = tuple(merged.values())
    enabled = tuple(r for r in all_rules if r.id not in off and (r.enabled or r.id in on))
    return RuleSet(
        rules=enabled,
        disabled=frozenset(r.id for r in all_rules) - {r.id for r in enabled},
        all_rules=all_rules,
        warnings=warnings,
    )


def with_rules(ruleset: RuleSet, extra: Iterable[Rule]) -> RuleSet:
    """A RuleSet with more rules added (replacing by id); used for learned rules."""
    merged = {r.id: r for r in ruleset.all_rules or ruleset.rules}
    enabled = {r.id: r for r in ruleset.rules}
    for rule in extra:
        merged[rule.id] = rule
        enabled[rule.id] = rule
    return replace(ruleset, rules=tuple(enabled.values()), all_rules=tuple(merged.values()))


# -- rule examples ------------------------------------------------------------------------------

EXAMPLE_TIMEOUT = 2.0
"""Time limit of each regex call on a rule's own examples when a matcher checks a rewritten
pattern against them at build time, also for matchers built without per-call timeouts (their
documents run under a CPU budget instead, see :mod:`cleanse.budget`; building runs outside it)."""


def example_failures(rule: Rule, *, timeout: float = EXAMPLE_TIMEOUT) -> list[str]:
    """What is wrong with a rule's own examples (empty when they all hold).

    ``examples.match``: the pattern must find a match in each text. ``examples.keep``: the
    pattern must find none (context such as zones or line length is deliberately not used:
    a keep example documents what the pattern itself leaves alone). ``examples.fix``: the
    rule's replacement applied to the input must give the expected output.
    """
    if rule.action == "score":
        from .stages.scorer import score_example_failures

        return score_example_failures(rule)
    failures: list[str] = []
    pattern = rule.compiled

    def found(text: str) -> bool:
        try:
            return pattern.search(text, timeout=timeout) is not None
        except TimeoutError:
            failures.append(f"{rule.where}: rule {rule.id!r}: pattern timed out on {text!r}")
            return False

    for text in rule.examples_match:
        if not found(text):
            failures.append(f"{rule.where}: rule {rule.id!r}: should match but does not: {text!r}")
    for text in rule.examples_keep:
        if found(text):
            failures.append(f"{rule.where}: rule {rule.id!r}: should leave alone but matches: {text!r}")
    for text, expected in rule.examples_fix:
        try:
            got = pattern.sub(rule.replacement, text, timeout=timeout)
        except (regex.error, IndexError, TimeoutError) as exc:
            failures.append(f"{rule.where}: rule {rule.id!r}: replacement fails on {text!r}: {exc}")
            continue
        if got != expected:
            failures.append(f"{rule.where}: rule {rule.id!r}: {text!r} gives {got!r}, expected {expected!r}")
    return failures
