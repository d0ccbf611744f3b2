"""Half-width punctuation inside Chinese prose -> full width (GB/T 15834-2011), by rules.

Every conversion is a ``replace`` rule in ``rules/punctuation*.toml`` whose pattern carries its
own context as lookarounds (a CJK character on the relevant side, a paren pair whose content is
Chinese, a quote whose pair encloses Chinese), so the tables are data a user can read and edit.
This module adds what a regex table cannot say by itself:

- **Protected spans** (:mod:`.protect`): a match that would reach into a number, URL, e-mail,
  path, code token or run of Latin words is dropped, whatever rule produced it. Lookarounds
  still see the whole line, so context is judged on the real neighbours.
- **Quote pairing**: quotes pair up in order across a line (curly ones counted, apostrophes
  such as ``don't`` not), so a rule may write an opening quote (“ ‘) only at an opening
  position (1st, 3rd, ... quote of its kind) and a closing one (” ’) only at a closing one.
  Counting once per line keeps this linear; a regex lookbehind back to the line start did not.
- **A fixed point**: converting one mark can give its neighbour the Chinese context it lacked
  (``foo,(中文)`` -> ``foo,（中文）`` -> ``foo，（中文）``). Lines that changed are run again,
  a few times at most, so that cleaning cleaned text changes nothing.

Each conversion is recorded as a Change with its rule id, input line, before and after.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from ..document import Document
from ..matching import QUOTES, RuleMatcher, RulePlan, plans, replacements, run_without_timeouts
from . import Stage, map_screened_lines
from .protect import overlaps, protected_ranges

# A conversion can enable the next one (传? ? ?: each ? converts only once the one before it is
# full-width), so passes repeat until nothing changes. Stopping after a fixed number of passes
# left long chains half done and a second run changed them again (not idempotent). A chain
# is at most as long as its line, so a line gets up to len(line) + 1 passes (at least
# MIN_PASSES), as long as the passes together scan at most PASS_BUDGET characters (a
# hostile megabyte-long chain cannot make a line quadratic). User rules that undo each
# other (a -> b, b -> a) would cycle: a pass that gives back a line already seen stops.
MIN_PASSES = 6
PASS_BUDGET = 2_000_000


def max_passes(line: str) -> int:
    """How many passes ``line`` may get (see above)."""
    return max(MIN_PASSES, min(len(line) + 1, PASS_BUDGET // max(1, len(line))))


Record = tuple[str, str, str]


def _is_apostrophe(line: str, i: int) -> bool:
    """``'`` or ``’`` between two ASCII letters or digits (don't, Ian's) is not a quote."""
    return (
        0 < i < len(line) - 1
        and line[i] in "'’"
        and line[i - 1].isascii()
        and line[i - 1].isalnum()
        and line[i + 1].isascii()
        and line[i + 1].isalnum()
    )


def quote_slots(line: str, family: str) -> dict[int, bool]:
    """Position of each quote of ``family`` -> True where it opens (1st, 3rd, ...), else False."""
    slots: dict[int, bool] = {}
    for i, ch in enumerate(line):
        if ch in family and not _is_apostrophe(line, i):
            slots[i] = len(slots) % 2 == 0
    return slots


# One allowed match: (start, rule index, end, rule id, before, after).
Found = tuple[int, int, int, str, str, str]


def _slot(line: str, start: int, family: str, cache: dict[str, dict[int, bool]]) -> bool | None:
    """Does the quote of ``family`` at ``start`` open (True) or close (False)? None: no quote."""
    slots = cache.get(family)
    if slots is None:
        slots = cache[family] = quote_slots(line, family)
    return slots.get(start)


