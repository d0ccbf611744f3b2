"""Sources and sinks: path safety, reading input files, writing outputs atomically.

Finding the input files is :mod:`.discovery`.

Inputs are never modified. Every output is written to a temporary file in the same folder
and renamed into place, so a crash or kill never leaves a partial file under OUTPUT.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .errors import InputError, OptionError

log = logging.getLogger(__name__)

TMP_PREFIX = ".cleanse-tmp-"
OWN_PREFIX = ".cleanse-"  # cleanse's own files in OUTPUT (temporaries, the resume manifest)


def check_run_paths(input_dir: Path, output_dir: Path) -> None:
    """Refuse pairs that could overwrite inputs: OUTPUT equal to, inside, or around INPUT."""
    if not input_dir.exists():
        raise InputError(f"{input_dir}: no such file or folder; check the INPUT path")
    src, dst = input_dir.resolve(), output_dir.resolve()
    if input_dir.is_dir() and output_dir.exists() and not output_dir.is_dir():
        raise OptionError(
            f"OUTPUT {output_dir} is a file, but INPUT {input_dir} is a folder: cleaned files are "
            "written into an OUTPUT folder; name a folder (it is created if missing)"
        )
    if src == dst:
        raise OptionError(f"OUTPUT {output_dir} is INPUT itself; choose a separate output folder")
    if src in dst.parents:
        raise OptionError(
            f"OUTPUT {output_dir} is inside INPUT {input_dir}; choose a folder outside it, "
            "so outputs are never read back as inputs"
        )
    if dst in src.parents:
        raise OptionError(
            f"INPUT {input_dir} is inside OUTPUT {output_dir}; choose an output folder that does "
            "not contain the inputs"
        )


def _inside(path: str, folder: str) -> bool:
    """``path`` is ``folder`` or below it (both resolved)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=4096)
def _real(path: str) -> str:
    """``os.path.realpath``, remembered: outputs share a few folders, and a run resolves each
    folder once, not each file."""
    return os.path.realpath(path)


@functools.lru_cache(maxsize=64)
def _is_dir(path: str) -> bool:
    return os.path.isdir(path)


def check_landing(path: str, input_root: str, output_root: str) -> None:
    """Refuse a write whose folder, links resolved, is inside INPUT or outside ``output_root``.

    ``safe_output_str`` refuses ``..`` and absolute names; a link *inside* OUTPUT
    (``out/docs -> ../in/docs``) would still carry a write into the inputs. The folder of every
    output is resolved (once per folder) and must stay in OUTPUT and out of INPUT. The file
    name itself may be a link: the rename replaces the link, never what it points at.
    """
    folder = _real(os.path.dirname(path) or ".")
    source, target = _real(input_root), _real(output_root)
    if (_is_dir(source) and _inside(folder, source)) or not _inside(folder, target):
        raise InputError(
            f"its folder resolves to {folder}, "
            + ("inside INPUT" if _inside(folder, source) else f"outside {output_root}")
            + " (a symbolic link in the output folder?); refusing to write it, so no input is "
            "overwritten; remove the link or choose another output folder"
        )


def check_artifact_paths(input_path: Path, artifacts: dict[str, Path | None]) -> None:
    """Refuse a report, summary, page or rules file that would replace or land in INPUT."""
    source = os.path.realpath(input_path)
    for option, path in artifacts.items():
        if path is None or str(path) == "-":
            continue
        real = os.path.realpath(path)
        if real == source or (input_path.is_dir() and _inside(real, source)):
            raise OptionError(
                f"{option} {path} is inside INPUT {input_path}; it would replace or add an input "
                "file; write it outside INPUT"
            )


def source_path(root: Path, rel: str) -> Path:
    """The input file for a relative path (``root`` may itself be a single file)."""
    return root if root.is_file() else root / rel


def safe_output_path(output_root: Path, rel: str) -> Path:
    """``output_root / rel``, refusing any path that would land outside ``output_root``."""
    return Path(safe_output_str(os.fspath(output_root), rel))


