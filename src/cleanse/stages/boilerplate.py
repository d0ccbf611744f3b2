"""Promotional header/footer/inline removal: rules for evidence, blocks for reach.

A keyword list cannot remove a seller's header: its platform name and slogans carry no
keyword. So the stage reasons about the document's shape (see :mod:`.blocks`):

1. **Evidence.** Every line is screened once per zone group of ``drop-line`` rules (one
   combined regex each, :class:`~cleanse.matcher.RuleMatcher`). A ``strong`` hit says "this
   line is an ad"; a ``weak`` hit only says "this line looks promotional"; rules with
   ``category = "separator"`` mark decoration lines. A hit on a long line (more than
   ``LONG_LINE`` visible characters) counts only if its rule says ``long_lines = true``.
2. **Zones.** A line is body-like by its shape, unless a strong hit says otherwise (rule
   strength beats body-likeness: ``举报…，举报成功免费赠送一年会员材料！`` is a sentence and an
   ad). The head is every line before the first body line, the tail every line after the
   last; a title directly above the body counts as body.
3. **Blocks.** Lines between blank lines or separators form blocks. A block wholly in the
   head or tail that holds a strong hit (and no body line, by construction) is removed
   whole, so the platform name and slogans go with the ad lines around them. In the block
   next to the body, or where an ad touches the body without a blank line, only the run of
   ad lines goes (from the first to the last line with evidence; below the body, on to the
   end of the block when only brand-like lines follow): a short title stays.
4. **Lines and spans.** Any other line with a strong hit allowed in its zone is removed
   (``anywhere`` rules reach into the body); separators go where they frame removed lines or
   sit at the edge of the document; strong ``drop-span`` rules cut inline asides out of
   sentences and leave the sentence intact.

Attribution (the report's ``rule`` field): a line removed by its own rule names that rule;
a line removed only because its block was removed is named ``block:<zone>:<trigger>``, where
``<zone>`` is ``head``, ``tail`` or ``edges`` (a document without body) and ``<trigger>`` is
the id of the first strong rule that hit in the block, e.g. ``block:head:ads.qq-group``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

from ..document import Document, Removal, drop_lines, join_lines
from ..matcher import RuleMatcher, run_without_timeouts
from ..rules import Rule
from . import Stage
from .blocks import (
    blocks,
    body_bounds,
    content_len,
    is_body_like,
    is_brand_like,
    is_label_value,
    is_title_like,
    protect_title,
)

LONG_LINE = 40
MAX_BLOCK_LINES = 15
SEPARATOR = "separator"
BLANK_RULE = "whitespace.blank-lines"
_ALLOWED = {
    "head": frozenset({"head", "edges", "anywhere"}),
    "tail": frozenset({"tail", "edges", "anywhere"}),
    "edges": frozenset({"head", "tail", "edges", "anywhere"}),
    "body": frozenset({"anywhere"}),
}

Hits = tuple[Rule, ...]


@dataclass(frozen=True)
class BoilerplateMatchers:
    """``drop-line`` rules grouped by zone (one combined screen each), and the strong spans.

    ``lines`` holds every drop-line rule; ``long`` only those with ``long_lines = true``, the
    only ones that may act on a long line. Body paragraphs are long, so most of the text is
    screened by the small ``long`` groups: that is where the stage spends its time.
    """

    lines: dict[str, RuleMatcher]
    long: dict[str, RuleMatcher]
    spans: RuleMatcher

    @classmethod
    def build(cls, rules: tuple[Rule, ...], timeout: float) -> BoilerplateMatchers:
        def group(*, long_only: bool) -> dict[str, RuleMatcher]:
            return {
                zone: RuleMatcher(
                    tuple(
                        r
                        for r in rules
                        if r.action == "drop-line" and r.zone == zone and (r.long_lines or not long_only)
                    ),
                    timeout,
                )
                for zone in ("head", "tail", "edges", "anywhere")
            }

        spans = tuple(r for r in rules if r.action == "drop-span" and r.strength == "strong")
        return cls(
            lines=group(long_only=False), long=group(long_only=True), spans=RuleMatcher(spans, timeout)
        )


@lru_cache(maxsize=64)
def _matchers(rules: tuple[Rule, ...], timeout: float) -> BoilerplateMatchers:
    """Built once per rule set (and again only after a rule timed out and was left out)."""
    return BoilerplateMatchers.build(rules, timeout)


# -- evidence ------------------------------------------------------------------------------------


def line_hits(line: str, matchers: BoilerplateMatchers) -> Hits:
    """Every ``drop-line`` rule that hits the line and may act on a line this long."""
    if not line.strip():
        return ()
    groups = matchers.lines if content_len(line) <= LONG_LINE else matchers.long
    return tuple(rule for matcher in groups.values() if matcher for rule, _ in matcher.matching(line))


def strong_hit(hits: Hits, region: str) -> Rule | None:
    """The first strong, non-separator rule among ``hits`` that may act in ``region``."""
    allowed = _ALLOWED[region]
    return next(
        (r for r in hits if r.strength == "strong" and r.category != SEPARATOR and r.zone in allowed), None
    )


def any_hit(hits: Hits, region: str) -> Rule | None:
    """The first non-separator rule (strong or weak) among ``hits`` that may act in ``region``."""
    allowed = _ALLOWED[region]
    return next((r for r in hits if r.category != SEPARATOR and r.zone in allowed), None)


def is_separator(hits: Hits) -> bool:
    """A decoration line (a rule with ``category = "separator"`` hit it)."""
    return any(r.category == SEPARATOR for r in hits)


# -- the plan: which lines go, and why -----------------------------------------------------------


@dataclass
class _Plan:
    """The document's shape plus the removals decided so far (index -> rule id)."""

    lines: Sequence[str]
    hits: Sequence[Hits]
    first: int
    last: int
    drops: dict[int, str]

    def region(self, i: int) -> str:
        head, tail = i < self.first, i > self.last
        return "edges" if head and tail else "head" if head else "tail" if tail else "body"

    def strong(self, i: int) -> Rule | None:
        return strong_hit(self.hits[i], self.region(i))

    def evidence(self, i: int) -> Rule | None:
        return any_hit(self.hits[i], self.region(i))

    def drop(self, indexes: Sequence[int], trigger: Rule) -> None:
        """Remove lines; each names its own strong rule, or the block reason."""
        reason = f"block:{self.region(indexes[0])}:{trigger.id}"
        for i in indexes:
            own = self.strong(i)
            self.drops[i] = own.id if own else reason


