"""Record files: JSON Lines (plain, .gz, .zst) and Parquet, cleaned one record at a time.

Each record keeps every field; only ``text_field`` is replaced by its cleaned text, and with
``meta_field`` the record also gets what was removed, changed and flagged. The report has one
entry per record, ``path`` = ``"<file>:<line>"`` (1-based line; row for Parquet). A line that
is not a JSON object is reported with its file and line number and left out of the output —
never the whole file. A record without the text field is copied unchanged and reported.
Every other field is written back with the value it had: a number Python's float cannot hold
(``1e400``, ``1e-400``) keeps its literal instead of becoming ``Infinity`` (not JSON) or ``0.0``.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import secrets
import zlib
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from .document import Document
from .errors import InputError
from .io import TooLarge, write_atomic
from .report import document_entry, json_line, problem_entry, utf8

if TYPE_CHECKING:
    from .job import Job
    from .pipeline import Cleaner

JSONL_GLOBS = ("*.jsonl", "*.jsonl.gz", "*.jsonl.zst")
PARQUET_GLOBS = ("*.parquet",)


def format_of(rel: str, declared: str) -> str:
    """The format of one input: ``declared``, or for ``auto`` the one its name says."""
    if declared != "auto":
        return declared
    name = rel.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    return "text"


# -- compression ------------------------------------------------------------------------------


def _zstd() -> Any:
    try:
        import zstandard
    except ImportError:
        raise InputError(
            ".jsonl.zst needs the zstandard package: pip install zstandard (or decompress first)"
        ) from None
    return zstandard


def decompress(rel: str, data: bytes, limit: int | None = None) -> bytes:
    """The JSONL bytes of a plain, gzip or zstandard file (chosen by its name).

    Every gzip member and every zstandard frame is read (both formats allow several, one
    after another); a container cut short or corrupt is an :class:`InputError` for that
    file, never a silent loss of its last records; more than ``limit`` decompressed bytes is
    :class:`TooLarge`, found while decompressing, so a small bomb cannot fill memory.
    """
    if rel.endswith(".gz"):
        return _members(rel, data, limit, lambda: zlib.decompressobj(wbits=31), zlib.error, "gzip")
    if rel.endswith(".zst"):
        zstd = _zstd()
        return _members(rel, data, limit, zstd.ZstdDecompressor().decompressobj, zstd.ZstdError, "zstandard")
    return data


FEED = 1024
"""Compressed bytes handed to the decompressor at a time: what one call can expand to stays
bounded (deflate ~1,000:1, zstandard's run-length blocks more), so a bomb is caught near
``--max-bytes`` instead of after filling memory."""


def _members(rel: str, data: bytes, limit: int | None, new: Any, error: Any, kind: str) -> bytes:
    """Decompress member after member (gzip) or frame after frame (zstandard)."""
    out: list[bytes] = []
    size, rest = 0, data
    while rest:
        unpack, pos = new(), 0
        try:
            while pos < len(rest) and not unpack.eof:
                piece = unpack.decompress(rest[pos : pos + FEED])
                pos += FEED
                size += len(piece)
                if limit is not None and size > limit:
                    raise TooLarge(f"{rel} (decompressed)", size, limit)
                out.append(piece)
        except error as exc:
            raise InputError(f"not a valid {kind} file ({exc}); no record of it was cleaned") from None
        if not unpack.eof:
            raise InputError(
                f"the {kind} data is cut short (a truncated download?); no record of it was "
                "cleaned: fetch the file again"
            )
        rest = unpack.unused_data + rest[pos:]
    return b"".join(out)


def compress(rel: str, data: bytes) -> bytes:
    """``data`` compressed like the input it came from (mtime 0: same input, same bytes)."""
    if rel.endswith(".gz"):
        return gzip.compress(data, mtime=0)
    if rel.endswith(".zst"):
        return _zstd().ZstdCompressor().compress(data)
    return data


# -- one record -------------------------------------------------------------------------------


def meta_of(entry: dict[str, Any]) -> dict[str, Any]:
    """What ``--meta-field`` holds: the entry's removals, changes, flags and warnings."""
    return {k: entry[k] for k in ("removed", "changes", "flags", "warnings")}


def clean_record(
    cleaner: Cleaner, record: dict[str, Any], source: str, text_field: str, meta_field: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(cleaned record, report entry) for one parsed record."""
    text = record.get(text_field)
    if not isinstance(text, str):
        why = "missing" if text is None else f"of type {type(text).__name__}, not a string"
        error = f"{source}: field {text_field!r} is {why}; record copied unchanged (see --text-field)"
        return record, problem_entry(source, "skipped", error, reason="no-text")
    doc = cleaner.clean(Document(text=text, source=source, meta={"bytes_in": len(utf8(text))}))
    entry = document_entry(source, doc)
    out = {**record, text_field: doc.text}
    if meta_field and meta_field in record:  # the record's own data is never overwritten
        entry["warnings"].append(
            f"field {meta_field!r} already exists in the record and was left as it was; "
            "choose another --meta-field to store the cleaning records"
        )
    elif meta_field:
        out[meta_field] = meta_of(entry)
    return out, entry


class Literal(str):
    """A JSON number whose float is not the same number (``1e400`` overflows to inf, ``1e-400``
    underflows to 0.0): kept as its text and written back as it came (:func:`record_line`)."""


def _number(text: str, found: list[Literal]) -> float | Literal:
    value = float(text)
    mantissa = text.lower().split("e")[0]
    if math.isinf(value) or (value == 0.0 and any(c in "123456789" for c in mantissa)):
        found.append(Literal(text))
        return found[-1]
    return value


# Stands for a Literal while the record is encoded; the nonce keeps any real text from equalling it.
_SLOT = "\x00cleanse-literal-" + secrets.token_hex(8) + "-"


def record_line(record: dict[str, Any], *, has_literals: bool = True) -> bytes:
    """One record as a JSON line, each :class:`Literal` number written as its own text
    (``has_literals=False``: the parse made none, so the record is not walked)."""
    if not has_literals:
        return json_line(record)
    literals: list[str] = []

    def swap(value: Any) -> Any:
        if isinstance(value, Literal):
            literals.append(str(value))
            return f"{_SLOT}{len(literals) - 1}"
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return value

    swapped = swap(record)
    if not literals:
        return json_line(record)
    line = json.dumps(swapped, ensure_ascii=False)
    for i, text in enumerate(literals):
        line = line.replace(json.dumps(f"{_SLOT}{i}"), text, 1)
    return utf8(line + "\n")


def parse_line(raw: bytes, source: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None, bool]:
    """(record, None, whether it holds a :class:`Literal`) for a JSON object line, else
    (None, a 'skipped' entry saying why, False)."""
    found: list[Literal] = []
    try:
        value = json.loads(raw, parse_float=lambda text: _number(text, found))
    except ValueError as exc:
        error = f"{source}: not valid JSON ({exc}); line left out"
        return None, problem_entry(source, "skipped", error, reason="malformed"), False
    if not isinstance(value, dict):
        error = f"{source}: a JSON {type(value).__name__}, not an object; line left out"
        return None, problem_entry(source, "skipped", error, reason="malformed"), False
    return value, None, bool(found)


def clean_lines(
    cleaner: Cleaner, lines: Iterable[bytes], name: str, text_field: str, meta_field: str | None
) -> Iterator[tuple[bytes | None, dict[str, Any]]]:
    """(output line or None, report entry) for every non-blank input line."""
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        source = f"{name}:{n}"
        record, problem, literals = parse_line(raw, source)
        if record is None:
            assert problem is not None
            yield None, problem
            continue
        out, entry = clean_record(cleaner, record, source, text_field, meta_field)
        yield record_line(out, has_literals=literals), entry


# -- whole files ------------------------------------------------------------------------------


def clean_jsonl_bytes(cleaner: Cleaner, job: Job, rel: str, data: bytes) -> list[dict[str, Any]]:
    """Clean one JSONL file's bytes, write its output, return one entry per record."""
    lines = decompress(rel, data, job.max_bytes).split(b"\n")
    out: list[bytes] = []
    entries: list[dict[str, Any]] = []
    for line, entry in clean_lines(cleaner, lines, rel, job.text_field, job.meta_field):
        entries.append(entry)
        if line is not None:
            out.append(line)
    if not job.dry_run:
        write_atomic(job.output_of(rel), compress(rel, b"".join(out)), durable=job.durable)
    return entries


def clean_record_file(cleaner: Cleaner, job: Job, rel: str, data: bytes) -> list[dict[str, Any]]:
    """The runner's entry point for a record file (JSONL or Parquet)."""
    if format_of(rel, job.format) == "parquet":
        return clean_parquet_bytes(cleaner, job, rel, data)
    return clean_jsonl_bytes(cleaner, job, rel, data)


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("Parquet needs pyarrow: pip install 'cleanse[parquet]'") from None
    return pa, pq


def clean_parquet_bytes(cleaner: Cleaner, job: Job, rel: str, data: bytes) -> list[dict[str, Any]]:
    """Clean the text column of one Parquet file; other columns and the schema's order stay."""
    pa, pq = _pyarrow()
    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"not a readable Parquet file ({exc}); no record of it was cleaned") from None
    if job.text_field not in table.column_names:
        raise InputError(
            f"no column {job.text_field!r} (columns: {', '.join(table.column_names)}); "
            "name the text column with --text-field"
        )
    texts, entries, metas = [], [], []
    for n, record in enumerate(table.select([job.text_field]).to_pylist(), 1):
        out, entry = clean_record(cleaner, record, f"{rel}:{n}", job.text_field, None)
        texts.append(out[job.text_field])
        entries.append(entry)
        metas.append(utf8(json.dumps(meta_of(entry), ensure_ascii=False)).decode("utf-8"))
    index = table.column_names.index(job.text_field)
    kind = table.schema.field(index).type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        table = table.set_column(index, job.text_field, pa.array(texts, type=kind))
    # else a column of numbers (or other non-text): every row was reported and is copied as it is
    if job.meta_field:
        if job.meta_field in table.column_names:
            raise InputError(
                f"column {job.meta_field!r} already exists; choose another --meta-field "
                "(a second column of that name could not be read back)"
            )
        table = table.append_column(job.meta_field, pa.array(metas, type=pa.string()))
    if not job.dry_run:
        sink = io.BytesIO()
        pq.write_table(table, sink)
        write_atomic(job.output_of(rel), sink.getvalue(), durable=job.durable)
    return entries


def clean_stream(
    cleaner: Cleaner, src: IO[bytes], dst: IO[bytes], text_field: str, meta_field: str | None
) -> Iterator[dict[str, Any]]:
    """stdin -> stdout JSONL: write each cleaned record as soon as it is done; yield entries."""
    for line, entry in clean_lines(cleaner, src, "-", text_field, meta_field):
        if line is not None:
            dst.write(line)
        yield entry
