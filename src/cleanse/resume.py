"""Resumable runs: a manifest under OUTPUT recording every input already cleaned.

``OUTPUT/.cleanse-manifest.jsonl`` is append-only JSON Lines. Its first line holds the
*config hash* (rules, options, output settings and cleanse's version); every other line is one
finished input: its key (relative path, size, mtime, content hash) and its report entries,
so a resumed run reports exactly what an uninterrupted run would.

Why this order is safe against ``kill -9`` at any point: an output is renamed into place
*before* its manifest line is appended, and a line is appended with one ``write`` of a whole
line. A kill can therefore lose at most the line of a file whose output is already complete
(that file is simply cleaned again, giving the same bytes) or leave a torn last line, which
:meth:`Manifest.open` cuts off before appending.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._version import __version__
from .report import json_line

log = logging.getLogger(__name__)

MANIFEST_NAME = ".cleanse-manifest.jsonl"
FORMAT = 1
_RULE_FIELDS_IGNORED = frozenset({"source", "line"})  # where a rule was read has no effect


def digest(data: bytes) -> str:
    """The content hash stored in the manifest (BLAKE2b, 128 bits: fast and plenty)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def config_hash(ruleset: Any, options: Any, settings: Mapping[str, Any]) -> str:
    """One hash of everything that decides an output: rules, Options, output settings, version.

    Changing any rule re-cleans everything (the simple, honest version: no per-rule analysis),
    and so does a retrained model file of a ``score`` rule (its bytes are hashed, not its path).
    """
    rules = [
        [(f.name, getattr(r, f.name)) for f in dataclasses.fields(r) if f.name not in _RULE_FIELDS_IGNORED]
        for r in ruleset.rules
    ]
    models = [_model_digest(r) for r in ruleset.rules if getattr(r, "model", None)]
    blob = repr((FORMAT, __version__, rules, models, repr(options), sorted(settings.items())))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _model_digest(rule: Any) -> str:
    """SHA-256 of a score rule's model file (unreadable: its path, and loading reports it)."""
    from .stages.scorer import model_path

    path = model_path(rule.source, rule.model)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return str(path)


@dataclass(frozen=True, slots=True)
class Done:
    """A manifest record: what the input looked like when it was cleaned, and where its line
    is (the entries are read back only when used, so a resumed run's memory stays flat)."""

    size: int
    mtime_ns: int
    digest: str
    offset: int
    length: int
    wrote: bool  # an output file was written (some entry is ok)
    output: str | None  # where, when not OUTPUT/path (--skip-flagged routes some elsewhere)


def _read_records(path: Path, config: str) -> dict[str, Done] | None:
    """The records of a manifest written with ``config``; None when it was another config."""
    done: dict[str, Done] = {}
    with path.open("rb") as fh:
        header = fh.readline()
        meta = _parse(header)
        if not meta or meta.get("config") != config:
            return None
        offset = len(header)
        for raw in fh:
            rec = _parse(raw)
            if rec and "entries" in rec:
                entries = rec["entries"]
                wrote = any(e["status"] == "ok" for e in entries)
                output = entries[0].get("output") if entries else None
                args = (rec["size"], rec["mtime_ns"], rec["digest"], offset, len(raw), wrote, output)
                done[rec["path"]] = Done(*args)
            offset += len(raw)
    return done


def _parse(raw: bytes) -> dict[str, Any] | None:
    if not raw.endswith(b"\n"):
        return None  # a torn last line from a killed run
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _cut_torn_tail(path: Path) -> None:
    """Truncate a manifest to its last complete line, so new lines never join a torn one."""
    with path.open("rb+") as fh:
        data = fh.read()
        keep = data.rfind(b"\n") + 1
        if keep != len(data):
            fh.truncate(keep)


