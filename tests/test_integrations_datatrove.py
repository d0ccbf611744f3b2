"""cleanse.integrations.datatrove: CleanseFormatter in a real datatrove pipeline
(LocalPipelineExecutor, JsonlReader -> CleanseFormatter -> JsonlWriter), compared record by
record, stat by stat, with ``cleanse run --format jsonl`` on the same records."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("datatrove")
pytest.importorskip("orjson")

from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleanse import Cleaner
from cleanse.errors import OptionError
from cleanse.integrations.datatrove import CleanseFormatter
from cleanse.integrations.records import compact_entry
from integration_data import AD_DOC, TEXTS, as_bytes, cli_reference, read_jsonl, write_jsonl

DT_TEXTS = [t for t in TEXTS if t]  # datatrove's reader skips documents with no text


def run_pipeline(tmp: Path, step: CleanseFormatter, *, tasks: int = 1) -> tuple[dict[int, dict], dict]:
    """Documents written by the pipeline (by id) and the cleanse step's stats."""
    half = len(DT_TEXTS) // 2
    records = [{"id": f"d{i}", "text": t} for i, t in enumerate(DT_TEXTS)]  # the writer drops a falsy id
    write_jsonl(tmp / "in" / "a.jsonl", records[:half])
    write_jsonl(tmp / "in" / "b.jsonl", records[half:])
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(tmp / "in")), step, JsonlWriter(str(tmp / "out"), compression=None)],
        tasks=tasks,
        workers=tasks,
        logging_dir=str(tmp / "logs"),
    ).run()
    docs = {int(d["id"][1:]): d for path in sorted((tmp / "out").glob("*.jsonl")) for d in read_jsonl(path)}
    blocks = json.loads((tmp / "logs" / "stats.json").read_text(encoding="utf-8"))
    (stats,) = [b["stats"] for b in blocks if "cleanse" in b["name"]]
    return docs, stats


def total(stat: Any) -> int:
    """A datatrove stat's total (a bare int where every update added 1)."""
    return stat if isinstance(stat, int) else int(stat["total"])


def expected_stats(entries: list[dict]) -> Counter[str]:
    want: Counter[str] = Counter(total=len(entries), forwarded=len(entries))
    for e in entries:
        want["changed"] += e["changed"]
        want["flagged"] += bool(e["flags"])
        for key in ("removed", "changes", "flags"):
            for record in e[key]:
                want[f"{key}_{record['rule']}"] += 1
    return +want


def test_pipeline_output_metadata_and_stats_equal_the_cli(tmp_path: Path) -> None:
    texts, entries = cli_reference(tmp_path, DT_TEXTS)
    docs, stats = run_pipeline(tmp_path, CleanseFormatter(report="full"), tasks=2)
    assert sorted(docs) == list(range(len(DT_TEXTS)))
    for i, doc in docs.items():
        assert doc.get("text", "") == texts[i]  # the writer leaves out an empty text
        report = doc["metadata"]["cleanse"]
        assert report["path"] == f"d{i}"
        assert as_bytes(report) == as_bytes(entries[i])
    got = Counter({k: total(v) for k, v in stats.items() if k != "doc_len"})
    assert got == expected_stats(entries)
    assert got["removed_ads.dist.no-spread"] > 0 and any(k.startswith("flags_placeholder.") for k in got)


def test_counts_report_and_no_report(tmp_path: Path) -> None:
    _, entries = cli_reference(tmp_path, DT_TEXTS)
    docs, _ = run_pipeline(tmp_path / "counts", CleanseFormatter())
    assert [docs[i]["metadata"]["cleanse"] for i in sorted(docs)] == [compact_entry(e) for e in entries]
    docs, _ = run_pipeline(tmp_path / "off", CleanseFormatter(report="off", placeholders="off"))
    assert all("cleanse" not in d["metadata"] for d in docs.values())


def test_drop_empty_and_flagged_like_a_filter_with_an_exclusion_writer(tmp_path: Path) -> None:
    texts, entries = cli_reference(tmp_path, DT_TEXTS)
    empty = {i for i, t in enumerate(texts) if not t.strip()}
    flagged = {i for i, e in enumerate(entries) if e["flags"]} - empty
    assert empty and flagged
    step = CleanseFormatter(
        drop_empty=True,
        drop_flagged=True,
        exclusion_writer=JsonlWriter(str(tmp_path / "excluded"), compression=None),
    )
    docs, stats = run_pipeline(tmp_path, step)
    assert set(docs) == set(range(len(DT_TEXTS))) - empty - flagged
    excluded = {int(d["id"][1:]): d for d in read_jsonl(next((tmp_path / "excluded").glob("*.jsonl")))}
    assert set(excluded) == empty | flagged
    for i, doc in excluded.items():
        assert doc["metadata"]["filter_reason"] == ("cleanse_empty" if i in empty else "cleanse_flagged")
        assert as_bytes(doc["metadata"]["cleanse"]) == as_bytes(entries[i])  # full report: nothing lost
    assert total(stats["dropped"]) == len(empty | flagged)
    assert total(stats["dropped_cleanse_empty"]) == len(empty)
    assert total(stats["dropped_cleanse_flagged"]) == len(flagged)
    assert total(stats["forwarded"]) == len(docs)


def test_format_is_the_cleaned_text_and_options_reach_the_cleaner(tmp_path: Path) -> None:
    texts, _ = cli_reference(tmp_path, [AD_DOC], "--disable", "ads.dist.no-spread")
    step = CleanseFormatter(disable=["ads.dist.no-spread"])
    assert step.format(AD_DOC) == texts[0]
    assert "仅供学习" in step.format(AD_DOC) and "仅供学习" not in CleanseFormatter().format(AD_DOC)
    with pytest.raises(OptionError):
        CleanseFormatter(placeholders="sometimes")  # a bad option fails where the pipeline is defined


def test_a_failing_document_is_counted_and_forwarded_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    real = Cleaner.clean

    def flaky(self: Cleaner, doc: Any, *, source: str = "") -> Any:
        if getattr(doc, "source", None) == "bad":
            raise RuntimeError("boom")
        return real(self, doc, source=source)

    monkeypatch.setattr(Cleaner, "clean", flaky)
    step = CleanseFormatter(report="full")
    docs = [Document(text=AD_DOC, id="bad"), Document(text=AD_DOC, id="good")]
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == ["bad", "good"]
    assert out[0].text == AD_DOC and out[0].metadata["cleanse"]["status"] == "failed"
    assert "boom" in out[0].metadata["cleanse"]["error"]
    assert out[1].text != AD_DOC
    assert step.stats["failed"].total == 1 and step.stats["total"].total == 2


def test_the_step_pickles_without_its_cleaner() -> None:
    import pickle

    step = CleanseFormatter(placeholders="off")
    step.format(AD_DOC)
    again = pickle.loads(pickle.dumps(step))
    assert again._cleaner is None
    assert again.format(AD_DOC) == step.format(AD_DOC)
