"""Sources and sinks: finding input files, reading them, writing outputs atomically.

Inputs are never modified. Every output is written to a temporary file in the same folder
and renamed into place, so a crash or kill never leaves a partial file under OUTPUT.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import InputError, OptionError

log = logging.getLogger(__name__)

DEFAULT_GLOBS = ("*.txt", "*.md")
TMP_PREFIX = ".cleanse-tmp-"


def check_run_paths(input_dir: Path, output_dir: Path) -> None:
    """Refuse pairs that could overwrite inputs: OUTPUT equal to, inside, or around INPUT."""
    if not input_dir.exists():
        raise InputError(f"{input_dir}: no such file or folder; check the INPUT path")
    src, dst = input_dir.resolve(), output_dir.resolve()
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


def _matches(name: str, globs: Iterable[str]) -> bool:
    return any(fnmatch.fnmatch(name, g) for g in globs)


def discover(
    root: Path,
    globs: Iterable[str] = DEFAULT_GLOBS,
    *,
    follow_symlinks: bool = False,
    unreadable: list[str] | None = None,
) -> list[str]:
    """Relative POSIX paths of the files under ``root`` matching ``globs``, sorted.

    Symbolic links are not followed unless asked (they may point outside INPUT or loop).
    A single file as ``root`` yields its own name. A folder that cannot be listed is not
    skipped silently: a message naming it is appended to ``unreadable`` (and logged).
    """

    def listing_failed(exc: OSError) -> None:
        message = f"{exc.filename}: cannot list folder: {exc.strerror or exc}; its files are not cleaned"
        log.warning("%s", message)
        if unreadable is not None:
            unreadable.append(message)

    globs = tuple(globs)
    if root.is_file():
        return [root.name]
    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, onerror=listing_failed, followlinks=follow_symlinks):
        if follow_symlinks and not _first_visit(dirpath, seen):
            dirnames[:] = []  # a link back to a folder already walked: a loop, or a duplicate
            continue
        dirnames[:] = sorted(
            d for d in dirnames if follow_symlinks or not os.path.islink(os.path.join(dirpath, d))
        )
        for name in filenames:
            full = os.path.join(dirpath, name)
            if not follow_symlinks and os.path.islink(full):
                continue
            if not os.path.isfile(full):
                continue  # a FIFO, socket or device named *.txt would block or never end
            if _matches(name, globs) and not name.startswith(TMP_PREFIX):
                found.append(Path(os.path.relpath(full, root)).as_posix())
    return sorted(found)


def _first_visit(dirpath: str, seen: set[tuple[int, int]]) -> bool:
    """True the first time a folder (by device and inode) is reached; stops symlink loops."""
    try:
        st = os.stat(dirpath)
    except OSError:
        return False
    key = (st.st_dev, st.st_ino)
    if key in seen:
        return False
    seen.add(key)
    return True


def source_path(root: Path, rel: str) -> Path:
    """The input file for a relative path (``root`` may itself be a single file)."""
    return root if root.is_file() else root / rel


def safe_output_path(output_root: Path, rel: str) -> Path:
    """``output_root / rel``, refusing any path that would land outside ``output_root``."""
    candidate = Path(rel)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise InputError(f"{rel}: path leaves the output folder; refusing to write it")
    return output_root / candidate


def read_bytes(path: Path) -> bytes:
    """A file's bytes; InputError with a clear message for the usual failures."""
    try:
        if path.is_dir():
            raise InputError(f"{path}: is a folder, not a file")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: vanished before it could be read") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied; check the file's permissions") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
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
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            if name.startswith(TMP_PREFIX):
                p = Path(dirpath) / name
                with _suppress_oserror():
                    p.unlink()
                    yield p
