"""Promotional header/footer/inline removal: rules for evidence, blocks for reach.

A keyword list cannot remove a seller's header: its platform name and slogans carry no
keyword. So the stage reasons about the document's shape (:mod:`.blocks` reads the shape of
lines, :mod:`.zones` decides which lines go; this module screens lines and applies it all):

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
   ad lines goes (first to last line with evidence, reaching outward to the document-edge
   side of the block): lines between it and the body, such as a short title, stay.
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

from dataclasses import dataclass
from functools import partial

from ..document import Document, Removal, drop_lines, join_lines
from ..matcher import RuleMatcher, run_without_timeouts
from ..rules import Rule
from . import Stage
from .blocks import content_len
from .zones import LONG_LINE, SEPARATOR, Hits, plan_line_drops, reads_as_body

BLANK_RULE = "whitespace.blank-lines"


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
    separators: RuleMatcher

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
        separators = tuple(r for r in rules if r.action == "drop-line" and r.category == SEPARATOR)
        return cls(
            lines=group(long_only=False),
            long=group(long_only=True),
            spans=RuleMatcher(spans, timeout),
            separators=RuleMatcher(separators, timeout),
        )


# -- evidence ------------------------------------------------------------------------------------


def line_hits(line: str, matchers: BoilerplateMatchers, *, body: bool = False) -> Hits:
    """Every ``drop-line`` rule that hits the line and may act on a line this long.

    ``body=True``: only what may act inside the body (``anywhere`` rules and separators), for
    lines known to lie between the first and the last body line.
    """
    if not line.strip():
        return ()
    groups = matchers.lines if content_len(line) <= LONG_LINE else matchers.long
    zones = ("anywhere",) if body else tuple(groups)
    hits = tuple(rule for zone in zones if groups[zone] for rule, _ in groups[zone].matching(line))
    if body and matchers.separators:
        hits += tuple(rule for rule, _ in matchers.separators.matching(line) if rule not in hits)
    return hits


def document_hits(judged: list[str], extra: list[Hits], matchers: BoilerplateMatchers) -> list[Hits]:
    """Hits for every line, screening only the edges with the edge rules.

    From each end inward, lines get every rule until the first line that reads as body;
    between those two lines (the body) only rules that may act there are screened. Body
    lines are most of a document, so this is where the stage saves most of its time.
    """
    n = len(judged)
    hits: list[Hits | None] = [None] * n

    def full(i: int) -> bool:
        found = hits[i] = line_hits(judged[i], matchers) + extra[i]
        return reads_as_body(judged[i], found)

    top = next((i for i in range(n) if full(i)), n)
    bottom = next((i for i in range(n - 1, top, -1) if full(i)), top)
    for i in range(top + 1, bottom):
        hits[i] = line_hits(judged[i], matchers, body=True) + extra[i]
    return [h if h is not None else () for h in hits]


# -- applying the plan ---------------------------------------------------------------------------


def _cut_spans(line: str, matcher: RuleMatcher) -> tuple[str, list[tuple[Rule, str]]]:
    """The line with every strong span match cut out, and ``(rule, cut text)`` records."""
    hits = matcher.finditer(line) if matcher and line.strip() else []
    if not hits:
        return line, []
    pieces, cuts, pos = [], [], 0
    for rule, m in hits:
        pieces.append(line[pos : m.start()])
        cuts.append((rule, m.group()))
        pos = m.end()
    pieces.append(line[pos:])
    return "".join(pieces), cuts


def _remove_with(doc: Document, matchers: BoilerplateMatchers) -> Document:
    """Cut inline asides, judge lines on what is left, then apply both.

    A line that nothing but an aside fills is judged as it is (so its block sees the ad) and
    goes whole, named by the span rule, unless a line rule or its block takes it first.
    """
    lines, origins = doc.lines, doc.line_origins()
    cut = [_cut_spans(line, matchers.spans) for line in lines]
    # judged on what is left after the cuts; a line that was all aside is judged whole, and
    # the span rules that filled it count as strong hits on it
    judged = [text if text.strip() else line for line, (text, _) in zip(lines, cut, strict=True)]
    extra = [tuple(r for r, _ in cuts) if cuts and not text.strip() else () for text, cuts in cut]
    drops = plan_line_drops(judged, document_hits(judged, extra, matchers))
    out, removals = list(lines), []
    for i, (text, cuts) in enumerate(cut):
        if i in drops or not cuts:
            continue
        if not text.strip():
            drops[i] = cuts[0][0].id
            continue
        out[i] = text
        removals += [Removal(rule.id, origins[i], piece) for rule, piece in cuts]
    if drops and all(i in drops for i, line in enumerate(lines) if line.strip()):
        # nothing but ads: the blank padding goes too, so the result is an empty text
        drops.update({i: BLANK_RULE for i, line in enumerate(lines) if not line.strip()})
    if removals:
        text = join_lines(out, final_newline=doc.text.endswith("\n"))
        doc = doc.replace(text=text, origins=origins).add(removals=removals)
    return drop_lines(doc, drops)


def remove_boilerplate(doc: Document, *, matcher: RuleMatcher, groups: BoilerplateMatchers) -> Document:
    """The stage body over ``groups`` (built from ``matcher``'s rules).

    A rule that times out is reported and the stage re-run without it; only then are the
    groups rebuilt, so the common path compiles nothing per document.
    """
    if not matcher:
        return doc

    def body(d: Document, m: RuleMatcher) -> Document:
        current = groups if m is matcher else BoilerplateMatchers.build(m.rules, m.timeout)
        return _remove_with(d, current)

    return run_without_timeouts(body, doc, matcher)


def build_boilerplate(rules: tuple[Rule, ...], *, timeout: float) -> Stage:
    """The boilerplate stage over the enabled boilerplate rules."""
    master = RuleMatcher(tuple(r for r in rules if r.action in ("drop-line", "drop-span")), timeout)
    groups = BoilerplateMatchers.build(master.rules, timeout)
    return Stage("boilerplate", partial(remove_boilerplate, matcher=master, groups=groups))
