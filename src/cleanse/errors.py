"""The exceptions cleanse raises. Every message says what went wrong and what to do next.

The library never prints and never exits: ``cli.py`` turns these into messages and exit codes.
"""

from __future__ import annotations


class CleanseError(Exception):
    """Base class of every error cleanse raises on purpose."""


class RuleFileError(CleanseError):
    """A rule file cannot be used: bad TOML, unknown key, duplicate id, bad pattern, ...

    ``problems`` holds every problem found (the loader reports all of them, not only the
    first), each already naming the file, the rule id and, where known, the line.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class RuleTimeout(CleanseError):
    """A rule's pattern ran past its time limit on one piece of text."""

    def __init__(self, rule_id: str, seconds: float | None) -> None:
        self.rule_id = rule_id
        self.seconds = seconds
        limit = "time limit" if seconds is None else f"{seconds:g} s time limit"
        super().__init__(
            f"rule {rule_id!r} ran past its {limit} and was skipped for this "
            "document; simplify its pattern (nested quantifiers such as (a+)+ backtrack "
            "catastrophically) or disable it with --disable " + rule_id
        )


SKIP_REASONS = frozenset({"binary", "unsupported-encoding"})
"""Decode reasons that skip a file (not text, or text in an encoding Python cannot read)
rather than fail it: nothing is wrong with the run."""


class DecodeError(CleanseError):
    """Bytes that cannot be turned into text (binary data, an encoding Python has no codec
    for, a forced codec that fails)."""

    def __init__(self, message: str, *, reason: str = "undecodable") -> None:
        self.reason = reason
        super().__init__(message)

    @property
    def skips(self) -> bool:
        """True when the file is skipped (status ``skipped``), not failed."""
        return self.reason in SKIP_REASONS


class OptionError(CleanseError):
    """An option value that cannot work (unknown codec, bad template, bad path pair)."""


class InputError(CleanseError):
    """An input file or folder that cannot be read."""
