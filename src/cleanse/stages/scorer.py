"""The learned boilerplate scorer: a linear model over readable line features.

Rules know the phrasings they were written for; the scorer knows what boilerplate *does*
(asks to follow, join, buy; claims rights; credits; navigates) and where it sits, learned
from real lines of many sources (``data/boilerplate/``, trained by
``tools/train_boilerplate.py``). It is declared like a rule (``rules/boilerplate-model.toml``,
id ``model.boilerplate``, ``action = "score"``), so it is listed, shown, disabled, re-pointed
at another model file or given another ``threshold`` the way rules are.

The model file is JSON: ``bias``, ``weights`` (feature name -> weight; see
:mod:`.line_features` for the names) and facts about its training. The score of a line is
``sigmoid(bias + sum of the weights of its features)``; a decision explains itself by the
features that contributed most, which the report and ``cleanse explain`` show.

Cost: only lines the stage asks about are scored (lines at the edges of a document that no
rule decided); the text part of a score is cached by line (ad lines repeat across files),
so a repeated line costs one dictionary look-up plus its few position features.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import RuleFileError
from ..rules import Rule
from .line_features import (
    context_features,
    feature_values,
    scorable,
    text_features,
)

MODEL_ID = "model.boilerplate"
FORMAT = "cleanse-linear-1"
TOP_FEATURES = 3
CACHE_LINES = 16384

# (score, the features that pushed it up most, each with its contribution)
Evidence = tuple[float, tuple[tuple[str, float], ...]]


@dataclass(frozen=True)
class LinearModel:
    """A logistic-regression line model: bias, weights by feature name, and its provenance."""

    bias: float
    weights: Mapping[str, float]
    threshold: float
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        """Read a model file; every problem is a :class:`RuleFileError` naming the file.

        Cached per process by path, size and modification time: rebuilding a Cleaner reads a
        model once, and reads it again after it was retrained.
        """
        try:
            stat = path.stat()
        except OSError as exc:
            raise RuleFileError(
                [f"{path}: cannot read the model file: {exc}; check the rule's 'model' path"]
            ) from None
        return _load_cached(str(path), stat.st_size, stat.st_mtime_ns)

    def text_part(self, line: str) -> float:
        """The sum of the weights of the line's text features (cached per model and line)."""
        return _text_part(self, line)

    def contributions(self, features: Sequence[str]) -> list[tuple[str, float]]:
        """Each known feature with its contribution (weight x value), largest first."""
        values = feature_values(features)
        found = [(f, self.weights[f] * v) for f, v in values.items() if f in self.weights]
        return sorted(found, key=lambda item: (-item[1], item[0]))

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


@lru_cache(maxsize=8)
def _load_cached(path: str, size: int, mtime_ns: int) -> LinearModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleFileError(
            [f"{path}: cannot read the model file: {exc}; check the rule's 'model' path"]
        ) from None
    except ValueError as exc:
        raise RuleFileError([f"{path}: the model file is not valid JSON ({exc}); retrain it"]) from None
    problems = _check(data, path)
    if problems:
        raise RuleFileError(problems)
    return LinearModel(
        bias=float(data["bias"]),
        weights={str(k): float(v) for k, v in data["weights"].items()},
        threshold=float(data["threshold"]),
        meta={k: v for k, v in data.items() if k not in ("bias", "weights")},
    )


def _check(data: Any, path: str) -> list[str]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [f"{path}: not a cleanse model file (format {FORMAT!r} expected); retrain it"]
    problems = []
    if not isinstance(data.get("bias"), int | float):
        problems.append(f"{path}: 'bias' must be a number")
    weights = data.get("weights")
    if not isinstance(weights, dict) or not all(isinstance(v, int | float) for v in weights.values()):
        problems.append(f"{path}: 'weights' must map feature names to numbers")
    threshold = data.get("threshold")
    if not isinstance(threshold, int | float) or not 0 < threshold < 1:
        problems.append(f"{path}: 'threshold' must be a number between 0 and 1")
    return problems