def _not_a_title(line: str, hits: Hits) -> bool:
    """A strong hit or a separator rules a title out; weak evidence only for a short line.

    图书馆文库建设方案 is a title despite its weak 文库; 墨香文库 is a site name.
    """
    if strong_hit(hits, "edges") is not None or is_separator(hits):
        return True
    return any_hit(hits, "edges") is not None and not is_title_like(line)


def _shape(lines: Sequence[str], hits: Sequence[Hits]) -> tuple[int, int]:
    """First and last body line: body-like by shape, not overruled by a strong hit."""
    body = [
        is_body_like(line) and strong_hit(h, "edges") is None and not is_separator(h)
        for line, h in zip(lines, hits, strict=True)
    ]
    protect_title(lines, body, lambda i: _not_a_title(lines[i], hits[i]))
    return body_bounds(body)


def _removable(plan: _Plan, idx: list[int]) -> bool:
    """Short enough to be an ad block, and no long line without its own rule."""
    if len(idx) > MAX_BLOCK_LINES:
        return False
    return all(content_len(plan.lines[i]) <= LONG_LINE or plan.strong(i) is not None for i in idx)


def _strong_block(plan: _Plan, idx: list[int], trigger: Rule) -> None:
    """A head/tail block with a strong hit: removed whole, unless it also holds content.

    A contact line of the document itself (联系人：张三) next to a seller's stamp is content;
    in such a block only the run of ad lines goes (see :func:`_ad_run`).
    """
    if any(plan.evidence(i) is None and is_label_value(plan.lines[i]) for i in idx):
        _ad_run(plan, idx)
    elif _removable(plan, idx):
        plan.drop(idx, trigger)


