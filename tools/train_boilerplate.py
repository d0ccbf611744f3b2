"""Train (and evaluate) the boilerplate line scorer from ``data/boilerplate/``.

    python tools/train_boilerplate.py                      # train on everything, write the model
    python tools/train_boilerplate.py --eval               # leave-source-out CV table + curve

Training: documents are assembled from the corpus (see ``boilerplate_data``), every non-blank
line gets the features of ``cleanse.stages.line_features`` (the very functions the stage
uses), and a logistic regression (scikit-learn, a dev-only dependency) learns one weight per
feature. Hard negatives weigh more than body lines (``NEGATIVE_WEIGHT``): losing a real sentence
is worse than keeping an ad. The model file keeps the weights that matter (``|w| >= PRUNE``)
and is byte-identical for the same data (fixed seeds, a deterministic solver, no dates).

Evaluation: sites are split into ``--folds`` folds by a hash of their name; for each fold a
model is trained on the other folds' sites and the real boilerplate stage (default rules +
that model) cleans documents assembled from the fold's sites only. So no site (an account, a
platform's template, a document collection) is ever both trained and tested on. It prints ad
recall by category and position, body-line and hard-negative retention, for the rules alone
and for rules + scorer at each threshold, and writes the threshold curve.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from boilerplate_data import DATA, Corpus, Line, build_documents, document_text, fold_of, load_corpus

from cleanse.pipeline import Cleaner, Options
from cleanse.rules import load_rules
from cleanse.stages.line_features import document_features, feature_values
from cleanse.stages.scorer import FORMAT, MODEL_ID

ROOT = Path(__file__).resolve().parents[1]
MODEL_OUT = ROOT / "rules" / "boilerplate-scorer.json"
CURVE_OUT = DATA / "threshold-curve.tsv"
NEGATIVE_WEIGHT = 4.0
C = 8.0  # inverse regularization; 0.15, 0.5, 2, 4 and 8 were tried (2026-12-04)
AD_WEIGHT = 1.0  # 3 gave no better recall at the same retention
PRUNE = 0.05
SEEDS = (0, 1, 2)
# Share of training documents without ads: most real documents have none, and a model that
# sees ads at every edge learns that the last line of any document is one.
PLAIN_SHARE = 0.5
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.96, 0.97, 0.98)
DEFAULT_THRESHOLD = 0.95


def training_rows(
    corpus: Corpus, sites: set[str] | None
) -> tuple[list[dict[str, float]], list[int], list[float]]:
    """Feature dicts, labels (1 = ad) and sample weights of every line of the assembled documents."""
    X: list[dict[str, float]] = []
    y: list[int] = []
    w: list[float] = []
    for seed in SEEDS:
        for doc in build_documents(corpus, sites, seed=seed, plain_share=PLAIN_SHARE):
            texts = [line.text if line else "" for line in doc]
            for line, feats in zip(doc, document_features(texts), strict=True):
                if line is None or feats is None:
                    continue
                X.append(feature_values(feats))
                y.append(1 if line.is_ad else 0)
                w.append(
                    NEGATIVE_WEIGHT if line.label == "hard_negative" else AD_WEIGHT if line.is_ad else 1.0
                )
    return X, y, w


def train(corpus: Corpus, sites: set[str] | None = None, threshold: float = DEFAULT_THRESHOLD) -> dict:
    """The model file's content, trained on the documents of ``sites`` (all when None)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X, y, w = training_rows(corpus, sites)
    vec = DictVectorizer(sort=True)
    matrix = vec.fit_transform(X).tocsr()
    matrix.indices = matrix.indices.astype("int32")  # liblinear takes 32-bit indices only
    matrix.indptr = matrix.indptr.astype("int32")
    model = LogisticRegression(C=C, solver="liblinear", max_iter=2000, random_state=0)
    model.fit(matrix, y, sample_weight=w)
    names = vec.get_feature_names_out()
    weights = {
        str(name): round(float(coef), 3)
        for name, coef in zip(names, model.coef_[0], strict=True)
        if abs(coef) >= PRUNE
    }
    return {
        "format": FORMAT,
        "id": MODEL_ID,
        "threshold": threshold,
        "bias": round(float(model.intercept_[0]), 4),
        "weights": dict(sorted(weights.items())),
        "trained_on": {
            "lines": len(y),
            "ad_lines": sum(y),
            "sites": len(sites) if sites is not None else len(corpus.sites()),
            "data_sha256": data_digest(),
            "negative_weight": NEGATIVE_WEIGHT,
            "C": C,
        },
    }


