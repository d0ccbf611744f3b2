"""The labelled boilerplate corpus (``data/boilerplate/``) and the documents built from it.

The corpus holds lines, not documents: real ad lines (``ads-*.jsonl``) with the position they
had on their page, real hard negatives (``negatives*.jsonl``) and real body documents
(``body*.jsonl``). The scorer needs position and neighbours, so training and evaluation
documents are assembled from them the way sellers assemble theirs: a body, a head block and a
tail block of one site's ad lines, hard negatives among the body lines (a third of them as the
first or last body line, where they are easiest to lose). Assembly is deterministic (seeded)
and never mixes sites across folds: :func:`fold_of` puts every site in one fold.
"""

from __future__ import annotations

import json
import random
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "boilerplate"
AD, BODY, NEGATIVE = "ad", "body", "hard_negative"
MAX_BODY_LINES = 30


@dataclass(frozen=True)
class Line:
    """One labelled line and where it came from."""

    text: str
    label: str  # ad | body | hard_negative
    category: str  # ad category, negative category or body genre
    position: str  # head | tail | inline (ads); body otherwise
    site: str

    @property
    def is_ad(self) -> bool:
        return self.label == AD


@dataclass(frozen=True)
class Corpus:
    ads: tuple[Line, ...]
    negatives: tuple[Line, ...]
    bodies: tuple[tuple[Line, ...], ...]  # documents: lines in order

    def sites(self) -> set[str]:
        return {x.site for x in self.ads + self.negatives} | {d[0].site for d in self.bodies}


def _rows(pattern: str, root: Path) -> Iterable[dict]:
    for path in sorted(root.glob(pattern)):
        with path.open(encoding="utf-8") as fh:
            for n, raw in enumerate(fh, 1):
                if raw.strip():
                    try:
                        yield json.loads(raw)
                    except ValueError as exc:
                        raise SystemExit(f"{path}:{n}: not JSON ({exc})") from None


def load_corpus(root: Path = DATA) -> Corpus:
    """Every ad line, hard negative and body document under ``root`` (deduplicated by text:
    a line that is labelled both ways is dropped from the body side)."""
    ads: dict[str, Line] = {}
    for r in _rows("ads*.jsonl", root):
        text = r["text"].strip()
        if text and text not in ads:
            ads[text] = Line(text, AD, r["category"], r.get("position", "tail"), r["site"])
    negatives: dict[str, Line] = {}
    for r in _rows("negatives*.jsonl", root):
        text = r["text"].strip()
        if text and text not in ads and text not in negatives:
            negatives[text] = Line(text, NEGATIVE, r["category"], "body", r["site"])
    bodies = []
    for r in _rows("body*.jsonl", root):
        lines = tuple(
            Line(t.strip(), BODY, r["genre"], "body", r["site"])
            for t in r["lines"]
            if t.strip() and t.strip() not in ads and t.strip() not in negatives
        )
        if lines:
            bodies.append(lines)
    return Corpus(tuple(ads.values()), tuple(negatives.values()), tuple(bodies))


# Names the collectors gave one publisher under different headings (its ad lines and its
# body text): one group, so they never fall into different folds.
ALIASES = {
    "ruanyf": "ruanyf-weekly",
    "www.ruanyifeng.com": "ruanyf-weekly",
    "wikipedia.org": "zh.wikipedia.org",
}


def fold_of(site: str, folds: int) -> int:
    """The fold of a site: stable across runs and machines (CRC32 of its publisher's name)."""
    return zlib.crc32(ALIASES.get(site, site).encode("utf-8")) % folds


def _blocks(ads: Sequence[Line], rng: random.Random) -> list[list[Line]]:
    """Each site's ad lines cut into blocks of 1–5 lines (head lines and tail lines apart)."""
    by_site: dict[tuple[str, str], list[Line]] = defaultdict(list)
    for line in ads:
        by_site[line.site, "head" if line.position == "head" else "tail"].append(line)
    blocks = []
    for key in sorted(by_site):
        lines = by_site[key]
        rng.shuffle(lines)
        i = 0
        while i < len(lines):
            size = rng.randint(1, 5)
            blocks.append(lines[i : i + size])
            i += size
    rng.shuffle(blocks)
    return blocks


def build_documents(
    corpus: Corpus, sites: set[str] | None = None, *, seed: int = 0, plain_share: float = 0.2
) -> list[list[Line | None]]:
    """Documents (lists of lines, None for a blank line) from the corpus lines of ``sites``
    (all when None). Every ad line and hard negative of those sites is used once; body
    documents are reused when there are more ad blocks than bodies."""
    rng = random.Random(seed)

    def keep(site: str) -> bool:
        return sites is None or site in sites

    ads = [a for a in corpus.ads if keep(a.site) and a.position != "inline"]
    inline = [a for a in corpus.ads if keep(a.site) and a.position == "inline"]
    negatives = [n for n in corpus.negatives if keep(n.site)]
    bodies = [b for b in corpus.bodies if keep(b[0].site)]
    if not bodies:
        return []
    rng.shuffle(negatives)
    blocks = _blocks(ads, rng)
    head = [b for b in blocks if b[0].position == "head"]
    tail = [b for b in blocks if b[0].position != "head"]
    count = max(len(bodies), len(head), len(tail), len(negatives) // 2 + 1)
    docs: list[list[Line | None]] = []
    for k in range(count):
        source = bodies[k % len(bodies)]
        start = 0 if rng.random() < 0.5 else rng.randrange(len(source))
        body: list[Line | None] = list(source[start : start + rng.randint(3, MAX_BODY_LINES)])
        for neg in negatives[2 * k : 2 * k + 2] if 2 * k < len(negatives) else ():
            where = rng.random()
            pos = (
                0 if where < 1 / 6 else len(body) if where < 1 / 3 else rng.randint(1, max(1, len(body) - 1))
            )
            body.insert(pos, neg)
        if k < len(inline):
            body.insert(rng.randint(1, max(1, len(body) - 1)), inline[k])
        if rng.random() < 0.3:  # paragraphs separated by blank lines
            body = [x for line in body for x in (line, None)][:-1]
        plain = rng.random() < plain_share and k >= len(head) and k >= len(tail)
        doc: list[Line | None] = []
        if k < len(head) and not plain:
            doc += head[k] + ([None] if rng.random() < 0.6 else [])
        doc += body
        if k < len(tail) and not plain:
            doc += ([None] if rng.random() < 0.6 else []) + tail[k]
        docs.append(doc)
    return docs


def document_text(doc: Sequence[Line | None]) -> str:
    return "\n".join(line.text if line else "" for line in doc) + "\n"
