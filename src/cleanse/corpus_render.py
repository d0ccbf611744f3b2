"""Writing learned rules as text: the reviewable TOML rule file and the ``learn --show`` table.

Every learned line, block or template becomes one ``[[rule]]`` table: an exact, escaped
pattern anchored to the whole line (:func:`line_pattern`), its zone, a ``why`` with the
evidence (how many documents, where in them, what the cleaner does around it), and examples
to match and keep. Deciding what is learned is :mod:`cleanse.corpus_rules`; this module only
turns its findings into text, so the wording and layout of a rule file have one home.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence

import regex

from .corpus import HEAD_LINES
from .corpus_count import Corpus
from .corpus_findings import Finding, Learned, LearnOptions
from .corpus_templates import char_pattern


def line_pattern(texts: Sequence[str]) -> str:
    """An exact pattern for whole lines (surrounding whitespace allowed), one alternative each."""
    alts = []
    for text in texts:
        parts = regex.split(r"(\s+)", text.strip())
        alts.append(
            "".join(r"\s*" if p.isspace() else "".join(char_pattern(c) for c in p) for p in parts if p)
        )
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return r"^\s*" + body + r"\s*$"


def _zone(finding: Finding, share: float) -> tuple[str, str]:
    """A line's zone and how to say where it was seen (edges when both ends carry it)."""
    head, tail, docs = finding.head, finding.tail, finding.docs
    if head >= share * docs and tail < 0.1 * docs:
        return "head", f"{100 * head // docs}% in the first {HEAD_LINES} lines"
    if tail >= share * docs and head < 0.1 * docs:
        return "tail", f"{100 * tail // docs}% in the last {HEAD_LINES} lines"
    if head + tail >= share * docs:
        return "edges", f"{100 * min(docs, head + tail) // docs}% in the first or last {HEAD_LINES} lines"
    return "anywhere", "mostly next to lines the ad rules remove"


def block_zone(block: Sequence[Finding], share: float) -> tuple[str, str]:
    """The zone of a block: its lines' common zone, else edges (or anywhere if any is)."""
    lead = max(block, key=lambda f: (f.docs, -f.key))
    zone, where = _zone(lead, share)
    zones = {_zone(f, share)[0] for f in block}
    if len(zones) > 1:
        zone = "anywhere" if "anywhere" in zones else "edges"
    return zone, where


def _toml_str(text: str) -> str:
    if "'" not in text and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def rule_id(block: Sequence[Finding]) -> str:
    """The stable id of a learned rule: from its key, so the same corpus gives the same ids."""
    if len(block) == 1 and block[0].template is not None:
        return f"learned.template-{block[0].key & ((1 << 62) - 1):016x}"
    return f"learned.{'block-' if len(block) > 1 else ''}{min(f.key for f in block):016x}"


def show_table(learned: Learned, top: int = 20) -> str:
    """The ``learn --show`` table: the rules that remove most, one row each, with where they
    sit and (for templates) the slot values seen."""
    rows = [("docs", "zone", "kind", "id", "line or template", "slots seen")]
    for block in learned.blocks[:top]:
        lead = max(block, key=lambda f: (f.docs, -f.key))
        zone = block_zone(block, LearnOptions().edge_share)[0]
        if lead.template is not None:
            kind, text, slots = "template", lead.template.shape, lead.template.slot_examples()
        else:
            kind = "line" if len(block) == 1 else f"block of {len(block)}"
            text, slots = " / ".join(f.text for f in block), ""
        rows.append((f"{lead.docs:,}", zone, kind, rule_id(block), _clip(text, 48), _clip(slots, 60)))
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    more = len(learned.blocks) - top
    tail = [f"... and {more} more rule(s) in the file"] if more > 0 else []
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:], *tail]) + "\n"


