"""Cleaner as a drop-in step: pickling, pandas Series.map / DataFrame.apply, datasets.map."""

from __future__ import annotations

import os
import pickle
from collections import defaultdict

import pytest

from cleanse import Cleaner
from conftest import SAMPLE

TEXTS = [SAMPLE.read_text(encoding="utf-8", errors="replace")[i * 400 : (i + 1) * 400] for i in range(12)] + [
    "正文,内容;结束.",
    "",
]


def test_cleaner_pickles_small_and_cleans_the_same() -> None:
    cleaner = Cleaner()
    blob = pickle.dumps(cleaner)
    again = pickle.loads(blob)
    assert b"regex" not in blob  # rules and options only; patterns compile in the new process
    assert [again.clean(t).text for t in TEXTS] == [cleaner.clean(t).text for t in TEXTS]


def test_pandas_series_map_and_dataframe_apply() -> None:
    pd = pytest.importorskip("pandas")
    cleaner = Cleaner()
    series = pd.Series(TEXTS, name="text")
    cleaned = series.map(lambda t: cleaner.clean(t).text)
    assert cleaned.tolist() == [cleaner.clean(t).text for t in TEXTS]
    frame = pd.DataFrame({"id": range(len(TEXTS)), "text": TEXTS})
    counts = frame.apply(lambda row: len(cleaner.clean(row["text"]).removed), axis=1)
    assert counts.tolist() == [len(cleaner.clean(t).removed) for t in TEXTS]


def clean_batch_with_pid(batch: dict, cleaner: Cleaner) -> dict:
    """A batched ``datasets`` function; pid and cleaner id show where and by what it ran."""
    docs = [cleaner.clean(t) for t in batch["text"]]
    n = len(docs)
    return {
        "text": [d.text for d in docs],
        "removed": [len(d.removed) for d in docs],
        "pid": [os.getpid()] * n,
        "cleaner": [id(cleaner)] * n,
    }


def test_datasets_map_batched_num_proc_2() -> None:
    datasets = pytest.importorskip("datasets")
    cleaner = Cleaner()
    texts = TEXTS * 20
    ds = datasets.Dataset.from_dict({"text": texts})
    out = ds.map(
        clean_batch_with_pid,
        fn_kwargs={"cleaner": cleaner},
        batched=True,
        batch_size=16,
        num_proc=2,
        load_from_cache_file=False,
    )
    assert out["text"] == [cleaner.clean(t).text for t in texts]
    cleaners_per_pid: dict[int, set[int]] = defaultdict(set)
    for pid, cid in zip(out["pid"], out["cleaner"], strict=True):
        cleaners_per_pid[pid].add(cid)
    assert len(cleaners_per_pid) == 2  # really two processes
    assert all(len(ids) == 1 for ids in cleaners_per_pid.values())  # one Cleaner (one compile) each