def _nearest_to_body(plan: _Plan, blocks_: list[list[int]]) -> set[int]:
    """The head block just above the body and the tail block just below it.

    Lines in them may be the document's own (a short title such as 第一部分 above or below
    the seller's stamp), which no shape can tell from a platform name. So in these two blocks
    only the run of ad lines goes (see :func:`_ad_run`).
    """
    head = [k for k, idx in enumerate(blocks_) if plan.region(idx[0]) == "head"]
    tail = [k for k, idx in enumerate(blocks_) if plan.region(idx[0]) == "tail"]
    return set(head[-1:] + tail[:1])


def _weak_block_removable(plan: _Plan, idx: list[int]) -> bool:
    """Weak evidence somewhere, and every line without evidence is brand-like (short, plain)."""
    if not any(plan.evidence(i) for i in idx) or len(idx) > MAX_BLOCK_LINES:
        return False
    return all(plan.evidence(i) is not None or is_brand_like(plan.lines[i]) for i in idx)


def _zone_blocks(plan: _Plan, spans: list[tuple[int, int]]) -> None:
    """Blocks wholly in the head or tail.

    A block holding a strong hit is removed whole, except the block touching the body (see
    :func:`_nearest_to_body`). Then a block with only weak evidence (a slogan, a site name)
    goes too when its neighbouring block in the same zone went: the seller's banner often
    sits in a block of its own next to the ad lines.
    """
    blocks_ = [list(range(s, e + 1)) for s, e in spans]
    nearest = _nearest_to_body(plan, blocks_)
    triggers: list[Rule | None] = []
    for k, idx in enumerate(blocks_):
        trigger = next((r for r in map(plan.strong, idx) if r is not None), None)
        if trigger is not None and k in nearest:
            _ad_run(plan, idx)
        elif trigger is not None:
            _strong_block(plan, idx, trigger)
        triggers.append(trigger if all(i in plan.drops for i in idx) else None)
    changed = True
    while changed:
        changed = False
        for k, idx in enumerate(blocks_):
            if triggers[k] is not None or any(i in plan.drops for i in idx):
                continue
            near = [j for j in (k - 1, k + 1) if 0 <= j < len(blocks_) and triggers[j] is not None]
            near = [j for j in near if plan.region(blocks_[j][0]) == plan.region(idx[0])]
            if near and _weak_block_removable(plan, idx):
                triggers[k] = trigger = triggers[near[0]]
                plan.drop(idx, trigger)  # type: ignore[arg-type]
                changed = True


def _ad_run(plan: _Plan, idx: list[int]) -> None:
    """Lines next to the body or to content (in document order): only the run of ads goes.

    The run spans from the first to the last line with evidence, so a platform name between
    two ad lines goes with them, and it must hold a strong hit. Above the body, lines outside
    the run stay: a short title cannot be told from a platform name. Below the body, the run
    reaches the end of the block when the lines after it are brand-like, since a document's
    own closing lines (signature, date) come before a seller's footer, not after it.
    """
    found = [k for k, i in enumerate(idx) if plan.evidence(i) is not None]
    if not found:
        return
    lo, hi = found[0], found[-1]
    if plan.region(idx[0]) == "tail" and all(is_brand_like(plan.lines[i]) for i in idx[hi + 1 :]):
        hi = len(idx) - 1
    run = idx[lo : hi + 1]
    trigger = next((r for r in map(plan.strong, run) if r is not None), None)
    if trigger is None:
        return
    if any(content_len(plan.lines[i]) > LONG_LINE and plan.strong(i) is None for i in run):
        run = [i for i in run if plan.strong(i) is not None]
    plan.drop(run, trigger)