@lru_cache(maxsize=CACHE_LINES)
def _text_part(model: LinearModel, line: str) -> float:
    weights = model.weights
    return sum(weights.get(f, 0.0) * v for f, v in feature_values(text_features(line)).items())


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


class DocumentScorer:
    """Scores lines of one document on demand (position and neighbours need the document).

    Built per document by the stage; cheap until asked: the list of non-blank lines is worked
    out on first use, and scores are kept per line.
    """

    def __init__(self, model: LinearModel, lines: Sequence[str]) -> None:
        self.model = model
        self.lines = lines
        self._nonblank: list[int] | None = None
        self._scores: dict[int, float | None] = {}

    def _context(self, i: int) -> list[str]:
        if self._nonblank is None:
            self._nonblank = [k for k, line in enumerate(self.lines) if line.strip()]
        return context_features(i, self.lines, self._nonblank)

    def score(self, i: int) -> float | None:
        """The probability that line ``i`` is boilerplate; None for a line never scored."""
        if i in self._scores:
            return self._scores[i]
        line = self.lines[i]
        score = None
        if scorable(line):
            weights = self.model.weights
            total = self.model.bias + self.model.text_part(line)
            total += sum(weights.get(f, 0.0) for f in self._context(i))
            score = sigmoid(total)
        self._scores[i] = score
        return score

    def scored(self) -> dict[int, float]:
        """Every line scored so far (index -> score), for explanations."""
        return {i: score for i, score in self._scores.items() if score is not None}

    def evidence(self, i: int, *, against: bool = False) -> Evidence:
        """The line's score and the features that raised it most (for the report), or with
        ``against`` those that lowered it most (why a line stayed)."""
        score = self.score(i)
        features = text_features(self.lines[i]) + self._context(i)
        ranked = self.model.contributions(features)
        if against:
            ranked = ranked[::-1]
        top = [(name, round(w, 3)) for name, w in ranked if (w < 0 if against else w > 0)]
        return round(score or 0.0, 4), tuple(top[:TOP_FEATURES])


def model_path(rule_source: str, model: str) -> Path:
    """A rule's ``model`` path: relative to the folder of the rule file that names it."""
    path = Path(model)
    return path if path.is_absolute() else Path(rule_source).resolve().parent / path


def rule_model(rule: Rule) -> LinearModel:
    """The model a ``score`` rule names (loaded once per process)."""
    return LinearModel.load(model_path(rule.source, rule.model or ""))


def threshold_of(rule: Rule, override: float | None = None) -> float:
    """The threshold in force: ``--ad-threshold``, else the rule's, else the model file's."""
    if override is not None:
        return override
    return rule.threshold if rule.threshold is not None else rule_model(rule).threshold


# The place an example is tested in: the first line of a document, above a paragraph of body
# text, where the stage scores a line that no rule decided.
EXAMPLE_BODY = "本章说明系统的安装步骤，并介绍安装完成后需要检查的几项配置。"


def example_score(rule: Rule, text: str) -> float:
    """The score ``text`` gets as the first line of a document above a body paragraph."""
    return DocumentScorer(rule_model(rule), [text, "", EXAMPLE_BODY]).score(0) or 0.0


def score_example_failures(rule: Rule) -> list[str]:
    """A score rule's examples: each ``match`` text must reach the threshold, each ``keep``
    text stay below it, scored where :func:`example_score` puts them."""
    threshold = threshold_of(rule)
    failures = []
    for text in rule.examples_match:
        score = example_score(rule, text)
        if score < threshold:
            failures.append(
                f"{rule.where}: rule {rule.id!r}: scores {score:.3f} < {threshold} but should go: {text!r}"
            )
    for text in rule.examples_keep:
        score = example_score(rule, text)
        if score >= threshold:
            failures.append(
                f"{rule.where}: rule {rule.id!r}: scores {score:.3f} >= {threshold} but should stay: {text!r}"
            )
    return failures