def data_digest() -> str:
    """SHA-256 over the corpus files, so a model file names the data it was trained on."""
    h = hashlib.sha256()
    for path in sorted(DATA.glob("*.jsonl")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def write_model(model: dict, path: Path) -> None:
    path.write_text(json.dumps(model, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")


# -- evaluation ----------------------------------------------------------------------------------


@dataclass
class Tally:
    """Lines seen and removed, per label and per ad category/position."""

    seen: Counter = field(default_factory=Counter)
    gone: Counter = field(default_factory=Counter)
    lost: list[tuple[str, str]] = field(default_factory=list)  # (label, text) of lost real lines

    def add(self, line: Line, removed: bool) -> None:
        if not any(c.isalnum() for c in line.text):
            return  # a rule of dashes or stars is decoration, neither body nor ad
        keys = [line.label]
        if line.is_ad:
            keys += [f"cat:{line.category}", f"pos:{line.position}"]
        for key in keys:
            self.seen[key] += 1
            self.gone[key] += removed
        if removed and not line.is_ad:
            self.lost.append((line.label, line.text))

    def rate(self, key: str, *, kept: bool = False) -> float:
        if not self.seen[key]:
            return float("nan")
        share = self.gone[key] / self.seen[key]
        return 1 - share if kept else share


OVERRIDE = """[[rule]]
id = "{id}"
stage = "boilerplate"
action = "score"
model = "{model}"
why = "fold model"
examples.match = ["x"]
examples.keep = ["y"]
"""


def _cleaner(model_file: Path | None, threshold: float | None) -> Cleaner:
    options = Options(placeholders="off", ad_threshold=threshold)
    if model_file is None:
        return Cleaner(load_rules(disable=[MODEL_ID]), options)
    rule_file = model_file.with_suffix(".toml")
    rule_file.write_text(OVERRIDE.format(id=MODEL_ID, model=model_file.name), encoding="utf-8")
    return Cleaner(load_rules([rule_file]), options)


def tally_documents(cleaner: Cleaner, docs: Sequence[Sequence[Line | None]], tally: Tally) -> None:
    for doc in docs:
        result = cleaner.clean(document_text(doc))
        removed = {r.line for r in result.removed if not r.rule.startswith("whitespace.")}
        for n, line in enumerate(doc, 1):
            if line is not None:
                tally.add(line, n in removed)


def cross_validate(corpus: Corpus, folds: int) -> dict[str, Tally]:
    """Tallies of the rules alone (``rules``) and of rules + scorer at each threshold."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    sites = corpus.sites()
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(folds):
            test = {s for s in sites if fold_of(s, folds) == k}
            docs = build_documents(corpus, test, seed=100 + k, plain_share=0.0)
            model_file = Path(tmp) / f"fold{k}.json"
            write_model(train(corpus, sites - test), model_file)
            tally_documents(_cleaner(None, None), docs, tallies["rules"])
            for t in THRESHOLDS:
                tally_documents(_cleaner(model_file, t), docs, tallies[f"{t}"])
            print(f"fold {k + 1}/{folds}: {len(test)} sites, {len(docs)} documents", file=sys.stderr)
    return tallies


def report(tallies: dict[str, Tally], chosen: str) -> str:
    cats = sorted(k[4:] for k in tallies["rules"].seen if k.startswith("cat:"))
    poss = sorted(k[4:] for k in tallies["rules"].seen if k.startswith("pos:"))
    t = tallies[chosen]
    out = [
        f"ad lines {t.seen['ad']}, body lines {t.seen['body']}, hard negatives {t.seen['hard_negative']}",
        "",
    ]
    out.append("| what | lines | rules alone | rules + scorer (threshold " + chosen + ") |")
    out.append("|---|---:|---:|---:|")
    rows = [("ad recall", "ad", False)]
    rows += [(f"ad recall: {c}", f"cat:{c}", False) for c in cats]
    rows += [(f"ad recall: {p}", f"pos:{p}", False) for p in poss]
    rows += [("body-line retention", "body", True), ("hard-negative retention", "hard_negative", True)]
    for name, key, kept in rows:
        base = tallies["rules"].rate(key, kept=kept)
        out.append(f"| {name} | {t.seen[key]} | {base:.3f} | {t.rate(key, kept=kept):.4f} |")
    return "\n".join(out)


def curve(tallies: dict[str, Tally]) -> str:
    lines = ["threshold\tad_recall\tbody_retention\thard_negative_retention"]
    for name in ("rules", *map(str, THRESHOLDS)):
        t = tallies[name]
        body, negatives = t.rate("body", kept=True), t.rate("hard_negative", kept=True)
        lines.append(f"{name}\t{t.rate('ad'):.4f}\t{body:.5f}\t{negatives:.4f}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", action="store_true", help="leave-source-out cross-validation")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=MODEL_OUT, help="model file to write")
    parser.add_argument("--curve", type=Path, default=CURVE_OUT, help="threshold curve to write (--eval)")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD, help="for the table (--eval)")
    parser.add_argument("--show-lost", type=int, default=15, help="lost real lines to print (--eval)")
    parser.add_argument("--data", type=Path, default=DATA, help="corpus folder [data/boilerplate]")
    args = parser.parse_args(argv)
    corpus = load_corpus(args.data)
    print(
        f"corpus: {len(corpus.ads)} ad lines, {len(corpus.negatives)} hard negatives, "
        f"{len(corpus.bodies)} body documents, {len(corpus.sites())} sites",
        file=sys.stderr,
    )
    if args.eval:
        tallies = cross_validate(corpus, args.folds)
        print(report(tallies, str(args.threshold)))
        args.curve.write_text(curve(tallies), encoding="utf-8")
        print(f"\nthreshold curve written to {args.curve}:\n" + curve(tallies))
        for label, text in tallies[str(args.threshold)].lost[: args.show_lost]:
            print(f"lost {label}: {text}")
        return 0
    write_model(train(corpus, threshold=args.threshold), args.out)
    print(f"model written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
