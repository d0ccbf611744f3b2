"""Finding the input files under INPUT, and saying what is passed over and why.

Symbolic links are not followed unless asked (they may point outside INPUT or loop); each
real folder is walked once; what is not cleaned (links, FIFOs and devices, cleanse's own
``.cleanse-*`` names, folders that cannot be listed) is returned for the report, and files
the globs leave out are counted by suffix so a run can say how to include them.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from .io import OWN_PREFIX

log = logging.getLogger(__name__)

DEFAULT_GLOBS = ("*.txt", "*.md")


def _glob_matcher(globs: Iterable[str]) -> Callable[[str], bool]:
    """One compiled pattern for all globs, used once per file name. Case-insensitive on every
    system: downloads arrive as ``report.TXT`` as often as ``report.txt``."""
    pattern = re.compile("|".join(fnmatch.translate(g) for g in globs) or r"(?!)", re.IGNORECASE)
    return lambda name: pattern.match(name) is not None


def discover(
    root: Path,
    globs: Iterable[str] = DEFAULT_GLOBS,
    *,
    follow_symlinks: bool = False,
    passed_over: list[PassedOver] | None = None,
    left_out: Counter[str] | None = None,
) -> list[str]:
    """Relative POSIX paths of the files under ``root`` matching ``globs``, sorted.

    Symbolic links are not followed unless asked (they may point outside INPUT or loop).
    A single file as ``root`` yields its own name. Nothing is passed over in silence: each
    link not followed, FIFO, socket or device, file named like cleanse's own
    (``.cleanse-*``) and folder that cannot be listed is appended to ``passed_over`` (for
    the report). ``left_out`` counts the files the globs did not match, by lower-case suffix
    (``""``: none), so that a run can say what it did not clean and how to include it.
    """

    def pass_over(rel: str, status: str, reason: str, message: str) -> None:
        log.info("%s", message)
        if passed_over is not None:
            passed_over.append(PassedOver(rel, status, reason, message))

    def listing_failed(folder: str, prefix: str, exc: OSError) -> None:
        message = f"{folder}: cannot list folder: {exc.strerror or exc}; its files are not cleaned"
        pass_over(prefix.rstrip("/") or ".", "failed", "unlistable", message)

    matches = _glob_matcher(globs)
    if root.is_file():
        return [root.name]
    found: list[str] = []
    # Folders to list: those reached without a link first, then those only links reach, so
    # a folder linked from elsewhere is listed under its real path. Following links, each real
    # folder is listed once (by device and inode): two links per level to the next level
    # would otherwise list the last one 2^levels times.
    plain: list[tuple[str, str]] = [(os.fspath(root), "")]
    linked: list[tuple[str, str]] = []
    seen: set[tuple[int, int]] = set()
    while plain or linked:  # os.scandir: the entry types come with the listing, no stat per file
        via_link = not plain
        folder, prefix = plain.pop() if plain else linked.pop()
        if follow_symlinks:
            ident = _identity(folder)
            if ident is None or ident in seen:
                continue  # listed already (through another path), or a loop
            seen.add(ident)
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            listing_failed(folder, prefix, exc)
            continue
        if follow_symlinks:  # which path of a folder is kept must not depend on listing order
            entries.sort(key=lambda e: e.name, reverse=True)
        for entry in entries:
            kind = _entry_kind(entry, follow_symlinks)
            if kind == "dir":
                todo = linked if via_link or entry.is_symlink() else plain
                todo.append((entry.path, f"{prefix}{entry.name}/"))
            elif kind in _PASSED_OVER:
                pass_over(prefix + entry.name, "skipped", kind, f"{entry.path}: {_PASSED_OVER[kind]}")
            elif kind == "file" and entry.name.startswith(OWN_PREFIX):
                why = "named like cleanse's own files (.cleanse-*), which it never reads; rename it"
                pass_over(prefix + entry.name, "skipped", "reserved-name", f"{entry.path}: {why}")
            elif kind == "file":
                if matches(entry.name):
                    found.append(prefix + entry.name)
                elif left_out is not None:
                    left_out[os.path.splitext(entry.name)[1].lower()] += 1
    return sorted(found)


def left_out_lines(left_out: Counter[str], globs: Iterable[str]) -> list[str]:
    """What the summary says of files the globs left out: documents whose reader is not
    installed first (adding their glob would only skip them), then the others."""
    unread = {ext: n for ext, n in left_out.items() if _install_for(ext)}
    lines = []
    if unread:
        total = sum(unread.values())
        commands = sorted({_install_for(ext) for ext in unread})
        install = commands[0] if len(commands) == 1 else "pip install 'cleanse[documents]'"
        lines.append(
            f"{total} document{'s' if total != 1 else ''} not read ({_kinds(Counter(unread))}): "
            f"their reader is an optional extra; {install}, then run again"
        )
    rest = Counter({ext: n for ext, n in left_out.items() if ext not in unread})
    total = sum(rest.values())
    if total:
        example = next((ext for ext, _ in rest.most_common() if ext), None)
        wanted = [*globs, f"*{example}" if example else "*"]
        lines.append(
            f"{total} file{'s' if total != 1 else ''} left out by the glob ({_kinds(rest)}); "
            f"to clean them too, give every pattern: {' '.join(f'--glob {g!r}' for g in wanted)}"
        )
    return lines


def _kinds(counts: Counter[str]) -> str:
    kinds = ", ".join(f"{n} *{ext}" if ext else f"{n} without extension" for ext, n in counts.most_common(5))
    return kinds + (", …" if len(counts) > 5 else "")


def _install_for(ext: str) -> str:
    """The install command a document extension's reader needs ("" when none is needed)."""
    from .readers import format_of_name, missing_extra

    fmt = format_of_name(f"x{ext}")
    return (missing_extra(fmt) or "") if fmt else ""


class PassedOver(NamedTuple):
    """An entry of INPUT that is not cleaned, and why (it goes into the report)."""

    rel: str
    status: str  # "skipped" or "failed"
    reason: str
    message: str


_PASSED_OVER = {
    "symlink": "a symbolic link, not followed (it may lead out of INPUT); use --follow-symlinks",
    "not-a-file": "a FIFO, socket or device, not a file (reading it could block)",
    "broken-link": "a symbolic link that leads nowhere, or back to itself",
}


def _entry_kind(entry: os.DirEntry[str], follow_symlinks: bool) -> str:
    """ "dir", "file", or why the entry is passed over: a link not followed (it may leave INPUT
    or loop), a link that loops onto itself or leads nowhere, a FIFO, socket or device
    (reading one would block)."""
    try:
        if entry.is_symlink() and not follow_symlinks:
            return "symlink"
        if entry.is_dir():
            return "dir"
        if entry.is_file():
            return "file"
        return "broken-link" if entry.is_symlink() else "not-a-file"
    except OSError:  # ELOOP: a link pointing at itself
        return "broken-link"


def _identity(folder: str) -> tuple[int, int] | None:
    """(device, inode) of a folder: the same folder reached again through a link is a loop."""
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)
