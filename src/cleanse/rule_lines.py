"""Where in a rule file a rule, or one of its keys, is written: line numbers for messages.

``tomllib`` gives values, not positions, so lines are found in the text: a rule by its
``id = ...`` line (or its ``[[rule]]`` header), a key by its ``key = ...`` line inside the
rule's block. A problem with one key then points at that key's line, where the user must
edit, not at the top of the rule.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# What a problem message says first, after "<where>: ": the key it is about.
_KEY_IN_MESSAGE = re.compile(
    r"(?:unknown key )?'?(?P<key>[a-z_]+(?:\.[a-z_]+)?)'?(?= =| must| is | does| matches| needs| has |;|$)"
)


class _Index(NamedTuple):
    lines: list[str]
    headers: list[int]  # 0-based line of each [[rule]] header
    ids: dict[str, list[int]]  # id -> 1-based lines of its id = "..." definitions


@lru_cache(maxsize=4)
def _index(text: str) -> _Index:
    """The file's lines, rule headers and id lines, found once per file: looking them up per
    rule made checking a file of N rules take N² time (5,000 learned rules: 329 s). A str
    caches its hash, so each further lookup of the same text is O(1)."""
    lines = text.splitlines()
    headers: list[int] = []
    ids: dict[str, list[int]] = {}
    for n, line in enumerate(lines):
        bare = line.strip()
        if bare.startswith("[[rule]]"):
            headers.append(n)
        found = _ID_LINE.fullmatch(bare)
        if found:
            ids.setdefault(found.group(2), []).append(n + 1)
    return _Index(lines, headers, ids)


_ID_LINE = re.compile(r"""id\s*=\s*(["'])(.*)\1""")


def rule_line(text: str, rule_id: str | None, index: int, occurrence: int = 0) -> int:
    """Best-effort line number of a rule: its ``id = ...`` line, else its ``[[rule]]`` header.

    ``occurrence`` picks the n-th definition of the same id (0-based), so a duplicate is
    reported at its own line, not at the first definition's.
    """
    found = _index(text)
    if rule_id:
        lines = found.ids.get(rule_id, [])
        if occurrence < len(lines):
            return lines[occurrence]
    return found.headers[index] + 1 if index < len(found.headers) else 0


def rule_block(text: str, index: int) -> tuple[list[str], int]:
    """The lines of the ``index``-th ``[[rule]]`` (up to the next one) and the 1-based number
    of its first line; ([], 0) when the headers cannot be found."""
    found = _index(text)
    headers = found.headers
    if index >= len(headers):
        return [], 0
    end = headers[index + 1] if index + 1 < len(headers) else len(found.lines)
    return found.lines[headers[index] : end], headers[index] + 1


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
