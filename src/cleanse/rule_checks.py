"""What a valid rule is: the rule schema, and the checks behind every rule-file message.

Split from :mod:`.rules` (which reads files, builds Rules and layers them): validation is the
long part, and each check must say which file, rule, line and key is wrong and what to do.
Also here: compiling patterns (a pattern that does not compile is a validation problem) and
the backtracking warnings that ``cleanse rules check`` prints.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import regex

from .record_ids import RESERVED

STAGES = ("whitespace", "boilerplate", "punctuation", "placeholders")
ZONES = ("head", "tail", "edges", "anywhere")
# keep: what a stage leaves alone; score: a learned model scores lines (boilerplate only)
ACTIONS = ("drop-line", "drop-span", "replace", "flag", "keep", "score")
STRENGTHS = ("strong", "weak")
DEFAULT_ACTION = {
    "whitespace": "replace",
    "boilerplate": "drop-line",
    "punctuation": "replace",
    "placeholders": "flag",
}

RULE_KEYS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "stage": str,
    "why": str,
    "pattern": str,
    "zone": str,
    "action": str,
    "replace": str,
    "kind": str,
    "category": str,
    "strength": str,
    "long_lines": bool,
    "enabled": bool,
    "ignore_case": bool,
    "examples": dict,
    "translate": dict,
    "model": str,
    "threshold": float,
}
_EXAMPLE_KEYS = ("match", "keep", "fix")
_TOML_TYPES: dict[Any, str] = {
    str: "a string in quotes",
    bool: "true or false",
    dict: "a table (examples.match = [...], examples.keep = [...])",
    float: "a number with a decimal point (0.9)",
}
_REQUIRED = ("id", "stage", "why", "examples")


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str, ignore_case: bool = False) -> regex.Pattern[str]:
    """Compile with the ``regex`` module (it supports per-call timeouts)."""
    flags = regex.IGNORECASE if ignore_case else 0
    return regex.compile(pattern, flags)


def suggest(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"


def unknown_rule(rule_id: str, known: Iterable[str]) -> str:
    """The message for a rule id nothing defines, with the closest one if there is one."""
    close = difflib.get_close_matches(rule_id, list(known), n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown rule {rule_id!r}; {hint}see `cleanse rules list`"


def toml_type(value: Any) -> str:
    """The TOML word for a parsed value's type, for messages."""
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names |= {list: "an array", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def check_examples(value: Any, where: str) -> tuple[list[str], dict[str, Any]]:
    problems: list[str] = []
    if not isinstance(value, dict):
        return [f"{where}: 'examples' must be a table with 'match' and 'keep' lists"], {}
    for key in value:
        if key not in _EXAMPLE_KEYS:
            problems.append(f"{where}: unknown key 'examples.{key}'" + suggest(key, _EXAMPLE_KEYS))
    match, keep, fix = value.get("match"), value.get("keep"), value.get("fix", [])
    for name, items in (("match", match), ("keep", keep)):
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            problems.append(f"{where}: 'examples.{name}' must be a list of strings")
        elif not items:
            what = "matches" if name == "match" else "must leave alone"
            problems.append(f"{where}: 'examples.{name}' is empty; add at least one text it {what}")
    pairs_ok = isinstance(fix, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in fix
    )
    if not pairs_ok:
        problems.append(f"{where}: 'examples.fix' must be a list of [input, expected] pairs")
    return problems, {"match": match, "keep": keep, "fix": fix if pairs_ok else []}


def _check_choice(raw: dict[str, Any], key: str, choices: Sequence[str], where: str) -> list[str]:
    if key in raw and raw[key] not in choices:
        return [f"{where}: {key} = {raw[key]!r} is not one of {', '.join(choices)}"]
    return []


def _check_pattern(raw: dict[str, Any], where: str) -> list[str]:
    pattern = raw.get("pattern")
    if not isinstance(pattern, str):
        return []
    if not pattern:
        return [
            f"{where}: 'pattern' is empty; it would match every line; "
            "write the text (or regular expression) the rule should find"
        ]
    try:
        compiled = compile_pattern(pattern, bool(raw.get("ignore_case", False)))
    except regex.error as exc:
        return [f"{where}: pattern does not compile: {exc}; fix the regular expression"]
    except RecursionError:
        return [f"{where}: pattern nests groups too deeply to compile; simplify it"]
    if compiled.search("", timeout=1.0) is not None:
        return [
            f"{where}: pattern {pattern!r} matches empty text, so it would match every line; "
            "make it require at least one character"
        ]
    template = raw.get("replace")
    return _check_template(template, compiled, where) if isinstance(template, str) else []


_GROUP_REF = regex.compile(r"\\(?:g<([^>]*)>|(\d{1,2}))")


def _check_template(template: str, compiled: regex.Pattern[str], where: str) -> list[str]:
    """Every group a ``replace`` template names (``\\1``, ``\\g<name>``) must exist in the
    pattern; otherwise each document would fail to expand it at run time."""
    problems = []
    for m in _GROUP_REF.finditer(template):
        ref = m.group(1) if m.group(1) is not None else m.group(2)
        known = int(ref) <= compiled.groups if ref.isdigit() else ref in compiled.groupindex
        if not known:
            problems.append(
                f"{where}: replace template {template!r} refers to group {ref!r}, which the pattern "
                f"does not have (it has {compiled.groups}); number or name an existing group"
            )
    return problems


# Ids of records the stages and readers make themselves: a rule taking one would be mistaken
# for them (their one list: record_ids.BUILT_IN).
RESERVED_IDS = RESERVED
_ID = regex.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def check_id(rule_id: str, where: str) -> list[str]:
    """Ids are names: letters, digits, ``.``, ``_`` and ``-``, not one the stages use."""
    if _ID.fullmatch(rule_id) is None:
        return [
            f"{where}: id {rule_id!r} may hold only letters, digits, '.', '_' and '-' "
            "(it appears in reports, pages and --disable); rename it, e.g. 'my-site.slogan'"
        ]
    if rule_id in RESERVED_IDS or rule_id.startswith("block:"):
        return [f"{where}: id {rule_id!r} is the stages' own record id; give your rule another id"]
    return []


# A group holding a + or * that is itself repeated: (a+)+, (\w+\s?)*, (?:x*y)+ ... A possessive
# repetition (*+, ++) never gives characters back, so a group with one inside or repeated
# possessively cannot backtrack catastrophically: the punctuation rules rely on that.
_TOKEN = r"(?:\\.|\[(?:\\.|[^\]\\])*\]|[^()\\\[])"
_GIVING_BACK = r"(?<![+*}])[+*](?!\+)"
_NESTED = regex.compile(rf"\({_TOKEN}*{_GIVING_BACK}{_TOKEN}*\)(?:[+*]|\{{\d*,\d*\}})(?!\+)")
PROBE_TIMEOUT = 0.05


def _probes(examples: Sequence[str]) -> list[str]:
    """Adversarial texts: each character of the examples repeated, then a character that fails."""
    chars = dict.fromkeys("".join(examples) + "a ")
    return [ch * 64 + "\x00" for ch in list(chars)[:12]]


_ADVICE = (
    "it runs under a per-document time limit and is skipped where it runs past it; "
    "rewrite it without nested repetition (e.g. (a+)+ -> a+)"
)


def nesting_notes(pattern: str, where: str) -> list[str]:
    """A lint for ``rules check``: a repeated group holding a repetition, e.g. (a+)+.

    Only a note: the ``regex`` module runs most such patterns fast, so what a run reports is the
    measured slowness of :func:`backtracking_warnings`, not this shape.
    """
    nested = _NESTED.search(pattern)
    if not nested:
        return []
    return [
        f"{where}: pattern repeats a repeated group {nested.group()!r}, which can backtrack "
        f"catastrophically in some engines; {_ADVICE}"
    ]


def backtracking_warnings(pattern: str, ignore_case: bool, examples: Sequence[str], where: str) -> list[str]:
    """Warnings for a pattern measured slow on adversarial texts built from its ``examples``
    (the run still goes on: a rule past its time limit is skipped for that document)."""
    if not pattern:
        return []  # a score rule: its model decides
    compiled = compile_pattern(pattern, ignore_case)
    for probe in _probes(examples):
        try:
            compiled.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            return [f"{where}: pattern takes over {PROBE_TIMEOUT:g} s on {probe[:8] + '…'!r}; {_ADVICE}"]
    return []


def validate_rule(raw: Any, where: str) -> list[str]:
    """All problems with one ``[[rule]]`` table (empty when it is valid)."""
    if not isinstance(raw, dict):
        return [f"{where}: each [[rule]] must be a table"]
    problems = [
        f"{where}: unknown key {key!r}" + suggest(key, RULE_KEYS) for key in raw if key not in RULE_KEYS
    ]
    problems += [f"{where}: missing required key {key!r}" for key in _REQUIRED if key not in raw]
    if "pattern" not in raw and raw.get("action") != "score":
        problems.append(f"{where}: missing required key 'pattern'")
    for key, typ in RULE_KEYS.items():
        if key in raw and not isinstance(raw[key], typ):
            want = _TOML_TYPES.get(typ, str(typ))
            problems.append(f"{where}: {key!r} must be {want}, not {toml_type(raw[key])}; write it as {want}")
    if isinstance(raw.get("examples"), dict):
        problems += check_examples(raw["examples"], where)[0]
    if problems:
        return problems
    problems += _check_choice(raw, "stage", STAGES, where)
    problems += _check_choice(raw, "zone", ZONES, where)
    problems += _check_choice(raw, "action", ACTIONS, where)
    problems += _check_choice(raw, "strength", STRENGTHS, where)
    if not raw["why"].strip():
        problems.append(f"{where}: 'why' is empty; say why this text is not content")
    action = raw.get("action", DEFAULT_ACTION.get(raw["stage"], "drop-line"))
    if action == "replace" and "replace" not in raw and "translate" not in raw:
        problems.append(f"{where}: action 'replace' needs a 'replace' template (or a 'translate' table)")
    problems += check_id(raw["id"], where)
    problems += _check_pattern(raw, where)
    problems += _check_translate(raw, where)
    problems += _check_score(raw, action, where)
    return problems


def _check_score(raw: dict[str, Any], action: str, where: str) -> list[str]:
    """A ``score`` rule names a model file, works in the boilerplate stage and judges a
    document's edges (plus short lines between paragraphs); ``model`` and ``threshold`` mean
    nothing on any other rule."""
    if action != "score":
        extra = [key for key in ("model", "threshold") if key in raw]
        return [f'{where}: {key!r} is only for action = "score" rules; remove it' for key in extra]
    problems = []
    if raw["stage"] != "boilerplate":
        problems.append(f"{where}: action 'score' works in stage 'boilerplate' only")
    if "model" not in raw:
        problems.append(f"{where}: a 'score' rule needs 'model', the path of its model file (JSON)")
    if "pattern" in raw:
        problems.append(f"{where}: a 'score' rule has no 'pattern' (its model decides); remove it")
    if raw.get("zone", "edges") == "anywhere":
        problems.append(
            f"{where}: a 'score' rule cannot act 'anywhere': its zone is where it judges the lines "
            "at the document's edges (between paragraphs it takes only short lines that do not "
            'read as body); use zone = "edges", "head" or "tail"'
        )
    threshold = raw.get("threshold")
    if threshold is not None and not 0 < threshold < 1:
        problems.append(f"{where}: threshold = {threshold} must be between 0 and 1 (e.g. 0.9)")
    return problems


def _check_translate(raw: dict[str, Any], where: str) -> list[str]:
    """``translate = { from = "...", to = "..." }``: a per-character table for replace rules."""
    table = raw.get("translate")
    if table is None:
        return []
    src, dst = table.get("from"), table.get("to")
    if set(table) != {"from", "to"} or not isinstance(src, str) or not isinstance(dst, str):
        return [f"{where}: 'translate' must be a table with string keys 'from' and 'to'"]
    if len(src) != len(dst):
        return [
            f"{where}: translate.from has {len(src)} characters but translate.to has {len(dst)}; "
            "give one target character per source character"
        ]
    return []
