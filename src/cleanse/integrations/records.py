"""What every integration shares: building a Cleaner from plain options, cleaning one value
exactly as ``cleanse run --format jsonl`` cleans one record, and the compact report.

Kept free of any pipeline library so that each integration is a thin adapter and the
command line and the integrations cannot drift apart: the text and report entry of a value
come from :func:`cleanse.jsonl.clean_record` itself.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import CleanseError
from ..jsonl import clean_record
from ..pipeline import Cleaner, Options
from ..report import problem_entry
from ..rules import load_rules

TEXT = "text"
"""The field name a value is cleaned under (it never reaches the output or the report)."""


def needs(module: str, extra: str, what: str) -> ModuleType:
    """Import ``module`` for ``what``, or raise ImportError naming the extra to install.

    The pipeline libraries are optional extras; a user who imports an integration without
    one should learn the one command that fixes it, not read a bare ModuleNotFoundError.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{what} needs {module.split('.')[0]}: pip install 'cleanse[{extra}]'") from exc


def check_installed(module: str, extra: str, what: str) -> None:
    """:func:`needs` without importing ``module`` (``datasets`` takes a second to import, and
    an integration should load that only when it is used)."""
    if importlib.util.find_spec(module) is None:
        raise ImportError(f"{what} needs {module}: pip install 'cleanse[{extra}]'")


def build_cleaner(
    cleaner: Cleaner | None = None,
    *,
    rules: str | Path | Iterable[str | Path] = (),
    disable: Iterable[str] = (),
    enable: Iterable[str] = (),
    **options: Any,
) -> Cleaner:
    """A Cleaner from the arguments a pipeline config can hold (paths, rule ids, option
    values), or ``cleaner`` itself when one is given (then nothing else may be)."""
    if cleaner is not None:
        if rules or disable or enable or options:
            raise CleanseError("pass either a Cleaner or rules/disable/enable/options, not both")
        return cleaner
    paths = [rules] if isinstance(rules, str | Path) else list(rules)
    ruleset = load_rules(paths, disable=list(disable), enable=list(enable))
    return Cleaner(ruleset, Options.from_kwargs(**options))


def clean_value(cleaner: Cleaner, value: Any, source: str) -> tuple[Any, dict[str, Any]]:
    """(cleaned value, report entry) for one text cell, as ``cleanse run --format jsonl``
    makes them for a record holding ``value``.

    A value that is not a str (None, NaN, a number) comes back unchanged with a ``skipped``
    entry (reason ``no-text``); a document whose cleaning raises comes back unchanged with a
    ``failed`` entry naming the error, so one bad document never stops a pipeline.
    """
    try:
        out, entry = clean_record(cleaner, {TEXT: value}, source, TEXT, None)
    except Exception as exc:  # reported per document, as the runner reports a failed file
        error = f"{source}: cleaning failed ({type(exc).__name__}: {exc}); text left as it was"
        return value, problem_entry(source, "failed", error, reason="error")
    return out[TEXT], entry


def rule_counts(entry: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Records of an entry counted by rule: ``{"removed": {rule: n}, "changes": …, "flags": …}``
    (changes and flags past the per-rule cap, ``omitted``, are counted too)."""
    counts: dict[str, Counter[str]] = {key: Counter() for key in ("removed", "changes", "flags")}
    for key, counter in counts.items():
        for record in entry.get(key) or ():
            counter[record["rule"]] += 1
    flag_rules = set(counts["flags"])
    for rule, n in (entry.get("omitted") or {}).items():
        counts["flags" if rule in flag_rules else "changes"][rule] += n
    return {key: dict(sorted(counter.items())) for key, counter in counts.items()}


def compact_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A small summary of a report entry, for storing beside every document: status, whether
    the text changed, records counted by rule, warnings and the error."""
    return {
        "status": entry["status"],
        "changed": entry["changed"],
        **rule_counts(entry),
        "warnings": len(entry.get("warnings") or ()),
        "error": entry.get("error"),
    }
