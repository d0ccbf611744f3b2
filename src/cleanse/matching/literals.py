"""Required literals of a pattern: the text every match must contain.

The ``regex`` module tries an alternation of N patterns one after another at every position, so
a combined screen of 200 rules costs ten times one of 20. Most rules, though, need some literal
text (``QQ群``, ``订阅``, ``ICP备``). :func:`required_keys` finds one or two characters that every
match of a rule must contain; :class:`matcher.RuleMatcher` indexes rules by those keys and, for a
line, runs only the rules whose keys occur in it — a cost that does not grow with the rule count.

Extraction is deliberately conservative: anything not understood (``\\p{…}`` classes, fuzzy
matching, set operations, case-insensitive letters) gives ``None``, and the rule is screened the
slow, sure way. The result is also checked against the rule's own match examples.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

# Syntax of the regex module that the stdlib parser would misread as literal text.
_REGEX_ONLY = re.compile(
    r"\[\[|\[:\^?[a-z]+:\]|&&|--|\|\||\{[^}]*[eids][^}]*\}|\\[pPNXmMGKL]|\(\?[Vrfbe]|\(\?\||\(\?&|\(\?P>"
)
KEY_LEN = 2
# Character classes with more members than this are not worth indexing (nor are negated ones).
MAX_CLASS = 64
# ``\p{Han}`` and friends (or an escaped backslash, consumed first so that pairing stays right).
_PROPERTY = re.compile(r"(\\[pP](?:\{[^}]*\}|[A-Za-z]))|\\.", re.S)


def _literal_run_candidates(items: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    """Each maximal run of plain literals, and each required sub-part, as a candidate set."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset({"".join(run)}))
            run.clear()

    for op, arg in items:
        if op is C.LITERAL:
            run.append(chr(arg))
            continue
        flush()
        found = _required(op, arg)
        if found:
            candidates.append(found)
    flush()
    return candidates


def _required(op: Any, arg: Any) -> frozenset[str] | None:
    """Strings of which a match of one parsed item must contain at least one."""
    if op is C.SUBPATTERN:
        _group, add_flags, _del_flags, sub = arg
        if add_flags & (C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_VERBOSE):
            return None
        return most_selective(_literal_run_candidates(list(sub)))
    if op is C.BRANCH:
        alternatives = [most_selective(_literal_run_candidates(list(seq))) for seq in arg[1]]
        if any(a is None for a in alternatives):
            return None
        return frozenset().union(*alternatives)  # type: ignore[arg-type]
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        low, _high, sub = arg
        return most_selective(_literal_run_candidates(list(sub))) if low >= 1 else None
    if op is C.ATOMIC_GROUP:
        return most_selective(_literal_run_candidates(list(arg)))
    if op is C.IN:
        return class_members(arg)
    return None


def class_members(items: list[tuple[Any, Any]], limit: int = MAX_CLASS) -> frozenset[str] | None:
    """The characters of a small, plain class (``[XＸ]``, ``[—―]``): a match contains one of them.

    Negated classes, categories (``\\d``, a ``\\p{…}``) and classes of more than ``limit``
    characters give None.
    """
    members: set[str] = set()
    for op, arg in items:
        if op is C.LITERAL:
            members.add(chr(arg))
        elif op is C.RANGE and arg[1] - arg[0] < limit:
            members.update(map(chr, range(arg[0], arg[1] + 1)))
        else:
            return None
        if len(members) > limit:
            return None
    return frozenset(members) or None


def _opaque_properties(pattern: str) -> str:
    """``\\p{Han}`` -> ``\\d``: the stdlib parser cannot read Unicode properties, and a category
    in their place is never taken as required text, so the keys found stay true."""
    return _PROPERTY.sub(lambda m: r"\d" if m.group(1) else m.group(), pattern)


def most_selective(candidates: Iterable[frozenset[str]]) -> frozenset[str] | None:
    """The most selective candidate: longest shortest string, then fewest alternatives."""
    ranked = sorted(candidates, key=lambda s: (-min(map(len, s)), len(s), sorted(s)))
    return ranked[0] if ranked else None


@functools.lru_cache(maxsize=1024)
def parse_pattern(pattern: str) -> Any | None:
    """The stdlib parse of ``pattern``, or None where it could be misread or has global flags.

    Cached: the matcher's plans and the stages' own screens parse the same patterns when a
    Cleaner is built (start-up). Callers only read the tree.
    """
    pattern = _opaque_properties(pattern)
    if _REGEX_ONLY.search(pattern):
        return None
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    if parsed.state.flags & (C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_VERBOSE):
        return None
    return parsed


def _checked(
    found: frozenset[str] | None, ignore_case: bool, examples: Iterable[str]
) -> frozenset[str] | None:
    """``found`` cut to keys, unless case folding could hide one or an example lacks them all."""
    if not found:
        return None
    keys = frozenset(s[:KEY_LEN] for s in found)
    if ignore_case and any(c.lower() != c.upper() for key in keys for c in key):
        return None
    if any(not any(k in text for k in keys) for text in examples):
        return None
    return keys


def required_keys(pattern: str, ignore_case: bool, examples: Iterable[str] = ()) -> frozenset[str] | None:
    """Keys (1–2 characters) of which every match of ``pattern`` contains one, or None.

    ``examples`` (texts the pattern matches) are a safety net: keys that miss one are refused.
    """
    parsed = parse_pattern(pattern)
    if parsed is None:
        return None
    return _checked(most_selective(_literal_run_candidates(list(parsed))), ignore_case, examples)


def line_keys(pattern: str, ignore_case: bool, examples: Iterable[str] = ()) -> tuple[frozenset[str], ...]:
    """Key sets a text must hit, one key of each, for ``pattern`` to match in it (``()``: unknown).

    Every required part counts, not only the most selective one, and so do the literals of
    each positive lookaround at the pattern's top level (``X(?=\\s?年)`` needs an X and a
    年): further tests that drop most detectors from a line that merely holds an X.
    """
    parsed = parse_pattern(pattern)
    if parsed is None:
        return ()
    examples = tuple(examples)
    found = _literal_run_candidates(list(parsed))
    for op, arg in parsed:
        if op is C.ASSERT:
            found += _literal_run_candidates(list(arg[1]))
    sets = {_checked(f, ignore_case, examples) for f in found}
    return tuple(sorted((keys for keys in sets if keys), key=lambda k: (len(k), sorted(k))))


def grams(text: str) -> set[str]:
    """Every 1- and 2-character substring of ``text`` (the keys a line can offer)."""
    out = set(text)
    out.update(text[i : i + KEY_LEN] for i in range(len(text) - 1))
    return out