def _matches(
    line: str, matcher: RuleMatcher, rules: Sequence[RulePlan], keys: Sequence[str] | None
) -> list[Found]:
    """Every allowed match of every rule, sorted by start, then rule order.

    Matches are filtered *before* overlaps are resolved, so a match dropped for touching a
    protected span or for a quote in the wrong slot does not hide another rule's match there.
    """
    found: list[Found] = []
    spans: list[tuple[int, int]] | None = None
    slots: dict[str, dict[int, bool]] = {}
    for n in matcher.candidates(line, keys):
        plan = rules[n]
        rule, constant, quote, wanted, _ = plan
        if wanted is not None:
            for needle in wanted:
                if needle in line:
                    break
            else:
                continue  # no needle: the rule cannot match here
        rule_id = rule.id
        for start, end, after in replacements(line, matcher, plan):
            before = line[start:end]
            if after != before:
                if spans is None:
                    spans = protected_ranges(line)
                if constant is None:
                    quote = QUOTES.get(after)
                if not (spans and overlaps(spans, start, end)) and (
                    quote is None or _slot(line, start, quote[1], slots) is quote[0]
                ):
                    found.append((start, n, end, rule_id, before, after))
    found.sort()
    return found


def _convert_once(
    line: str, matcher: RuleMatcher, rules: Sequence[RulePlan], keys: Sequence[str] | None
) -> tuple[str, list[Record]]:
    out: list[str] = []
    records: list[Record] = []
    pos = limit = 0
    for start, _, end, rule_id, before, after in _matches(line, matcher, rules, keys):
        if start < limit:
            continue
        out.append(line[pos:start])
        out.append(after)
        pos = end
        limit = start + 1 if end == start else end  # one insertion per position
        records.append((rule_id, before, after))
    if not records:
        return line, records
    out.append(line[pos:])
    return "".join(out), records


def _convert_line(
    line: str, matcher: RuleMatcher, rules: Sequence[RulePlan], keys: Sequence[str] | None
) -> tuple[str, list[Record]]:
    return until_stable(line, lambda text, k: _convert_once(text, matcher, rules, k), keys)


OnePass = Callable[[str, Sequence[str] | None], tuple[str, list[Record]]]


def until_stable(line: str, once: OnePass, keys: Sequence[str] | None = None) -> tuple[str, list[Record]]:
    """Passes of ``once`` over ``line`` until nothing changes, with every pass's records.

    ``keys`` screen the first pass only: a conversion can bring a key the document lacked
    (``,`` -> ``，``), so later passes screen with every key. At most :func:`max_passes`
    passes; a pass giving back a line already seen ends them (rules undoing each other).
    """
    if not line:
        return line, []
    records: list[Record] = []
    seen = {line}
    for _ in range(max_passes(line)):
        line, found = once(line, keys)
        if not found:
            break
        records += found
        keys = None
        if line in seen:
            break
        seen.add(line)
    return line, records


def convert_once(
    line: str, matcher: RuleMatcher, keys: Sequence[str] | None = None
) -> tuple[str, list[Record]]:
    """One pass of every rule over ``line``; earlier matches win, overlapping later ones drop.

    ``keys``: the matcher's keys that can occur in ``line`` (None: any of them).
    """
    return _convert_once(line, matcher, plans(matcher), keys)


def convert_line(
    line: str, matcher: RuleMatcher, keys: Sequence[str] | None = None
) -> tuple[str, list[Record]]:
    """Passes of :func:`convert_once` over ``line`` until it is stable (see :func:`until_stable`);
    ``keys``: those of the line's document."""
    if not matcher:
        return line, []
    return _convert_line(line, matcher, plans(matcher), keys)


def normalize_punctuation(doc: Document, *, matcher: RuleMatcher) -> Document:
    """Apply the punctuation rules to every line, outside protected spans."""
    if not matcher:
        return doc
    return run_without_timeouts(_normalize_body, doc, matcher)


def _normalize_body(doc: Document, matcher: RuleMatcher) -> Document:
    rules = plans(matcher)
    return map_screened_lines(doc, matcher, lambda line, keys: _convert_line(line, matcher, rules, keys))


def build_punctuation(matcher: RuleMatcher) -> Stage:
    """The punctuation stage over the enabled punctuation rules."""
    return Stage("punctuation", partial(normalize_punctuation, matcher=matcher))
