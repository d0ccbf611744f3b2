"""datatrove: ``CleanseFormatter``, a formatter step that cleans ``Document.text``.

    LocalPipelineExecutor(pipeline=[JsonlReader("in/"), CleanseFormatter(), JsonlWriter("out/")])

Why a formatter and not a filter: cleanse rewrites text (a formatter's job) and only drops a
document when asked to (``drop_empty``, ``drop_flagged``), which it then does the way
datatrove's filters do: ``dropped`` and ``dropped_<reason>`` stats, the document handed to an
``exclusion_writer`` with ``metadata["filter_reason"]``.

Stats, in the step's block of ``stats.json`` beside datatrove's own: ``total``, ``forwarded``,
``changed``, ``flagged``, ``skipped`` (text not a string), ``failed``, and per rule id
``removed_<rule>``, ``changes_<rule>``, ``flags_<rule>`` (records of that rule, summed over
documents, like a filter's ``dropped_<reason>``).

The Cleaner is built in each worker on its first document (the step pickles only its
arguments, and rule files are read where the step runs).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..pipeline import Cleaner
from .records import build_cleaner, clean_value, compact_entry, needs, rule_counts

_base = needs("datatrove.pipeline.formatters.base", "datatrove", "cleanse.integrations.datatrove")

REPORT_MODES = ("off", "counts", "full")
STAT_PREFIX = {"removed": "removed_", "changes": "changes_", "flags": "flags_"}


class CleanseFormatter(_base.BaseFormatter):  # type: ignore[misc, name-defined]
    """Clean each document's text with cleanse.

    Args:
        rules: rule files or folders added to the default rules (like ``--rules``).
        disable, enable: rule ids turned off / on (like ``--disable`` / ``--enable``).
        report: ``"off"``, ``"counts"`` (records counted by rule, the default) or ``"full"``
            (the whole report entry of ``cleanse run``) stored in ``doc.metadata[metadata_key]``.
        metadata_key: where the report goes in ``doc.metadata`` (default ``"cleanse"``).
        drop_empty: drop documents left with no text but whitespace (reason ``cleanse_empty``).
        drop_flagged: drop documents with flags, e.g. placeholders (reason ``cleanse_flagged``).
        exclusion_writer: a datatrove writer that receives the dropped documents (cleaned
            text, the full report in metadata whatever ``report`` says: removed text is never lost).
        **options: Cleaner options (``placeholders="off"``, ``indent="strip"`` …).
    """

    name = "🧹 cleanse"

    def __init__(
        self,
        rules: str | Path | Iterable[str | Path] = (),
        *,
        disable: Iterable[str] = (),
        enable: Iterable[str] = (),
        report: str = "counts",
        metadata_key: str = "cleanse",
        drop_empty: bool = False,
        drop_flagged: bool = False,
        exclusion_writer: Any = None,
        **options: Any,
    ) -> None:
        super().__init__()
        if report not in REPORT_MODES:
            raise ValueError(f"report={report!r}: choose one of {', '.join(REPORT_MODES)}")
        self.rules = [str(rules)] if isinstance(rules, str | Path) else [str(r) for r in rules]
        self.disable, self.enable = list(disable), list(enable)
        self.options = options
        self.report = report
        self.metadata_key = metadata_key
        self.drop_empty, self.drop_flagged = drop_empty, drop_flagged
        self.exclusion_writer = exclusion_writer
        self._cleaner: Cleaner | None = build_cleaner(
            rules=self.rules, disable=self.disable, enable=self.enable, **options
        )  # built here too, so a bad rule file or option fails when the pipeline is defined

    @property
    def cleaner(self) -> Cleaner:
        """This worker's Cleaner (built on first use after unpickling)."""
        if self._cleaner is None:
            self._cleaner = build_cleaner(
                rules=self.rules, disable=self.disable, enable=self.enable, **self.options
            )
        return self._cleaner

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_cleaner"] = None  # each worker builds its own from the arguments
        return state

    def format(self, text: str) -> str:
        """The cleaned text (datatrove's formatter interface); ``run`` adds stats and reports."""
        return self.clean(text, "")[0]

    def clean(self, text: Any, source: str) -> tuple[Any, dict[str, Any]]:
        """(cleaned text, report entry) for one text, as ``cleanse run --format jsonl`` makes them."""
        return clean_value(self.cleaner, text, source)

    def _count(self, entry: dict[str, Any]) -> None:
        status = entry["status"]
        if status != "ok":
            self.stat_update(status)
            return
        if entry["changed"]:
            self.stat_update("changed")
        if entry["flags"]:
            self.stat_update("flagged")
        for key, counts in rule_counts(entry).items():
            for rule, n in counts.items():
                self.stat_update(STAT_PREFIX[key] + rule, value=n)

    def _drop_reason(self, text: Any, entry: dict[str, Any]) -> str | None:
        if self.drop_empty and entry["status"] == "ok" and not text.strip():
            return "cleanse_empty"
        if self.drop_flagged and entry["flags"]:
            return "cleanse_flagged"
        return None

    def run(self, data: Any, rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        """Clean, count and report each document; drop the ones asked for."""
        with self.exclusion_writer if self.exclusion_writer else contextlib.nullcontext() as writer:
            for doc in data:
                self.stat_update("total")
                with self.track_time():
                    doc.text, entry = self.clean(doc.text, str(doc.id))
                self._count(entry)
                if self.report == "full":
                    doc.metadata[self.metadata_key] = entry
                elif self.report == "counts":
                    doc.metadata[self.metadata_key] = compact_entry(entry)
                reason = self._drop_reason(doc.text, entry)
                if reason is None:
                    self.stat_update("forwarded")
                    self.update_doc_stats(doc)
                    yield doc
                    continue
                self.stat_update("dropped", f"dropped_{reason}")
                if writer is not None:
                    doc.metadata["filter_reason"] = reason
                    doc.metadata[self.metadata_key] = entry
                    writer.write(doc, rank)
