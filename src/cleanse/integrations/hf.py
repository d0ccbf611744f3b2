"""Hugging Face ``datasets``: clean one text column of a Dataset, in parallel, with the report.

``datasets`` pickles the map function's arguments into each worker process; a Cleaner
pickles small (rules and options) and compiles its rules once there, so ``num_proc=N``
builds N Cleaners, not one per batch.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .records import build_cleaner, check_installed, clean_value, needs

if TYPE_CHECKING:
    from ..pipeline import Cleaner

check_installed("datasets", "hf", "cleanse.integrations.hf")

REPORT_COLUMN = "cleanse"


def _clean_batch(
    batch: dict[str, list[Any]],
    indices: list[int],
    cleaner: Cleaner,
    text_column: str,
    report_column: str | None,
) -> dict[str, list[Any]]:
    texts: list[Any] = []
    reports: list[str] = []
    for value, index in zip(batch[text_column], indices, strict=True):
        text, entry = clean_value(cleaner, value, str(index))
        texts.append(text)
        reports.append(json.dumps(entry, ensure_ascii=False))
    out: dict[str, list[Any]] = {text_column: texts}
    if report_column:
        out[report_column] = reports
    return out


def clean_dataset(
    ds: Any,
    *,
    text_column: str = "text",
    report_column: str | None = REPORT_COLUMN,
    num_proc: int | None = None,
    batch_size: int = 1000,
    cleaner: Cleaner | None = None,
    **cleaner_args: Any,
) -> Any:
    """``ds`` with ``text_column`` cleaned and, unless ``report_column`` is None, a column of
    that name holding each row's report entry as a JSON string (``json.loads`` it; the entry
    of ``cleanse run --format jsonl`` for that record, ``path`` being the row index).

    None cells stay None (reported ``skipped``). Every other column is kept. Build options:
    ``cleaner=`` a ready Cleaner, or ``rules=``, ``disable=``, ``enable=`` and Cleaner options
    (``placeholders="off"`` …). A ``DatasetDict`` is cleaned split by split.
    """
    datasets = needs("datasets", "hf", "cleanse.integrations.hf")
    cleaner = build_cleaner(cleaner, **cleaner_args)
    if isinstance(ds, datasets.DatasetDict):
        return datasets.DatasetDict(
            {
                name: clean_dataset(
                    split,
                    text_column=text_column,
                    report_column=report_column,
                    num_proc=num_proc,
                    batch_size=batch_size,
                    cleaner=cleaner,
                )
                for name, split in ds.items()
            }
        )
    if text_column not in ds.column_names:
        raise InputError(
            f"no column {text_column!r} (columns: {', '.join(ds.column_names)}); pass text_column="
        )
    if report_column and report_column in ds.column_names:
        raise InputError(f"column {report_column!r} already exists; pass another report_column=")
    return ds.map(
        _clean_batch,
        with_indices=True,
        batched=True,
        batch_size=batch_size,
        num_proc=num_proc,
        fn_kwargs={"cleaner": cleaner, "text_column": text_column, "report_column": report_column},
        desc="cleanse",
    )
