"""Counting lines across a corpus: in how many documents each line appears, and where.

This is the first half of corpus learning (``cleanse learn``); :mod:`cleanse.corpus_rules`
decides which counted lines are boilerplate. A platform stamps the same lines on every
document it sells, so across a folder those lines repeat where real content does not.

What is counted. Every line is *normalized* (whitespace removed, full/half-width folded,
case folded, every digit turned into ``0``) and hashed to 64 bits. Lines that read as content
(:func:`is_content_line`: sentences, salutations, headings, dates, long lines) can never
become learned rules, so they are not counted at all; that keeps the table small. For every
other line we count the documents that contain it, and of those how many hold it in the head
zone, the tail zone, or inside a block that already holds an ad (a line a boilerplate rule
matches). Adjacent pairs of edge lines are counted the same way, to learn multi-line blocks.

Deterministic. Documents are taken in sorted path order, in fixed chunks of
:data:`CHUNK_DOCS` whatever ``-j`` is; counts are sums (order does not matter) and the example
documents kept per line are the ones with the smallest indexes. So the result is identical
for any ``-j`` and any order in which the paths were listed.

Bounded memory. Exact counts are kept in a table of at most ``cap`` distinct lines
(:data:`TABLE_CAP`, about 300 bytes each). When it is full it is spilled to
:data:`PARTITIONS` temporary files by hash and cleared; at the end each partition is merged
alone, keeping only lines seen in enough documents. Peak memory is therefore the table cap
plus one partition, whatever the corpus size; disk use is 44 bytes per spilled entry.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import struct
import tempfile
import unicodedata
from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import overload

import regex

from .errors import CleanseError
from .io import read_bytes, source_path
from .matcher import RuleMatcher
from .pipeline import Cleaner

HEAD_LINES = 10
"""The head zone is at most the first this many non-blank lines; the tail the last as many."""
MAX_LINE_CHARS = 80
"""Longer lines are content (precision first), never learned, so never counted."""
AD_REACH = 3
"""How many non-blank lines away from a known ad a line still counts as in its block."""
CHUNK_DOCS = 256
TABLE_CAP = 500_000
PARTITIONS = 64

HEAD, TAIL, AD, TITLE = 1, 2, 4, 8
"""Per-document flags of a line: in the head zone, in the tail zone, in an ad block, and
(head only) directly before the text starts, as a title would be."""
PAIR_BIT = 1 << 63
_SENTINEL = 0xFFFFFFFF
_RECORD = struct.Struct("<Q9I")
_FIELDS = 6  # docs, head, tail, ad, title, placed; then SOURCES smallest document indexes
SOURCES = 3

_SPACE = regex.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")
_DIGIT = regex.compile(r"\d")
_NEWLINE = regex.compile(r"\r\n|\r|\n")
_SENTENCE_END = regex.compile(r"[。！？；…!?;][”’」』）)\"']*$")
_SALUTATION = regex.compile(r"^.{1,12}[：:]$")
_HEADING = regex.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．]"
    r"|第[一二三四五六七八九十百千\d]+[章节条部分篇款项])"
)
_CN_NUM = "\\d〇零一二三四五六七八九十"
_DATE = regex.compile(rf"^[（(]?\s*[{_CN_NUM}]{{2,4}}\s*年(?:\s*[{_CN_NUM}]{{1,3}}\s*[月日号])*\s*[)）]?$")


def normalize_line(line: str) -> str:
    """The counting key of a line: width and case folded, whitespace gone, digits as ``0``.

    So ``第 3 页`` and ``第１２页`` count as one line, as do the same slogan typed with
    full-width or half-width letters.
    """
    text = unicodedata.normalize("NFKC", line).casefold()
    return _DIGIT.sub("0", _SPACE.sub("", text))


def line_key(norm: str) -> int:
    """A 63-bit hash of a normalized line (the top bit marks pairs)."""
    digest = hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & ~PAIR_BIT


def pair_key(first: int, second: int) -> int:
    """The key of two lines that follow each other (for multi-line blocks)."""
    digest = hashlib.blake2b(struct.pack("<QQ", first, second), digest_size=8).digest()
    return int.from_bytes(digest, "little") | PAIR_BIT


def is_sentence(line: str) -> bool:
    """A line that ends like a sentence: where the text of a document starts or ends."""
    return _SENTENCE_END.search(line) is not None


def is_content_line(line: str) -> bool:
    """Lines that repeat because they are ordinary content, so are never learned.

    Sentences (同志们 … 谢谢大家。), salutations (同志们：), numbered headings (一、总体要求),
    dates, and long lines. Precision before recall: a platform line that ends with ``。``
    is missed rather than risk deleting a common sentence.
    """
    s = line.strip()
    return (
        len(s) > MAX_LINE_CHARS
        or is_sentence(s)
        or _SALUTATION.match(s) is not None
        or _HEADING.match(s) is not None
        or _DATE.match(s) is not None
    )


def split_text(text: str) -> list[str]:
    """Lines of a decoded document, whatever its line endings."""
    return _NEWLINE.split(text)


def _is_ad(matcher: RuleMatcher, line: str) -> bool:
    try:
        return matcher.first(line) is not None
    except CleanseError:  # a rule timed out on this line: no ad evidence from it
        return False


def _zone_flags(lines: Sequence[str], ads: Sequence[bool]) -> list[int]:
    """HEAD/TAIL flags of each line: before the first / after the last sentence, within
    the first / last :data:`HEAD_LINES` non-blank lines. Ad lines never end a zone."""
    flags = [0] * len(lines)
    filled = [i for i, line in enumerate(lines) if line.strip()]
    text = [i for i in filled if not ads[i] and is_content_line(lines[i])]
    first = text[0] if text else len(lines)
    last = text[-1] if text else -1
    for i in filled[:HEAD_LINES]:
        if i < first:
            flags[i] |= HEAD
    for i in filled[-HEAD_LINES:]:
        if i > last:
            flags[i] |= TAIL
    if text:
        before = [i for i in filled if i < first]
        if before and flags[before[-1]] & HEAD:
            flags[before[-1]] |= TITLE
    return flags


def _ad_flags(lines: Sequence[str], ads: Sequence[bool]) -> list[int]:
    """AD for lines near an ad: in the same run of non-sentence lines (blank lines inside)
    and at most :data:`AD_REACH` non-blank lines away from a line a rule removes."""
    flags = [0] * len(lines)
    run: list[int] = []
    for i, line in enumerate([*lines, "。"]):
        if i < len(lines) and (not line.strip() or ads[i] or not is_sentence(line)):
            if line.strip():
                run.append(i)
            continue
        hits = [n for n, j in enumerate(run) if ads[j]]
        for n, j in enumerate(run):
            if any(abs(n - h) <= AD_REACH for h in hits):
                flags[j] = AD
        run = []
    return flags


def document_keys(lines: Sequence[str], matcher: RuleMatcher) -> dict[int, int]:
    """Every countable line (and edge pair) of one document -> its OR-ed flags."""
    ads = [bool(line.strip()) and _is_ad(matcher, line) for line in lines]
    zones = _zone_flags(lines, ads)
    marks = _ad_flags(lines, ads)
    found: dict[int, int] = {}
    prev: tuple[int, int] | None = None
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        norm = normalize_line(line)
        if ads[i] or len(norm) < 2 or is_content_line(line):
            prev = None
            continue
        key, flag = line_key(norm), zones[i] | marks[i]
        found[key] = found.get(key, 0) | flag
        edge = flag & (HEAD | TAIL)
        if prev is not None and edge and prev[1] & edge:
            pair = pair_key(prev[0], key)
            found[pair] = found.get(pair, 0) | edge
        prev = (key, flag)
    return found


# -- the table ----------------------------------------------------------------------------------

Record = list[int]


def _new_record(flags: int, doc: int) -> Record:
    return [
        1,
        flags & HEAD,
        (flags & TAIL) >> 1,
        (flags & AD) >> 2,
        (flags & TITLE) >> 3,
        int(bool(flags & (HEAD | TAIL | AD))),
        doc,
        _SENTINEL,
        _SENTINEL,
    ]


def _merge_record(into: Record, other: Record) -> None:
    for i in range(_FIELDS):
        into[i] += other[i]
    if other[_FIELDS] < into[-1]:
        into[_FIELDS:] = sorted({*into[_FIELDS:], *other[_FIELDS:]})[:SOURCES]


def merge_table(into: dict[int, Record], other: dict[int, Record]) -> None:
    """Add one table's counts into another (commutative: the order of chunks is irrelevant)."""
    for key, record in other.items():
        mine = into.get(key)
        if mine is None:
            into[key] = record
        else:
            _merge_record(mine, record)


