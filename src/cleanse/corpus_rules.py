"""Deciding which counted lines are boilerplate: learning a corpus's rules, end to end.

The last part of corpus learning (see :mod:`cleanse.corpus`); :func:`learn_corpus` counts,
decides here, and has :mod:`cleanse.corpus_render` write the reviewable rule file. A line is
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

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import regex

from .corpus import PAIR_BIT, is_content_line, line_key, normalize_line, pair_key
from .corpus_count import TABLE_CAP, Corpus, count_corpus, is_template_record
from .corpus_evidence import ExampleCleaner
from .corpus_findings import Finding, Learned, LearnOptions
from .corpus_render import line_pattern, render_file
from .corpus_templates import build_template
from .errors import CleanseError
from .rules import compile_pattern, default_rules_dir, parse_rule_text

HARD_NEGATIVES = "hard-negatives.txt"


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
        for key, doc in group.variants:
            wanted.setdefault(doc, set()).add(key)
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