class Manifest:
    """The manifest of one OUTPUT folder: read what is done, append what gets done."""

    def __init__(self, path: Path, config: str, done: dict[str, Done], fd: int) -> None:
        self.path, self.config, self.done, self._fd = path, config, done, fd
        self.stale: list[str] = []  # outputs of earlier runs removed by this one
        self._fd_read = os.open(path, os.O_RDONLY)

    @classmethod
    def open(cls, output_root: Path, config: str, *, resume: bool) -> Manifest:
        """Open for appending; with ``resume`` keep the records of the same config."""
        path = output_root / MANIFEST_NAME
        output_root.mkdir(parents=True, exist_ok=True)
        found = _read_records(path, config) if resume and path.is_file() else {}
        if found is None:
            log.warning("%s: made with other rules or options; cleaning everything again", path)
        done = found or {}
        if found is not None and path.is_file() and resume:
            _cut_torn_tail(path)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        else:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
            os.write(fd, _line({"cleanse_manifest": FORMAT, "config": config}))
        return cls(path, config, done, fd)

    def unchanged(self, job: Any, rel: str) -> bool:
        """True when ``rel`` is recorded and unchanged (size, mtime, content) and, if it was
        written, its output is still there."""
        rec = self.done.get(rel)
        if rec is None:
            return False
        src = job.source(rel)
        try:
            st = src.stat()
            if st.st_size != rec.size or st.st_mtime_ns != rec.mtime_ns:
                return False
            if digest(src.read_bytes()) != rec.digest:
                return False
        except OSError:
            return False
        target = Path(rec.output) if rec.output else Path(job.output_of(rel))
        return not (rec.wrote and not job.dry_run and not target.is_file())

    def entries(self, rel: str) -> list[dict[str, Any]]:
        """The stored report entries of a recorded input (read from the file when needed)."""
        rec = self.done[rel]
        line = _parse(os.pread(self._fd_read, rec.length, rec.offset))
        if line is None:  # pragma: no cover - the file changed under us
            raise OSError(f"{self.path}: record of {rel} is unreadable; run again without --resume")
        return line["entries"]

    def remove_stale(self, job: Any, rel: str, why: str) -> str | None:
        """Remove the output an earlier run wrote for ``rel`` when this run writes none (its
        input is gone, or is now skipped or failed), so OUTPUT never keeps a cleaned copy of
        something that is no longer cleaned; returns a message, or None when there was none.
        Only a file this manifest recorded, inside OUTPUT (or the --skip-flagged folder)."""
        rec = self.done.get(rel)
        if rec is None or not rec.wrote:
            return None
        target = Path(rec.output) if rec.output else Path(job.output_of(rel))
        roots = [Path(r).resolve() for r in (job.output_root, job.flagged_root) if r is not None]
        resolved = target.resolve()
        if not any(root in resolved.parents for root in roots) or not target.is_file():
            return None
        try:
            target.unlink()
        except OSError as exc:
            return f"{target}: stale output of {rel} ({why}) could not be removed: {exc.strerror or exc}"
        self.stale.append(str(target))
        return f"{target}: removed, the output of an earlier run; {rel} {why}"

    def record(self, line: bytes) -> None:
        """Append one finished input's line (from :func:`manifest_line`, built in the worker)."""
        os.write(self._fd, line)

    def close(self) -> None:
        """Close the file (the records are already written)."""
        os.close(self._fd)
        os.close(self._fd_read)


def manifest_line(
    source: Path, rel: str, data: bytes, entries: list[dict[str, Any]], lines: bytes
) -> bytes | None:
    """The manifest line of one cleaned input, or None when it must not be recorded.

    ``lines`` are the entries' report lines: they are embedded as they are, so each entry is
    JSON-encoded once per run. Built in the worker (the parent only appends it), so hashing
    and encoding run on every core. Inputs with a failed entry are not recorded: a resumed
    run tries them again.
    """
    if any(e["status"] == "failed" for e in entries):
        return None
    try:
        st = source.stat()
    except OSError:
        return None  # vanished since: not recorded, cleaned again next time
    rec = {"path": rel, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "digest": digest(data)}
    head = _line(rec)[:-2]  # without the closing brace and newline
    return head + b',"entries":[' + b",".join(lines.splitlines()) + b"]}\n"


def _line(obj: Mapping[str, Any]) -> bytes:
    return json_line(obj, separators=(",", ":"))
