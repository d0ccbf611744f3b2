"""Deciding which counted lines are boilerplate, and writing them as a reviewable rule file.

The last part of corpus learning (see :mod:`cleanse.corpus`). A line is
learned when it appears in at least ``min_docs`` documents and at least ``min_share`` of
them, and in at least ``edge_share`` of the documents holding it it sits in the head zone,
the tail zone or a block that already holds an ad. Content never qualifies: sentences,
salutations, headings and dates are not even counted, and a line that in most documents is
the last one before the text starts is a title (``工作总结``), not a stamp, and is kept.

Lines that follow each other in nearly every document where either appears are learned as
one block: one rule, one decision for the reviewer. Every rule is an exact, escaped pattern
anchored to the whole line, so a learned rule can never cut into a sentence.

Template groups (:mod:`cleanse.corpus_templates`) pass the same thresholds; their variants
are read back from the documents that hold them and aligned into one pattern with slots. A
template must not match any line of the hard-negative list (``rules/hard-negatives.txt``,
real content that uses ad words), and it replaces the exact lines it covers: one rule per
template. Rules are written in order of how many documents they remove lines from.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .corpus import HEAD_LINES, PAIR_BIT, is_content_line, line_key, normalize_line, pair_key
from .corpus_count import _NO_LINE, _SENTINEL, TABLE_CAP, Corpus, count_corpus, is_template_record
from .corpus_evidence import ExampleCleaner
from .corpus_templates import Template, build_template, char_pattern
from .errors import CleanseError
from .rules import Rule, compile_pattern, default_rules_dir, parse_rule_text

HARD_NEGATIVES = "hard-negatives.txt"


@dataclass(frozen=True)
class LearnOptions:
    """Thresholds of learning (defaults: the issue's; precision before recall)."""

    min_docs: int = 3
    min_share: float = 0.01
    edge_share: float = 0.9
    title_share: float = 0.5
    block_share: float = 0.8

    def min_count(self, total: int) -> int:
        """Documents a line must appear in: both thresholds, never fewer than 2."""
        return max(2, self.min_docs, math.ceil(self.min_share * total))


@dataclass
class Finding:
    """One learned line: its counts, example documents, and (after reading them) its text."""

    key: int
    docs: int
    head: int
    tail: int
    ad: int
    sources: tuple[int, ...]
    text: str = ""
    position: int = 0
    keep: str = ""
    variants: tuple[tuple[int, int], ...] = ()
    template: Template | None = None
    note: str = ""

    @classmethod
    def of(cls, key: int, rec: Sequence[int]) -> Finding:
        if is_template_record(rec):
            variants = tuple(
                (line, doc) for line, doc in zip(rec[6::2], rec[7::2], strict=True) if line != _NO_LINE
            )
            sources = tuple(sorted({doc for _line, doc in variants}))
            return cls(key, rec[0], rec[1], rec[2], rec[3], sources, variants=variants)
        sources = tuple(s for s in rec[6:] if s != _SENTINEL)
        return cls(key, rec[0], rec[1], rec[2], rec[3], sources)


@dataclass
class Learned:
    """What ``cleanse learn`` found: the rule file text, its rules, and the corpus size."""

    text: str
    rules: tuple[Rule, ...]
    documents: int
    blocks: list[list[Finding]] = field(default_factory=list)


def select(
    records: Iterable[tuple[int, Sequence[int]]], total: int, options: LearnOptions
) -> tuple[dict[int, Finding], dict[int, int], list[Finding]]:
    """The learned lines (by key), the document counts of frequent edge pairs, and the
    template groups that pass the same thresholds with at least two variants."""
    findings: dict[int, Finding] = {}
    pairs: dict[int, int] = {}
    groups: list[Finding] = []
    for key, rec in records:
        if key & PAIR_BIT:
            pairs[key] = rec[0]
            continue
        docs, head, _tail, _ad, title, placed = rec[:6]
        if placed < options.edge_share * docs:
            continue
        if head and title >= options.title_share * head:
            continue
        finding = Finding.of(key, rec)
        if not is_template_record(rec):
            findings[key] = finding
        elif len(finding.variants) >= 2:
            groups.append(finding)
    return findings, pairs, sorted(groups, key=lambda f: (-f.docs, f.key))


def _first_keep(lines: Sequence[str], pattern: regex.Pattern[str]) -> str:
    for line in lines:
        s = line.strip()
        if s and len(s) <= 60 and is_content_line(s) and not pattern.search(s):
            return s
    return ""


def read_examples(corpus: Corpus, findings: dict[int, Finding]) -> list[tuple[int, int]]:
    """Fill each finding's text (as first seen) and a keep example from its first document;
    returns the adjacent learned pairs seen there (candidates for blocks)."""
    wanted = sorted({f.sources[0] for f in findings.values() if f.sources})
    adjacent: set[tuple[int, int]] = set()
    for index in wanted:
        lines = corpus.read_lines(index) or []
        prev: int | None = None
        for pos, line in enumerate(lines):
            if not line.strip():
                continue
            key = line_key(normalize_line(line))
            found = findings.get(key)
            if found is not None and prev is not None:
                adjacent.add((prev, key))
            prev = key if found is not None else None
            if found is not None and not found.text and found.sources[0] == index:
                found.text, found.position = line.strip(), pos
                found.keep = _first_keep(lines, regex.compile(line_pattern([found.text])))
    return sorted(adjacent)


def hard_negatives(folder: Path | None = None) -> tuple[str, ...]:
    """Lines that are content although they look like stamps (``hard-negatives.txt`` in the
    rules folder; ``#`` starts a comment): no learned template may match one."""
    path = (folder or default_rules_dir()) / HARD_NEGATIVES
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ()
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def read_templates(corpus: Corpus, groups: Sequence[Finding], negatives: Sequence[str]) -> list[Finding]:
    """Each group's variants read back from their documents and aligned into a template.

    Groups are taken in order of document count; a group is dropped when it does not make a
    stamp-shaped template (:func:`cleanse.corpus_templates.build_template`), when its
    pattern matches a hard-negative line, or when every variant
    is covered by a template already kept (the same stamp found through another key).
    """
    wanted: dict[int, set[int]] = {}
    for group in groups:
        for line, doc in group.variants:
            wanted.setdefault(doc, set()).add(line)
    texts: dict[int, str] = {}
    documents: dict[int, list[str]] = {}
    for doc in sorted(wanted):
        lines = corpus.read_lines(doc) or []
        documents[doc] = lines
        for line in lines:
            if line.strip():
                key = line_key(normalize_line(line))
                if key in wanted[doc]:
                    texts.setdefault(key, line.strip())
    kept: list[Finding] = []
    patterns: list[regex.Pattern[str]] = []
    for group in groups:
        variants = [texts[line] for line, _doc in group.variants if line in texts]
        template = build_template(variants)
        if template is None:
            continue
        pattern = compile_pattern(template.pattern, True)
        if any(pattern.search(line) for line in negatives):
            continue
        if all(any(p.search(v) for p in patterns) for v in template.variants):
            continue
        keep = _first_keep(documents.get(group.sources[0], []), pattern)  # never one it matches
        group.template, group.text, group.keep = template, template.variants[0], keep
        kept.append(group)
        patterns.append(pattern)
    return kept


def drop_covered(
    blocks: list[list[Finding]], templates: Sequence[Finding], negatives: Sequence[str]
) -> list[list[Finding]]:
    """Blocks holding a hard-negative line go (content, however often it repeats); single
    learned lines that a template matches go (the template is their one rule)."""
    content = {normalize_line(line) for line in negatives}
    patterns = [compile_pattern(t.template.pattern, True) for t in templates if t.template]
    return [
        b
        for b in blocks
        if not any(normalize_line(f.text) in content for f in b)
        and (len(b) > 1 or not any(p.search(b[0].text) for p in patterns))
    ]


def _recognizer(block: Sequence[Finding]) -> Callable[[str], bool]:
    """Whether a line is one of the block's lines (or matches its template)."""
    template = block[0].template
    if template is not None:
        pattern = compile_pattern(template.pattern, True)
        return lambda line: pattern.search(line) is not None
    norms = {normalize_line(f.text) for f in block}
    return lambda line: normalize_line(line) in norms


def weigh_with_cleaner(corpus: Corpus, blocks: list[list[Finding]]) -> None:
    """Note on each block what the cleaner does around it in its example documents: next to
    removed ads (the strongest evidence of a stamp), removed by the scorer too."""
    examples = ExampleCleaner(corpus)
    for block in blocks:
        sources = sorted({s for f in block for s in f.sources})[:3]
        note = examples.evidence(sources, _recognizer(block)).note()
        for finding in block:
            finding.note = note


def group_blocks(
    findings: dict[int, Finding], adjacent: Sequence[tuple[int, int]], pairs: dict[int, int], share: float
) -> list[list[Finding]]:
    """Learned lines grouped into blocks (lines nearly always seen together, in order)."""
    parent = {key: key for key in findings}

    def root(key: int) -> int:
        while parent[key] != key:
            key = parent[key]
        return key

    for a, b in adjacent:
        together = pairs.get(pair_key(a, b), 0)
        if together >= share * max(findings[a].docs, findings[b].docs):
            parent[max(root(a), root(b))] = min(root(a), root(b))
    groups: dict[int, list[Finding]] = {}
    for key, finding in findings.items():
        if finding.text:
            groups.setdefault(root(key), []).append(finding)
    blocks = [sorted(g, key=lambda f: (f.position, f.text)) for g in groups.values()]
    return sorted(blocks, key=lambda b: (-max(f.docs for f in b), min(f.key for f in b)))


# -- writing rules ------------------------------------------------------------------------------


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
    header = [
        f"# Learned by `cleanse learn` from {len(corpus.paths):,} files ({total:,} read): "
        f"{len(blocks)} rule(s).",
        f"# Settings: min_docs={options.min_docs}, min_share={options.min_share:g}, "
        f"edge_share={options.edge_share:g}. Ordered by how many documents each rule removes lines from.",
        "# Review every rule: delete any that removes content, add real lines to examples.keep,",
        "# then `cleanse rules test THIS_FILE` and `cleanse run --rules THIS_FILE`.",
        "",
        'description = "Boilerplate learned from lines repeated across a corpus."',
    ]
    body = [render_rule(b, total, corpus, options) for b in blocks]
    return "\n".join(header) + "\n\n" + "\n\n".join(body) + ("\n" if body else "")


def learn_corpus(
    corpus: Corpus,
    options: LearnOptions | None = None,
    *,
    jobs: int = 1,
    cap: int = TABLE_CAP,
    spill_dir: str | None = None,
    source: str = "learned.toml",
) -> Learned:
    """Count, decide and write: the learned rule file for a corpus, and its parsed rules."""
    options = options or LearnOptions()
    table, total = count_corpus(corpus, jobs=jobs, cap=cap, spill_dir=spill_dir)
    try:
        findings, pairs, groups = select(table.frequent(options.min_count(total)), total, options)
    finally:
        table.close()
    adjacent = read_examples(corpus, findings)
    blocks = group_blocks(findings, adjacent, pairs, options.block_share)
    negatives = hard_negatives()
    templates = read_templates(corpus, groups, negatives)
    blocks = drop_covered(blocks, templates, negatives) + [[t] for t in templates]
    weigh_with_cleaner(corpus, blocks)
    blocks.sort(key=lambda b: (-max(f.docs for f in b), min(f.key for f in b)))
    text = render_file(blocks, total, corpus, options)
    parsed = parse_rule_text(text, source)
    if parsed.problems:  # a bug in this module, not in the user's data
        raise CleanseError("learned rules are invalid; please report it:\n" + "\n".join(parsed.problems))
    return Learned(text, tuple(parsed.rules), total, blocks)
