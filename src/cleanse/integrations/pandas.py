"""pandas: clean a Series of texts, keeping its index, with the report as a DataFrame.

``clean_series(s)`` (or the accessor ``s.cleanse.clean()``, registered when this module is
imported) returns ``(cleaned, report)``: the cleaned Series with the same index and name, and
one report row per cell on that index — so ``report[report.flags > 0].index`` selects the
documents to look at, and ``df.loc[...]`` joins back without any bookkeeping.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .records import build_cleaner, clean_value, needs, rule_counts

if TYPE_CHECKING:
    from ..pipeline import Cleaner

pd = needs("pandas", "pandas", "cleanse.integrations.pandas")

REPORT_COLUMNS = ("status", "changed", "removed", "changes", "flags", "error", "entry")
"""The report's columns: counts of records (``removed``, ``changes``, ``flags``, caps
included) beside the whole report entry (``entry``, a dict as ``cleanse run`` writes it)."""


def clean_series(series: Any, *, cleaner: Cleaner | None = None, **cleaner_args: Any) -> tuple[Any, Any]:
    """(cleaned Series, report DataFrame), both on ``series.index``.

    Missing cells (None, NaN, ``pd.NA``) and values that are not text come back unchanged,
    reported ``skipped``; a cell whose cleaning fails comes back unchanged, reported
    ``failed``. ``source``/``path`` of each entry is the cell's index label. Build options as
    in :func:`cleanse.integrations.records.build_cleaner`.
    """
    cleaner = build_cleaner(cleaner, **cleaner_args)
    texts: list[Any] = []
    rows: list[tuple[Any, ...]] = []
    for label, value in series.items():
        text, entry = clean_value(cleaner, value, str(label))
        texts.append(text)
        counts = rule_counts(entry)
        totals = [sum(counts[key].values()) for key in ("removed", "changes", "flags")]
        rows.append((entry["status"], entry["changed"], *totals, entry["error"], entry))
    # A text dtype stays (object or str); any other (category, numbers) is inferred again, as
    # cleaned texts may be values the old dtype cannot hold.
    dtype = series.dtype if pd.api.types.is_string_dtype(series.dtype) else None
    cleaned = pd.Series(texts, index=series.index, name=series.name, dtype=dtype)
    report = pd.DataFrame.from_records(rows, columns=list(REPORT_COLUMNS), index=series.index)
    return cleaned, report


@pd.api.extensions.register_series_accessor("cleanse")
class CleanseAccessor:
    """``series.cleanse.clean(**options)``: :func:`clean_series` as a method."""

    def __init__(self, series: Any) -> None:
        self._series = series

    def clean(self, *, cleaner: Cleaner | None = None, **cleaner_args: Any) -> tuple[Any, Any]:
        return clean_series(self._series, cleaner=cleaner, **cleaner_args)
