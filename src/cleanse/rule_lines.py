"""Where in a rule file a rule, or one of its keys, is written: line numbers for messages.

``tomllib`` gives values, not positions, so lines are found in the text: a rule by its
``id = ...`` line (or its ``[[rule]]`` header), a key by its ``key = ...`` line inside the
rule's block. A problem with one key then points at that key's line, where the user must
edit, not at the top of the rule.
"""

from __future__ import annotations

import re

# What a problem message says first, after "<where>: ": the key it is about.
_KEY_IN_MESSAGE = re.compile(
    r"(?:unknown key )?'?(?P<key>[a-z_]+(?:\.[a-z_]+)?)'?(?= =| must| is | does| matches| needs| has |;|$)"
)


def rule_line(text: str, rule_id: str | None, index: int, occurrence: int = 0) -> int:
    """Best-effort line number of a rule: its ``id = ...`` line, else its ``[[rule]]`` header.

    ``occurrence`` picks the n-th definition of the same id (0-based), so a duplicate is
    reported at its own line, not at the first definition's.
    """
    lines = text.splitlines()
    if rule_id:
        found = [
            n
            for n, line in enumerate(lines, 1)
            if line.strip().replace(" ", "") in (f'id="{rule_id}"', f"id='{rule_id}'")
        ]
        if occurrence < len(found):
            return found[occurrence]
    headers = [n for n, line in enumerate(lines, 1) if line.strip().startswith("[[rule]]")]
    return headers[index] if index < len(headers) else 0


def rule_block(text: str, index: int) -> tuple[list[str], int]:
    """The lines of the ``index``-th ``[[rule]]`` (up to the next one) and the 1-based number
    of its first line; ([], 0) when the headers cannot be found."""
    lines = text.splitlines()
    headers = [n for n, line in enumerate(lines) if line.strip().startswith("[[rule]]")]
    if index >= len(headers):
        return [], 0
    end = headers[index + 1] if index + 1 < len(headers) else len(lines)
    return lines[headers[index] : end], headers[index] + 1


def key_line(block: tuple[list[str], int], key: str) -> int | None:
    """The line of ``key = ...`` (or of ``key.sub``, or of its ``[rule.key]`` table) in a
    rule's block; None when it is not written there."""
    lines, first = block
    head, _, tail = key.partition(".")
    patterns = [rf"{re.escape(key)}\s*=", rf"\[rule\.{re.escape(head)}\]", rf"{re.escape(head)}\s*[.=]"]
    if tail:
        patterns.insert(1, rf"{re.escape(tail)}\s*=")
    for pattern in patterns:
        for n, line in enumerate(lines):
            if re.match(pattern, line.strip()):
                return first + n
    return None


def at_key_lines(problems: list[str], where: str, block: tuple[list[str], int], label: str) -> list[str]:
    """``problems`` (each starting with ``where``) re-pointed at the line of the key each is
    about, when that key is written in the rule's block."""
    source = where.rsplit(":", 2)[0] if where.count(":") >= 2 else None
    out = []
    for problem in problems:
        said = problem[len(where) + 2 :] if problem.startswith(where + ": ") else None
        found = _KEY_IN_MESSAGE.match(said) if said is not None and source else None
        line = key_line(block, found.group("key")) if found else None
        out.append(f"{source}:{line}: {label}: {said}" if line else problem)
    return out