def _width(text: str) -> int:
    """Terminal columns: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, width: int) -> str:
    while _width(text) > width:
        text = text[:-2] + "…"
    return text


def render_template(found: Finding, total: int, corpus: Corpus, options: LearnOptions) -> str:
    """One ``[[rule]]`` table for a learned template: its slots, where and how often seen."""
    template = found.template
    assert template is not None
    zone, where = _zone(found, options.edge_share)
    note = f"; {found.note}" if found.note else ""
    why = (
        f"Learned from the corpus: the template {template.shape} seen in {found.docs:,} of "
        f"{total:,} documents, {where}{note}; slots seen: {template.slot_examples()}; "
        f"first seen in {', '.join(corpus.paths[s] for s in found.sources[:3])}. Review before keeping."
    )
    keep = found.keep or "这一行是正文内容，不应删除。"
    out = [
        "[[rule]]",
        f'id = "{rule_id([found])}"',
        'stage = "boilerplate"',
        f"why = {_toml_str(why)}",
        f"pattern = {_toml_str(template.pattern)}",
        f'zone = "{zone}"',
        'action = "drop-line"',
    ]
    if zone == "anywhere":
        out.append("long_lines = true")
    out.append("ignore_case = true")
    out.append("examples.match = [" + ", ".join(_toml_str(v) for v in template.variants) + "]")
    out.append(f"examples.keep = [{_toml_str(keep)}]")
    return "\n".join(out)


def render_rule(block: Sequence[Finding], total: int, corpus: Corpus, options: LearnOptions) -> str:
    """One ``[[rule]]`` table for a learned line, block or template."""
    if len(block) == 1 and block[0].template is not None:
        return render_template(block[0], total, corpus, options)
    lead = max(block, key=lambda f: (f.docs, -f.key))
    zone, where = block_zone(block, options.edge_share)
    sources = sorted({s for f in block for s in f.sources})[:3]
    what = "seen" if len(block) == 1 else f"a block of {len(block)} lines seen together"
    note = f"; {lead.note}" if lead.note else ""
    why = (
        f"Learned from the corpus: {what} in {lead.docs:,} of {total:,} documents, {where}{note}; "
        f"first seen in {', '.join(corpus.paths[s] for s in sources)}. Review before keeping."
    )
    keep = next((f.keep for f in block if f.keep), "") or "这一行是正文内容，不应删除。"
    out = [
        "[[rule]]",
        f'id = "{rule_id(block)}"',
        'stage = "boilerplate"',
        f"why = {_toml_str(why)}",
        f"pattern = {_toml_str(line_pattern([f.text for f in block]))}",
        f'zone = "{zone}"',
        'action = "drop-line"',
    ]
    if zone == "anywhere":
        out.append("long_lines = true")
    if any(c.isalpha() and c.lower() != c.upper() for f in block for c in f.text):
        out.append("ignore_case = true")
    out.append("examples.match = [" + ", ".join(_toml_str(f.text) for f in block) + "]")
    out.append(f"examples.keep = [{_toml_str(keep)}]")
    return "\n".join(out)


def render_file(
    blocks: Sequence[Sequence[Finding]], total: int, corpus: Corpus, options: LearnOptions
) -> str:
    """The whole rule file: a header a reviewer reads first, then one rule per block."""
    files = f"{len(corpus.paths):,} file{'s' if len(corpus.paths) != 1 else ''}"
    header = [
        f"# Learned by `cleanse learn` from {files} ({total:,} read): {len(blocks)} rule(s).",
        f"# Settings: min_docs={options.min_docs}, min_share={options.min_share:g}, "
        f"edge_share={options.edge_share:g}. Ordered by how many documents each rule removes lines from.",
        "# Review every rule: delete any that removes content, add real lines to examples.keep,",
        "# then `cleanse rules test THIS_FILE` and `cleanse run --rules THIS_FILE`.",
        "",
        'description = "Boilerplate learned from lines repeated across a corpus."',
    ]
    body = [render_rule(b, total, corpus, options) for b in blocks]
    return "\n".join(header) + "\n\n" + "\n\n".join(body) + ("\n" if body else "")