def safe_output_str(output_root: str, rel: str) -> str:
    """:func:`safe_output_path` on strings (the per-file hot path of ``cleanse run``)."""
    parts = rel.replace("\\", "/").split("/")
    if rel.startswith("/") or ".." in parts or os.path.isabs(rel):
        raise InputError(f"{rel}: path leaves the output folder; refusing to write it")
    return os.path.join(output_root, rel)


class TooLarge(InputError):
    """A file over the size limit; raised before it is read, so it never fills memory."""

    def __init__(self, path: str | os.PathLike[str], size: int, limit: int) -> None:
        super().__init__(
            f"{path}: {size:,} bytes is over the {limit:,}-byte limit; skipped. "
            "Split the file, or raise the limit with --max-bytes"
        )
        self.size = size


class NotText(InputError):
    """A big file whose first bytes already show it is not text; raised before reading it all."""


SNIFF_FROM = 1 << 20  # files this big are sniffed before being read whole
SNIFF_BYTES = 1 << 16


def read_bytes(
    path: str | os.PathLike[str],
    max_bytes: int | None = None,
    not_text: Callable[[bytes], str | None] | None = None,
) -> bytes:
    """A file's bytes; InputError with a clear message for the usual failures.

    ``max_bytes``: raise :class:`TooLarge` instead of reading a bigger file. ``not_text``:
    for a file over ``SNIFF_FROM`` bytes, a test of its first ``SNIFF_BYTES`` that says why it
    is not text (or None); :class:`NotText` is raised then, so a 1 GB image or block of NULs
    is never read whole. One open, one fstat and one read per file, in plain ``os`` calls:
    this runs for every input.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{path}: vanished before it could be read") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied; check the file's permissions") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        size = os.fstat(fd).st_size
        if max_bytes is not None and size > max_bytes:
            raise TooLarge(path, size, max_bytes)
        if not_text is not None and size > SNIFF_FROM:
            why = not_text(os.pread(fd, SNIFF_BYTES, 0))
            if why:
                raise NotText(f"{path}: binary data ({why}, in its first {SNIFF_BYTES:,} bytes); skipped")
        return _read_all(fd, size)
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _read_all(fd: int, size: int) -> bytes:
    """Everything up to end of file: one read when the file is the size fstat said (asking
    for one byte more shows the end); more when it grew, came back short or said 0 (/proc)."""
    first = os.read(fd, size + 1) if size else b""
    if size and len(first) == size:
        return first
    return first + _read_rest(fd)


def _read_rest(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


_TMP_COUNTER = itertools.count()


def make_folders(folder: str) -> None:
    """``os.makedirs(folder, exist_ok=True)`` without recursion: an input tree 1,000 folders
    deep (valid on Linux) must not end in a RecursionError when mirrored into OUTPUT."""
    missing: list[str] = []
    while folder and not os.path.isdir(folder):
        missing.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    for path in reversed(missing):
        try:
            os.mkdir(path)
        except FileExistsError:
            if not os.path.isdir(path):
                raise


def _open_new(path: str) -> tuple[int, str]:
    """A new temporary file beside ``path``; creates missing folders on first need only.

    Its name holds no part of the target's (process id and a counter make it unique): a
    target name near the system's 255-byte limit must still get a temporary file.
    """
    folder = os.path.dirname(path)
    tmp = os.path.join(folder, f"{TMP_PREFIX}{os.getpid()}-{next(_TMP_COUNTER)}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(tmp, flags, 0o644), tmp
    except FileNotFoundError:
        make_folders(folder or ".")
        return os.open(tmp, flags, 0o644), tmp


def write_atomic(path: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    The rename makes the write atomic: a crash or ``kill -9`` leaves either the old file or
    the new one, never a part. ``durable`` also fsyncs before the rename, which protects
    against power loss but costs ~0.2 ms a file on disk; ``cleanse run`` skips it for the
    outputs (``--resume`` rewrites anything not recorded as done) and keeps it for reports.
    Plain ``os`` calls on strings: this runs once per file, and pathlib costs show there.
    """
    path = os.fspath(path)
    fd, tmp = _open_new(path)
    try:
        try:
            view = memoryview(data)
            while view:  # raw os.write: no buffered file object per output
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with _suppress_oserror():
            os.unlink(tmp)
        raise