@dataclass
class CountTable:
    """Exact counts per key, spilled by hash partition to temporary files past ``cap``."""

    cap: int = TABLE_CAP
    spill_dir: str | None = None
    table: dict[int, Record] = field(default_factory=dict)
    spills: int = 0
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    def add(self, chunk: dict[int, Record]) -> None:
        """Merge one chunk's table, spilling when the cap is passed."""
        merge_table(self.table, chunk)
        if len(self.table) > self.cap:
            self.spill()

    def _path(self, part: int) -> Path:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="cleanse-learn-", dir=self.spill_dir)
        return Path(self._tmp.name) / f"part-{part:02d}.bin"

    def spill(self) -> None:
        """Write the table to its partition files (appending) and clear it."""
        parts: dict[int, bytearray] = {}
        for key, rec in self.table.items():
            parts.setdefault(key % PARTITIONS, bytearray()).extend(_RECORD.pack(key, *rec))
        for part, records in sorted(parts.items()):
            with self._path(part).open("ab") as fh:
                fh.write(records)
        self.table = {}
        self.spills += 1

    def frequent(self, min_docs: int) -> Iterator[tuple[int, Record]]:
        """Every key seen in at least ``min_docs`` documents, exact, one partition at a time."""
        if not self.spills:
            yield from ((k, r) for k, r in self.table.items() if r[0] >= min_docs)
            return
        self.spill()
        for part in range(PARTITIONS):
            path = self._path(part)
            if not path.exists():
                continue
            merged: dict[int, Record] = {}
            data = path.read_bytes()
            for key, *rec in _RECORD.iter_unpack(data):
                mine = merged.get(key)
                if mine is None:
                    merged[key] = rec
                else:
                    _merge_record(mine, rec)
            del data
            yield from ((k, r) for k, r in merged.items() if r[0] >= min_docs)

    def close(self) -> None:
        """Remove the spill files."""
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


