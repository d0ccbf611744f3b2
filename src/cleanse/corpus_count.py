"""Counting lines across a corpus: in how many documents each line appears, and where.

The middle of corpus learning (see :mod:`cleanse.corpus` for the three modules). Each
document's countable lines and edge pairs come from :func:`cleanse.corpus.document_keys`;
lines that read as content are not counted at all, which keeps the table small. Per key we
count the documents holding it, and of those how many hold it in the head zone, the tail
zone, inside a block next to a known ad, or as the last line before the text (a title).

Deterministic. Documents are taken in sorted path order, in fixed chunks of
:data:`CHUNK_DOCS` whatever ``-j`` is; counts are sums (order does not matter) and the example
documents kept per line are the ones with the smallest indexes. So the result is identical
for any ``-j`` and any order in which the paths were listed.

Bounded memory. Exact counts are kept in a table of at most ``cap`` distinct keys
(:data:`TABLE_CAP`, about 270 bytes each). When it is full it is spilled to
:data:`PARTITIONS` temporary files by hash and cleared; at the end each partition is merged
alone, keeping only keys seen in enough documents. Counting memory is therefore the table
cap plus one partition, whatever the corpus size; disk use is 44 bytes per spilled entry.
Keys are 63-bit hashes: two different lines share one with odds of about 1 in 10^7 even
among a billion distinct lines.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import struct
import tempfile
from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import overload

from . import readers
from .corpus import AD, HEAD, TAIL, TEMPLATE_BIT, TITLE, document_keys, split_text
from .errors import CleanseError
from .io import read_bytes, source_path
from .job import DEFAULT_MAX_BYTES
from .matching import RuleMatcher
from .pipeline import Cleaner

CHUNK_DOCS = 256
TABLE_CAP = 500_000
PARTITIONS = 64

_SENTINEL = 0xFFFFFFFF
_NO_LINE = (1 << 64) - 1
_RECORD = struct.Struct("<Q9I")
_FIELDS = 6  # docs, head, tail, ad, title, placed; then SOURCES smallest document indexes
SOURCES = 3
VARIANTS = 3
"""A template group's record keeps, instead of SOURCES, the VARIANTS smallest line keys seen
in it, each with the first document holding it: a min-hash sketch of its variants (the
same variants whatever the order of counting)."""
_TEMPLATE_RECORD = struct.Struct("<Q6I" + "QI" * VARIANTS)


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


def _new_template_record(flags: int, line: int, doc: int) -> Record:
    record = _new_record(flags, doc)[:_FIELDS]
    return record + [line, doc] + [_NO_LINE, _SENTINEL] * (VARIANTS - 1)


def is_template_record(record: Sequence[int]) -> bool:
    return len(record) == _FIELDS + 2 * VARIANTS


def _merge_sketch(into: Record, other: Record) -> None:
    """Union of two variant sketches: per line key the first document, the smallest keys kept."""
    firsts: dict[int, int] = {}
    for rec in (into, other):
        for line, doc in zip(rec[_FIELDS::2], rec[_FIELDS + 1 :: 2], strict=True):
            if line != _NO_LINE:
                firsts[line] = min(doc, firsts.get(line, doc))
    kept = sorted(firsts.items())[:VARIANTS]
    kept += [(_NO_LINE, _SENTINEL)] * (VARIANTS - len(kept))
    into[_FIELDS:] = [v for pair in kept for v in pair]


def _merge_record(into: Record, other: Record) -> None:
    for i in range(_FIELDS):
        into[i] += other[i]
    if len(into) != _FIELDS + SOURCES:
        _merge_sketch(into, other)
    elif other[_FIELDS] < into[-1]:
        smallest = sorted({*into[_FIELDS:], *other[_FIELDS:]})[:SOURCES]
        into[_FIELDS:] = smallest + [_SENTINEL] * (SOURCES - len(smallest))


def merge_table(into: dict[int, Record], other: dict[int, Record]) -> int:
    """Add one table's counts into another (commutative: the order of chunks is irrelevant).

    Returns how many template records were new in ``into`` (they weigh more, see
    :class:`CountTable`)."""
    heavy = 0
    for key, record in other.items():
        mine = into.get(key)
        if mine is None:
            into[key] = record
            heavy += len(record) > _FIELDS + SOURCES
        else:
            _merge_record(mine, record)
    return heavy


@dataclass
class CountTable:
    """Exact counts per key, spilled by hash partition to temporary files past ``cap``."""

    cap: int = TABLE_CAP
    spill_dir: str | None = None
    table: dict[int, Record] = field(default_factory=dict)
    spills: int = 0
    _tmp: tempfile.TemporaryDirectory[str] | None = None
    _heavy: int = 0

    def add(self, chunk: dict[int, Record]) -> None:
        """Merge one chunk's table, spilling when the cap is passed.

        A template record (with its variant sketch) takes about 1.5 times the memory of a
        line record, so it counts as 1.5 against the cap: the table's bytes stay where the
        cap always put them.
        """
        self._heavy += merge_table(self.table, chunk)
        if len(self.table) + self._heavy // 2 > self.cap:
            self.spill()

    def _path(self, part: int) -> Path:
        """Partitions ``0..PARTITIONS-1`` hold line records, the next ``PARTITIONS`` template ones."""
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="cleanse-learn-", dir=self.spill_dir)
        return Path(self._tmp.name) / f"part-{part:03d}.bin"

    def spill(self) -> None:
        """Write the table to its partition files (appending) and clear it."""
        parts: dict[int, bytearray] = {}
        for key, rec in self.table.items():
            if key & TEMPLATE_BIT and is_template_record(rec):
                parts.setdefault(PARTITIONS + key % PARTITIONS, bytearray()).extend(
                    _TEMPLATE_RECORD.pack(key, *rec)
                )
            else:
                parts.setdefault(key % PARTITIONS, bytearray()).extend(_RECORD.pack(key, *rec))
        for part, records in sorted(parts.items()):
            with self._path(part).open("ab") as fh:
                fh.write(records)
        self.table = {}
        self._heavy = 0
        self.spills += 1

    def frequent(self, min_docs: int) -> Iterator[tuple[int, Record]]:
        """Every key seen in at least ``min_docs`` documents, exact, one partition at a time."""
        if not self.spills:
            yield from ((k, r) for k, r in self.table.items() if r[0] >= min_docs)
            return
        self.spill()
        for part in range(2 * PARTITIONS):
            path = self._path(part)
            if not path.exists():
                continue
            merged: dict[int, Record] = {}
            data = path.read_bytes()
            layout = _RECORD if part < PARTITIONS else _TEMPLATE_RECORD
            for key, *rec in layout.iter_unpack(data):
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
    documents: bool = True
    """Read .docx, web pages and PDF through their readers (as ``cleanse run`` does in its
    default ``auto`` format); False reads every file as text (``--format text``)."""

    @classmethod
    def of(cls, root: Path, paths: Iterable[str], cleaner: Cleaner, *, documents: bool = True) -> Corpus:
        """Paths are sorted here, so the order they were listed in never matters."""
        return cls(root, PathTable(paths), cleaner, documents)

    def read_lines(self, index: int, rel: str | None = None) -> list[str] | None:
        """The lines of one document as the cleaning stages will see them; None if unreadable.

        A text file is decoded like ``cleanse run`` does. A .docx, web page or PDF is read
        into its lines, less the page furniture its reader already removes (a PDF's running
        headers): learning from a page's markup or a PDF's bytes would propose rules that
        never match the text being cleaned.

        Workers pass ``rel`` themselves: reading ``self.paths`` in a forked worker would
        copy the parent's pages holding the path list.
        """
        rel = self.paths[index] if rel is None else rel
        try:
            data = read_bytes(source_path(self.root, rel))
            if self.documents and readers.is_document(rel):
                extracted = readers.read_limited(rel, data, max_bytes=DEFAULT_MAX_BYTES)
                if extracted is not None:
                    return [line for i, line in enumerate(extracted.lines) if i not in extracted.drops]
            return split_text(self.cleaner.decode(data, source=rel).text)
        except (CleanseError, readers.Unreadable):
            return None


def _ad_matcher(cleaner: Cleaner) -> RuleMatcher:
    """Strong drop-line rules only: a weak rule (a bare site name) is not enough to call a line
    an ad, so such lines stay countable and can be learned from their repetition."""
    candidates = cleaner.ruleset.for_stage("boilerplate")
    rules = tuple(r for r in candidates if r.action == "drop-line" and r.strength == "strong")
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
        templates: dict[int, tuple[int, int]] = {}
        for key, flags in document_keys(lines, matcher, templates).items():
            rec = table.get(key)
            if rec is None:
                table[key] = _new_record(flags, index)
            else:
                _merge_record(rec, _new_record(flags, index))
        for key, (flags, line) in templates.items():
            rec = table.get(key)
            if rec is None:
                table[key] = _new_template_record(flags, line, index)
            else:
                _merge_record(rec, _new_template_record(flags, line, index))
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