class _suppress_oserror:
    def __enter__(self) -> None:
        return None

    def __exit__(self, typ: object, exc: object, tb: object) -> bool:
        return isinstance(exc, OSError)


def remove_stale_temps(root: Path) -> Iterator[Path]:
    """Delete temporary files a killed run left under ``root``; yields what was removed."""
    if not root.is_dir():
        return
    folders = [os.fspath(root)]
    while folders:  # iterative: os.walk recurses, and OUTPUT may be 1,000 folders deep
        try:
            with os.scandir(folders.pop()) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif entry.name.startswith(TMP_PREFIX):
                with _suppress_oserror():
                    os.unlink(entry.path)
                    yield Path(entry.path)


class EntrySpool:
    """Report entries of a run kept on disk, not in memory, in the order they arrived.

    A run over millions of files would otherwise hold every entry (a few KB each) until the
    report is written; this keeps the parent's memory flat. It is a read-only sequence for
    callers: iterate it (entries are decoded one at a time), ``len()`` it, or copy it to a
    report file with :meth:`write_jsonl` without decoding anything. Lines are written exactly
    as :func:`cleanse.report.to_jsonl` writes them.
    """

    def __init__(self) -> None:
        # (entries, bytes) of the whole lines in the file, replaced in one assignment after each
        # write, so a Ctrl-C landing anywhere in ``append`` leaves count and content agreeing.
        self._filed = (0, 0)
        self._memory: list[tuple[bytes, int]] = []  # (lines, entries) kept here once the file cannot grow
        try:
            self._fh: Any = tempfile.TemporaryFile(prefix="cleanse-entries-", buffering=0)  # noqa: SIM115
        except OSError as exc:
            self._fh = None
            self._spill_failed(exc)

    def _spill_failed(self, exc: OSError) -> None:
        log.warning(
            "cannot keep report entries in a temporary file (%s); keeping the rest in memory "
            "(set TMPDIR to a folder with free space for very large runs)",
            exc.strerror or exc,
        )

    def append(self, lines: bytes, count: int = 1) -> None:
        """Add ``count`` entries, already encoded as JSON lines.

        The entries count only once their bytes are all in: an interruption part-way leaves
        them out of both ``len()`` and the content (the next write starts over
        where the whole lines end)."""
        if self._fh is None or self._memory:
            self._memory.append((lines, count))
            return
        filed, size = self._filed
        try:
            self._fh.seek(size)
            view = memoryview(lines)
            while view:
                view = view[self._fh.write(view) :]
        except OSError as exc:  # a full TMPDIR: go on in memory; bytes past ``size`` are never read
            self._memory.append((lines, count))
            self._spill_failed(exc)
            return
        self._filed = (filed + count, size + len(lines))

    def __len__(self) -> int:
        return self._filed[0] + sum(count for _, count in self._memory)

    def _chunks(self) -> Iterator[bytes]:
        """The spooled bytes in order: the file's, then those kept in memory."""
        if self._fh is not None:
            size = self._filed[1]
            with open(self._fh.fileno(), "rb", closefd=False) as reader:
                reader.seek(0)
                while size > reader.tell():
                    yield reader.read(min(1 << 20, size - reader.tell()))
        for lines, _ in self._memory:
            yield lines

    def __iter__(self) -> Iterator[dict[str, Any]]:
        rest = b""
        for chunk in self._chunks():
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            for line in lines:
                yield json.loads(line)
        if rest.strip():
            yield json.loads(rest)

    def __getitem__(self, index: int) -> dict[str, Any]:
        if index < 0:
            index += len(self)
        for i, entry in enumerate(self):
            if i == index:
                return entry
        raise IndexError(index)

    def write_jsonl(self, path: Path) -> None:
        """Copy the entries to ``path`` atomically, in run order (= sorted input paths)."""
        fd, tmp = _open_new(os.fspath(path))
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in self._chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            with _suppress_oserror():
                os.unlink(tmp)
            raise

    def close(self) -> None:
        """Delete the spool file."""
        if self._fh is not None:
            self._fh.close()
