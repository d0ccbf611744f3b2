"""What a run reads and writes, and how: the :class:`Job` every worker gets.

Its own module so that the runner and the record-file readers (``jsonl.py``) that it calls
both depend on it, and not on each other.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .io import check_landing, safe_output_str
from .readers import is_document, text_name

OUTPUT_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB: larger files are skipped with reason "too-large"
FORMATS = ("auto", "text", "jsonl", "parquet")


@dataclass(frozen=True)
class Job:
    """Where a run reads and writes, and how."""

    input_root: Path
    output_root: Path
    output_encoding: str = "utf-8"
    dry_run: bool = False
    durable: bool = False  # fsync every output (power-loss safety; ~0.2 ms a file on disk)
    single_file: bool | None = None  # INPUT is one file; looked up once here, not per file
    format: str = "auto"  # auto (by file name) | text | jsonl | parquet
    text_field: str = "text"
    meta_field: str | None = None
    track: bool = False  # hash every input for the resume manifest
    flagged_root: Path | None = None  # --skip-flagged: documents with placeholders go here
    max_bytes: int = DEFAULT_MAX_BYTES
    output_file: bool = False  # INPUT is one file and OUTPUT names the file to write (data.jsonl clean.jsonl)

    def __post_init__(self) -> None:
        if self.single_file is None:
            object.__setattr__(self, "single_file", self.input_root.is_file())

    @property
    def output_str(self) -> str:
        """OUTPUT as a string (os.path is cheaper than pathlib once per file)."""
        return os.fspath(self.output_root)

    def reads_documents(self, rel: str) -> bool:
        """Is ``rel`` read by a document reader (.docx, .html, .pdf, .doc ...: see
        :mod:`.readers`)? Only in ``auto`` format; ``--format text`` reads every file as text."""
        return self.format == "auto" and is_document(rel)

    def output_rel(self, rel: str) -> str:
        """The output's path relative to OUTPUT: ``rel``, or for a document its ``.txt`` name."""
        return text_name(rel) if self.reads_documents(rel) else rel

    def output_of(self, rel: str) -> str:
        """Where the cleaned ``rel`` is written: under OUTPUT, or OUTPUT itself when it names a
        file; never outside OUTPUT (see :func:`.io.safe_output_str`)."""
        path = self.output_str if self.output_file else safe_output_str(self.output_str, self.output_rel(rel))
        if not self.output_file:
            check_landing(path, os.fspath(self.input_root), self.output_str)
        return path

    def source(self, rel: str) -> Path:
        """The input file of a relative path."""
        return self.input_root if self.single_file else self.input_root / rel

    def settings(self) -> dict[str, Any]:
        """What, besides rules and Options, decides the outputs (for the resume config hash)."""
        return {
            "output_encoding": self.output_encoding,
            "format": self.format,
            "text_field": self.text_field,
            "meta_field": self.meta_field,
            "flagged_root": str(self.flagged_root) if self.flagged_root else None,
        }
