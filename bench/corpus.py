"""Deterministic benchmark corpora: many small dirty documents and a few large ones.

The small documents look like the devset: a body of real-looking Chinese paragraphs (taken
from the bundled sample, reshuffled by a seeded RNG), promotional header/footer blocks, an
inline ad now and then, half-width punctuation, ragged whitespace, redaction placeholders,
and mixed encodings (UTF-8, UTF-8 with BOM, GBK, GB18030, Big5, UTF-16). The same seed
always gives the same bytes, so two runs of the benchmark measure the same work.
"""

from __future__ import annotations

import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "fixtures" / "sample" / "speech-with-ads.txt"

HEADERS = (
    "仅供学习 禁止外传",
    "酷乐文行\n自建平台、实时分享",
    "现在订阅立享前3年的所有权益和资料",
    "【打击倒卖活动】\n举报倒卖会员资料的人，举报成功免费赠送一年会员材料！",
)
FOOTERS = ("会员群：                      免费QQ群：", "更多资料请关注公众号", "仅供学习 禁止外传")
ENCODINGS = ("utf-8", "utf-8", "utf-8", "utf-8-sig", "gbk", "gb18030", "big5", "utf-16")


def _paragraphs() -> list[str]:
    """Body paragraphs of the sample (ads excluded): long enough lines with CJK text."""
    text = SAMPLE.read_text(encoding="utf-8", errors="replace")
    return [ln.strip() for ln in text.splitlines() if len(ln.strip()) >= 30 and "\ufffd" not in ln]


def _dirty(par: str, rng: random.Random) -> str:
    """One paragraph with some injected noise: half-width punctuation, spaces, placeholders."""
    if rng.random() < 0.3:
        par = par.replace("，", ",", 1).replace("；", ";", 1)
    if rng.random() < 0.2:
        par = par + "  \t"
    if rng.random() < 0.1:
        par = "X同志指出，" + par
    if rng.random() < 0.05:
        par = "\u3000\u3000" + par
    return par


def small_document(rng: random.Random, paragraphs: list[str], size: int) -> str:
    """A document of about ``size`` characters, with a header and sometimes a footer."""
    lines = [rng.choice(HEADERS), ""]
    body = 0
    while body < size:
        par = _dirty(rng.choice(paragraphs), rng)
        lines.append(par)
        body += len(par)
        if rng.random() < 0.3:
            lines.append("")
    if rng.random() < 0.6:
        lines += ["", "", rng.choice(FOOTERS)]
    return "\r\n".join(lines) if rng.random() < 0.2 else "\n".join(lines)


def encode(text: str, codec: str) -> bytes:
    """``text`` in ``codec``; characters the codec lacks become '?' (as real legacy files do)."""
    return text.encode(codec, errors="replace")


def make_small(root: Path, count: int, *, seed: int = 1) -> int:
    """Write ``count`` small documents (~0.3–0.6 K characters, 1–2 KB) under ``root``; returns bytes."""
    rng = random.Random(seed)
    paragraphs = _paragraphs()
    total = 0
    for i in range(count):
        text = small_document(rng, paragraphs, rng.randint(300, 550))
        data = encode(text, ENCODINGS[i % len(ENCODINGS)])
        path = root / f"d{i // 1000:03d}" / f"doc{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        total += len(data)
    return total


def make_large(root: Path, count: int, megabytes: float, *, seed: int = 2) -> int:
    """Write ``count`` large UTF-8 documents of about ``megabytes`` MB each; returns bytes."""
    rng = random.Random(seed)
    paragraphs = _paragraphs()
    root.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(count):
        parts: list[str] = []
        size = 0
        while size < megabytes * 1e6:
            doc = small_document(rng, paragraphs, 4000)
            parts.append(doc)
            size += len(doc.encode("utf-8"))
        parts.append(rng.choice(paragraphs))  # ends with body text, as long documents do
        data = "\n\n".join(parts).encode("utf-8")
        (root / f"large{i:02d}.txt").write_bytes(data)
        total += len(data)
    return total
