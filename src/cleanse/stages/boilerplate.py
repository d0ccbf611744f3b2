"""Promotional header/footer/inline removal: rules for evidence, blocks for reach.

A keyword list cannot remove a seller's header: its platform name and slogans carry no
keyword. So the stage reasons about the document's shape (:mod:`.boilerplate_matchers` asks
the rules about each line, :mod:`.blocks` reads the shape of lines, :mod:`.zones` decides
which lines go; this module judges the document with them and applies it all):

1. **Evidence.** Every line is screened once for the zone groups of ``drop-line`` rules that
   may act on it (one :class:`~.screen.RuleTable`, which does what each group's
   :class:`~cleanse.matching.matcher.RuleMatcher` would, for less). A ``strong`` hit says "this
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

from functools import partial

from ..document import Document, Removal, drop_lines, join_lines
from ..errors import RuleTimeout
from ..matching import RuleMatcher, run_without_timeouts
from ..rules import Rule
from . import Stage
from .blocks import content, content_evidence
from .boilerplate_matchers import BoilerplateMatchers, Cut, cut_all, line_hits
from .boilerplate_scoring import Scoring, kept_note
from .scorer import DocumentScorer, Evidence
from .zones import Hits, is_separator, plan_line_drops, reads_as_body, strong_hit

BLANK_RULE = "whitespace.blank-lines"


# -- evidence ------------------------------------------------------------------------------------


def document_hits(judged: list[str], extra: list[Hits], matchers: BoilerplateMatchers) -> list[Hits]:
    """Hits for every line, screening only the edges with the edge rules (see :func:`_judge`)."""
    return _judge(judged, extra, matchers, [content(line) for line in judged])[0]


def _judge(
    judged: list[str],
    extra: list[Hits],
    matchers: BoilerplateMatchers,
    texts: list[str],
    scoring: Scoring | None = None,
    protected: frozenset[int] = frozenset(),
) -> tuple[list[Hits], list[bool | None], DocumentScorer | None]:
    """Hits for every line, and :func:`reads_as_body` of the lines judged on the way.

    From each end inward, lines get every rule until the first line that reads as body;
    between those two lines (the body) only rules that may act there are screened. Body
    lines are most of a document, so this is where the stage saves most of its time. The
    body verdicts are returned so that planning does not judge those lines again.
    ``texts``: each line's :func:`~.blocks.content`.

    Rules decide first; the scorer (``scoring``) is asked only about an edge line that no
    strong rule or separator decided: a line at or above the threshold gets the score rule as
    a strong hit, so it no longer reads as body and its block is reasoned about as with any
    strong rule; a line at or above half of it gets it as weak evidence (see
    :meth:`Scoring.hit`). ``protected`` lines (a ``keep`` rule matched) get no hits at all.
    """
    n = len(judged)
    hits: list[Hits] = [()] * n
    body: list[bool | None] = [None] * n
    scorer = scoring.scorer(judged) if scoring is not None else None

    def full(i: int) -> bool:
        found = () if i in protected else line_hits(judged[i], matchers, size=len(texts[i])) + extra[i]
        if (
            scoring is not None
            and scorer is not None
            and i not in protected
            and strong_hit(found, "edges") is None
            and not is_separator(found)
        ):
            scored = scoring.hit(scorer, i, texts[i])
            found += (scored,) if scored is not None else ()
        hits[i] = found
        verdict = body[i] = reads_as_body(judged[i], found, texts[i])
        return verdict

    top = next((i for i in range(n) if full(i)), n)
    bottom = next((i for i in range(n - 1, top, -1) if full(i)), top)
    if top == n and scoring is not None and not any(content_evidence(t) for t in texts):
        # no line reads as body by its shape (a table, a list): only rules decide here, a
        # score has nothing to tell an ad from (项目  金额 next to a seller's line)
        hits = [tuple(r for r in h if r.action != "score") for h in hits]
    for i in range(top + 1, bottom):
        if i not in protected:
            found = line_hits(judged[i], matchers, body=True, size=len(texts[i])) + extra[i]
            if not found and scoring is not None and scorer is not None:
                found = (scoring.between,) if scoring.inline(scorer, i, texts[i]) else ()
            hits[i] = found
    return hits, body, scorer


# -- applying the plan ---------------------------------------------------------------------------


MAX_SCORE_PASSES = 8


def _protected(
    lines: list[str], keep: RuleMatcher | None, warnings: list[str] | None = None
) -> frozenset[int]:
    """Lines a boilerplate ``keep`` rule matches: the stage never removes or cuts them.

    A keep rule too slow to answer on a line keeps that line (keeping loses nothing) and is
    named in ``warnings``.
    """
    if not keep:
        return frozenset()

    def kept(line: str) -> bool:
        try:
            return keep.first(line) is not None
        except RuleTimeout as exc:
            if warnings is not None and str(exc) not in warnings:
                warnings.append(str(exc))
            return True

    return frozenset(i for i, line in enumerate(lines) if line.strip() and kept(line))


def _remove_with(
    doc: Document,
    matchers: BoilerplateMatchers,
    scoring: Scoring | None = None,
    keep: RuleMatcher | None = None,
) -> Document:
    """Cut inline asides, judge lines on what is left, then apply both.

    A line that nothing but an aside fills is judged as it is (so its block sees the ad) and
    goes whole, named by the span rule, unless a line rule or its block takes it first.
    A line removed on its score carries the score and its top features (:data:`Evidence`).
    """
    lines = doc.lines
    slow: list[str] = []
    protected = _protected(lines, keep, slow)
    cut = cut_all(doc.text, lines, matchers)
    for i in protected:
        cut[i] = (lines[i], ())
    # judged on what is left after the cuts; a line that was all aside is judged whole, and
    # the span rules that filled it count as strong hits on it
    judged = [text if text.strip() else line for line, (text, _) in zip(lines, cut, strict=True)]
    extra = [tuple(r for r, _ in cuts) if cuts and not text.strip() else () for text, cuts in cut]
    texts = [content(line) for line in judged]
    hits, body, scorer = _judge(judged, extra, matchers, texts, scoring, protected)
    drops = plan_line_drops(judged, hits, known_body=body, texts=texts)
    for i in protected:
        drops.pop(i, None)
    evidence: dict[int, Evidence] = {}
    if scoring is not None and scorer is not None:
        drops = _keep_some_content(lines, drops, scoring.rule.id)
        evidence = {i: scorer.evidence(i) for i, rule in drops.items() if rule == scoring.rule.id}
    return apply_plan(doc, cut, drops, evidence).add(warnings=slow)


def _keep_some_content(lines: list[str], drops: dict[int, str], score_id: str) -> dict[int, str]:
    """A score alone never empties a document: when every non-blank line would go and some
    go on the score (or in a block it triggered), those stay. A one-line notice title
    (关于订阅报刊的通知) is all its document has; rules may still remove it, a score may not."""
    if not all(i in drops for i, line in enumerate(lines) if line.strip()):
        return drops
    by_score = {i for i, rule in drops.items() if rule == score_id or rule.endswith(":" + score_id)}
    return {i: rule for i, rule in drops.items() if i not in by_score} if by_score else drops


def apply_plan(
    doc: Document, cut: list[Cut], drops: dict[int, str], evidence: dict[int, Evidence] | None = None
) -> Document:
    """Apply each line's span cuts and the planned line drops (index -> rule id).

    A line the cuts leave blank goes whole, named by its first span rule, unless a drop
    names it already; a document of nothing but ads loses its blank padding too.
    ``evidence``: score and features of lines removed on their score, for their Removal.
    """
    lines, origins = doc.lines, doc.line_origins()
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
        doc = doc.replace(text=text, origins=origins).add(removed=removals)
    return drop_lines(doc, drops, evidence)


def _may_score_more(doc: Document, scoring: Scoring) -> bool:
    """Could another pass remove more? Only if a line now scores as evidence where it sits.

    From each end inward up to the first line that reads as body by its shape, every line is
    scored in its new place, and so is every short cue line between paragraphs (see
    :meth:`Scoring.inline`); when none reaches evidence, a pass would plan exactly what the
    rules planned already (their hits do not move), so it is skipped: most documents need one
    pass.
    """
    lines = doc.lines
    scorer = scoring.scorer(lines)
    for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
        for i in order:
            text = content(lines[i])
            if not text:
                continue
            if scoring.hit(scorer, i, text) is not None:
                return True
            if content_evidence(text) is not None:
                break
    # a line between paragraphs whose neighbour went may now score high enough too
    return any(scoring.inline(scorer, i, content(line)) for i, line in enumerate(lines) if line.strip())


def remove_boilerplate(
    doc: Document,
    *,
    matcher: RuleMatcher,
    groups: BoilerplateMatchers,
    scoring: Scoring | None = None,
    keep: RuleMatcher | None = None,
) -> Document:
    """The stage body over ``groups`` (built from ``matcher``'s rules), the scorer and the
    ``keep`` rules.

    A rule that times out is reported and the stage re-run without it; only then are the
    groups rebuilt, so the common path compiles nothing per document.
    """
    if not matcher and scoring is None:
        return doc

    def body(d: Document, m: RuleMatcher) -> Document:
        current = groups if m is matcher else BoilerplateMatchers.build(m.rules, m.timeout)
        out = _remove_with(d, current, scoring, keep)
        # A score depends on a line's place: once the lines above it are gone, the next line
        # is the first. Passes repeat until nothing more goes, so cleaning the output again
        # removes nothing (rules alone need one pass: their hits do not move).
        if scoring is None:
            return out
        for _ in range(MAX_SCORE_PASSES):
            if out is d or not _may_score_more(out, scoring):
                break
            d, out = out, _remove_with(out, current, scoring, keep)
        return out

    return run_without_timeouts(body, doc, matcher)


def build_boilerplate(
    rules: tuple[Rule, ...],
    *,
    timeout: float | None,
    ad_threshold: float | None = None,
    mark_template: str | None = None,
) -> Stage:
    """The boilerplate stage over the enabled boilerplate rules (and their ``score`` rule).

    ``ad_threshold``: the scorer's threshold instead of the rule's (``--ad-threshold``);
    ``mark_template``: the placeholder marks' template in mark mode (see :meth:`Scoring.scorer`).
    """
    master = RuleMatcher(tuple(r for r in rules if r.action in ("drop-line", "drop-span")), timeout)
    groups = BoilerplateMatchers.build(master.rules, timeout)
    keep = RuleMatcher(tuple(r for r in rules if r.action == "keep"), timeout)
    body = partial(
        remove_boilerplate,
        matcher=master,
        groups=groups,
        scoring=Scoring.build(rules, ad_threshold, mark_template),
        keep=keep if keep else None,
    )
    return Stage("boilerplate", body)


def kept_line_notes(stage: Stage, doc: Document) -> dict[int, str]:
    """Why each line the scorer looked at stayed: input line number -> note (for ``explain``).

    ``doc`` is the stage's output: the stage's last pass found nothing more to remove in it,
    so judging it once more shows the verdicts that kept its lines. Lines a ``keep`` rule
    protects say so; the body's inner lines are never scored and get no note.
    """
    keywords = getattr(stage.fn, "keywords", {})
    scoring, groups, keep = keywords.get("scoring"), keywords.get("groups"), keywords.get("keep")
    if scoring is None or groups is None:
        return {}
    lines, origins = doc.lines, doc.line_origins()
    protected = _protected(lines, keep)
    texts = [content(line) for line in lines]
    _, _, scorer = _judge(lines, [()] * len(lines), groups, texts, scoring, protected)
    notes = {origins[i]: "kept: a keep rule matches it" for i in protected}
    if scorer is not None:
        for i, score in scorer.scored().items():
            notes[origins[i]] = kept_note(scoring, scorer, i, score, texts[i])
    return notes