# -- counting a corpus in worker processes ------------------------------------------------------


class PathTable(Sequence[str]):
    """Sorted, unique relative paths packed in one buffer: about 25 bytes a path instead of
    the 80 a list of str costs, which matters at ten million files."""

    def __init__(self, paths: Iterable[str]) -> None:
        self._blob = bytearray()
        self._ends = array("Q", [0])
        listed = paths if isinstance(paths, list) else list(paths)
        if any(a >= b for a, b in pairwise(listed)):  # not in discover()'s sorted order
            listed = sorted(set(listed))
        for path in listed:
            self._blob += path.encode("utf-8", "surrogateescape")
            self._ends.append(len(self._blob))

    def __len__(self) -> int:
        return len(self._ends) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        index %= len(self)
        return self._blob[self._ends[index] : self._ends[index + 1]].decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class Corpus:
    """The documents to learn from: a root, its sorted relative paths, and how to decode."""

    root: Path
    paths: PathTable
    cleaner: Cleaner

    @classmethod
    def of(cls, root: Path, paths: Iterable[str], cleaner: Cleaner) -> Corpus:
        """Paths are sorted here, so the order they were listed in never matters."""
        return cls(root, PathTable(paths), cleaner)

    def read_lines(self, index: int, rel: str | None = None) -> list[str] | None:
        """The lines of one document, decoded like ``cleanse run`` does; None if unreadable.

        Workers pass ``rel`` themselves: reading ``self.paths`` in a forked worker would
        copy the parent's pages holding the path list.
        """
        rel = self.paths[index] if rel is None else rel
        try:
            data = read_bytes(source_path(self.root, rel))
            return split_text(self.cleaner.decode(data, source=rel).text)
        except CleanseError:
            return None


def _ad_matcher(cleaner: Cleaner) -> RuleMatcher:
    rules = tuple(r for r in cleaner.ruleset.for_stage("boilerplate") if r.action == "drop-line")
    return RuleMatcher(rules, cleaner.options.rule_timeout)


def count_chunk(corpus: Corpus, start: int, rels: Sequence[str]) -> tuple[dict[int, Record], int]:
    """The exact table of the documents ``rels`` (numbered from ``start``) and how many of
    them could be read."""
    matcher = _ad_matcher(corpus.cleaner)
    table: dict[int, Record] = {}
    docs = 0
    for index, rel in enumerate(rels, start):
        lines = corpus.read_lines(index, rel)
        if lines is None:
            continue
        docs += 1
        for key, flags in document_keys(lines, matcher).items():
            rec = table.get(key)
            if rec is None:
                table[key] = _new_record(flags, index)
            else:
                _merge_record(rec, _new_record(flags, index))
    return table, docs


_CORPUS: Corpus | None = None


def _init(corpus: Corpus) -> None:
    global _CORPUS
    _CORPUS = corpus


def _count_span(start: int, rels: list[str]) -> tuple[dict[int, Record], int]:
    assert _CORPUS is not None
    return count_chunk(_CORPUS, start, rels)


def iter_chunks(corpus: Corpus, jobs: int) -> Iterator[tuple[dict[int, Record], int]]:
    """Chunk tables in document order, counted by ``jobs`` processes (fork where possible).

    At most ``2 * jobs`` chunks are in flight, so results never pile up in the parent.
    """
    starts = range(0, len(corpus.paths), CHUNK_DOCS)
    if jobs <= 1 or len(starts) <= 1:
        for start in starts:
            yield count_chunk(corpus, start, corpus.paths[start : start + CHUNK_DOCS])
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(jobs, initializer=_init, initargs=(corpus,)) as pool:
        pending: deque[AsyncResult[tuple[dict[int, Record], int]]] = deque()
        for start in starts:
            rels = corpus.paths[start : start + CHUNK_DOCS]
            pending.append(pool.apply_async(_count_span, (start, rels)))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def count_corpus(
    corpus: Corpus, *, jobs: int = 1, cap: int = TABLE_CAP, spill_dir: str | os.PathLike[str] | None = None
) -> tuple[CountTable, int]:
    """Count every document; returns the table (call ``close()`` when done) and the number of
    documents read."""
    table = CountTable(cap=cap, spill_dir=str(spill_dir) if spill_dir else None)
    total = 0
    for chunk, docs in iter_chunks(corpus, jobs):
        table.add(chunk)
        total += docs
    return table, total
