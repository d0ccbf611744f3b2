"""The learned scorer as the boilerplate stage uses it: thresholds, the weak share, lines
between paragraphs, and the notes ``explain`` gives for lines it kept.

The model itself (features, weights, scores) is :mod:`.scorer`; how its verdicts combine with
rule hits, zones and blocks is :mod:`.boilerplate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from ..rules import Rule
from .blocks import content, content_evidence
from .line_features import has_cue
from .placeholders import mark_regex
from .scorer import DocumentScorer, LinearModel, rule_model, threshold_of

WEAK_SHARE = 0.5
INLINE_MAX = 40  # visible characters of a line between paragraphs that a score may remove
# A line that reads as body by its shape (a sentence, a long line) goes on its score only at
# BODY_ODDS times the odds of the threshold (0.9 -> 0.964): a real closing paragraph
# (以上就是我的方法，分享给大家。) sits exactly where footers do.
BODY_ODDS = 3.0


@dataclass(frozen=True)
class Scoring:
    """The learned scorer as the stage uses it (see :mod:`.scorer`).

    ``rule``: the ``score`` rule (id ``model.boilerplate`` by default); its hit on a line is
    strong evidence in the zones it allows. ``keep_texts``: the visible text of every
    boilerplate rule's ``examples.keep``: a line a rule says to leave alone is never scored.
    """

    rule: Rule
    model: LinearModel
    threshold: float
    keep_texts: frozenset[str]
    mark_template: str | None = None
    weak: Rule = field(init=False)
    between: Rule = field(init=False)
    body_threshold: float = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weak", replace(self.rule, strength="weak"))
        object.__setattr__(self, "between", replace(self.rule, zone="anywhere"))
        odds = self.threshold / (1 - self.threshold) * BODY_ODDS
        object.__setattr__(self, "body_threshold", odds / (1 + odds))

    @classmethod
    def build(
        cls, rules: tuple[Rule, ...], threshold: float | None, mark_template: str | None = None
    ) -> Scoring | None:
        """From the enabled boilerplate rules; None when no ``score`` rule is on.

        ``mark_template``: in ``--placeholders mark`` mode, the template of the marks; the
        scorer reads lines with their marks undone (see :meth:`scorer`).
        """
        rule = next((r for r in rules if r.action == "score"), None)
        if rule is None:
            return None
        keep = frozenset(content(t) for r in rules for t in r.examples_keep)
        return cls(rule, rule_model(rule), threshold_of(rule, threshold), keep, mark_template)

    def scorer(self, lines: Sequence[str]) -> DocumentScorer:
        """A scorer for one document's lines, as the first cleaning saw them: placeholder marks
        (``⟨X|count⟩``) undone, so that cleaning marked text scores its lines — and decides —
        as the first cleaning did (idempotent)."""
        template = self.mark_template
        if template:
            pattern, opener = mark_regex(template), template.split("{", 1)[0][:1]
            lines = [pattern.sub(lambda m: m.group("text"), ln) if opener in ln else ln for ln in lines]
        return DocumentScorer(self.model, lines)

    def hit(self, scorer: DocumentScorer, i: int, text: str) -> Rule | None:
        """The score rule as a strong hit (at or above the threshold), as a weak one (at or
        above ``WEAK_SHARE`` of it: looks promotional), or None; ``text``: the visible text."""
        if text in self.keep_texts:
            return None
        score = scorer.score(i)
        if score is None or score < self.threshold * WEAK_SHARE:
            return None
        if score >= self.threshold and (score >= self.body_threshold or content_evidence(text) is None):
            return self.rule
        return self.weak

    def inline(self, scorer: DocumentScorer, i: int, text: str) -> bool:
        """A line between body paragraphs (``图片来源：摄图网``, ``本书首发来自17K小说网``) goes on
        its score only if it is short, does not read as body, holds an ad cue (a cheap screen:
        inner lines are most of a document) and reaches the threshold at ``BODY_ODDS`` times
        its odds, as a body-shaped line at the edges must."""
        if len(text) > INLINE_MAX or text in self.keep_texts or content_evidence(text) is not None:
            return False
        if not has_cue(text):
            return False
        score = scorer.score(i)
        return score is not None and score >= self.body_threshold


def kept_note(scoring: Scoring, scorer: DocumentScorer, i: int, score: float, text: str) -> str:
    """Why line ``i`` stayed although the scorer looked at it (a note for ``explain``)."""
    shape = content_evidence(text)
    below = score < scoring.threshold
    top = ", ".join(f"{name} {weight:+.2f}" for name, weight in scorer.evidence(i, against=below)[1])
    features = f" ({top})" if top else ""
    if below:
        body = f"; reads as body ({shape})" if shape else ""
        return f"kept: {scoring.rule.id} score {score:.3f} < {scoring.threshold}{body}{features}"
    if shape and score < scoring.body_threshold:
        return (
            f"kept: {scoring.rule.id} score {score:.3f} >= {scoring.threshold}, but it reads as body "
            f"({shape}) and needs {scoring.body_threshold:.3f}{features}"
        )
    return f"kept: {scoring.rule.id} score {score:.3f}, but content is around it{features}"