def _separators(plan: _Plan) -> None:
    """Remove separators that frame removed lines, or that sit at the edge of the document."""
    n = len(plan.lines)

    def gone(j: int) -> bool:
        return j < 0 or j >= n or j in plan.drops

    def neighbour(i: int, step: int) -> int:
        j = i + step
        while 0 <= j < n and not plan.lines[j].strip():
            j += step
        return j

    changed = True
    while changed:
        changed = False
        for i, h in enumerate(plan.hits):
            if i in plan.drops or not is_separator(h):
                continue
            if plan.region(i) == "body":
                framing = (i - 1 in plan.drops) or (i + 1 in plan.drops)
            else:
                framing = gone(neighbour(i, -1)) or gone(neighbour(i, 1))
            if framing:
                plan.drops[i] = next(r.id for r in h if r.category == SEPARATOR)
                changed = True


def plan_line_drops(lines: Sequence[str], hits: Sequence[Hits]) -> dict[int, str]:
    """Which lines to remove (0-based index -> rule id or block reason)."""
    first, last = _shape(lines, hits)
    plan = _Plan(lines, hits, first, last, {})
    spans = blocks(lines, lambda i: is_separator(hits[i]))
    _zone_blocks(plan, [(s, e) for s, e in spans if e < first or s > last])
    for start, end in spans:
        if end < first or start > last:
            continue
        if start < first:
            _ad_run(plan, list(range(start, first)))
        if end > last:
            _ad_run(plan, list(range(last + 1, end + 1)))
    for i in range(len(lines)):
        rule = None if i in plan.drops else plan.strong(i)
        if rule is not None:
            plan.drops[i] = rule.id
    _separators(plan)
    return plan.drops


# -- applying the plan ---------------------------------------------------------------------------


def _cut_spans(line: str, matcher: RuleMatcher) -> tuple[str, list[tuple[str, str]]]:
    """The line with every strong span match cut out, and ``(rule id, cut text)`` records."""
    hits = matcher.finditer(line) if matcher else []
    if not hits:
        return line, []
    pieces, cuts, pos = [], [], 0
    for rule, m in hits:
        pieces.append(line[pos : m.start()])
        cuts.append((rule.id, m.group()))
        pos = m.end()
    pieces.append(line[pos:])
    return "".join(pieces), cuts


def _remove_boilerplate_with(doc: Document, master: RuleMatcher) -> Document:
    """Cut inline asides first, judge lines on what is left, then apply both."""
    matchers = _matchers(master.rules, master.timeout)
    lines, origins = doc.lines, doc.line_origins()
    cut = [_cut_spans(line, matchers.spans) if line.strip() else (line, []) for line in lines]
    hits = [line_hits(text, matchers) for text, _ in cut]
    drops = plan_line_drops([text for text, _ in cut], hits)
    out, removals = list(lines), []
    for i, (text, cuts) in enumerate(cut):
        if i in drops or not cuts:
            continue
        if not text.strip():
            drops[i] = cuts[0][0]  # the aside was the whole line: the line goes
            continue
        out[i] = text
        removals += [Removal(rule_id, origins[i], piece) for rule_id, piece in cuts]
    if drops and all(i in drops for i, line in enumerate(lines) if line.strip()):
        # nothing but ads: the blank padding goes too, so the result is an empty text
        drops.update({i: BLANK_RULE for i, line in enumerate(lines) if not line.strip()})
    if removals:
        text = join_lines(out, final_newline=doc.text.endswith("\n"))
        doc = doc.replace(text=text, origins=origins).add(removals=removals)
    return drop_lines(doc, drops)


def remove_boilerplate(doc: Document, *, matcher: RuleMatcher) -> Document:
    """The stage body; a rule that times out is reported and the stage re-run without it."""
    if not matcher:
        return doc
    return run_without_timeouts(_remove_boilerplate_with, doc, matcher)


def build_boilerplate(rules: tuple[Rule, ...], *, timeout: float) -> Stage:
    """The boilerplate stage over the enabled boilerplate rules."""
    master = RuleMatcher(tuple(r for r in rules if r.action in ("drop-line", "drop-span")), timeout)
    return Stage("boilerplate", partial(remove_boilerplate, matcher=master))
