"""cleanse.integrations: the shared record cleaning, Hugging Face datasets and pandas, each
through the real library and compared with ``cleanse run --format jsonl`` on the same records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleanse import Cleaner
from cleanse.integrations.records import build_cleaner, clean_value, compact_entry
from integration_data import AD_DOC, MISSING, PLACEHOLDER_DOC, TEXTS, USER_RULE, as_bytes, cli_reference


def test_importing_cleanse_and_integrations_loads_no_pipeline_library() -> None:
    code = (
        "import sys, cleanse, cleanse.integrations, cleanse.integrations.records\n"
        "print(sorted(m for m in ('datatrove', 'datasets', 'pandas', 'data_juicer') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(
    ("module", "extra"),
    [("datatrove", "datatrove"), ("hf", "hf"), ("pandas", "pandas"), ("datajuicer", "datajuicer")],
)
def test_a_missing_library_names_the_extra_to_install(module: str, extra: str) -> None:
    """With the library hidden, importing the integration says which pip command fixes it."""
    hidden = {"datatrove": "datatrove", "hf": "datasets", "pandas": "pandas", "datajuicer": "data_juicer"}[
        module
    ]
    code = (
        f"import sys; sys.modules[{hidden!r}] = None\n"
        f"try:\n    import cleanse.integrations.{module}\n"
        "except ImportError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert f"needs {hidden}: pip install 'cleanse[{extra}]'" in out


def test_clean_value_is_the_clis_record_cleaning(tmp_path: Path) -> None:
    values = [*TEXTS, *MISSING, 7]
    texts, entries = cli_reference(tmp_path, values)
    cleaner = Cleaner()
    for i, value in enumerate(values):
        text, entry = clean_value(cleaner, value, f"doc-{i}")
        assert text == texts[i]
        assert entry["path"] == f"doc-{i}"
        assert as_bytes(entry) == as_bytes(entries[i])
    assert entries[0]["removed"] and entries[1]["flags"]  # the records really exercise the rules


def test_a_document_that_fails_is_reported_and_left_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    cleaner = Cleaner()

    def boom(self: Cleaner, doc: object, *, source: str = "") -> object:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Cleaner, "clean", boom)
    text, entry = clean_value(cleaner, AD_DOC, "row-3")
    assert text == AD_DOC
    assert entry["status"] == "failed" and entry["path"] == "row-3"
    assert "RuntimeError: disk on fire" in entry["error"]


def test_compact_entry_counts_records_by_rule() -> None:
    _, entry = clean_value(Cleaner(), AD_DOC + PLACEHOLDER_DOC, "d")
    compact = compact_entry(entry)
    for key in ("removed", "changes", "flags"):
        expected: dict[str, int] = {}
        for record in entry[key]:
            expected[record["rule"]] = expected.get(record["rule"], 0) + 1
        assert compact[key] == expected
    assert compact["removed"] and compact["flags"] and compact["status"] == "ok"


def test_build_cleaner_takes_rules_disable_and_options(tmp_path: Path) -> None:
    rules = tmp_path / "my.toml"
    rules.write_text(USER_RULE, encoding="utf-8")
    texts, _ = cli_reference(tmp_path, [AD_DOC], "--rules", str(rules))
    assert build_cleaner(rules=rules).clean(AD_DOC).text == texts[0]
    assert "各位同志" not in texts[0] and "各位同志" in build_cleaner().clean(AD_DOC).text
    plain = build_cleaner()
    no_ads = build_cleaner(disable=["ads.dist.no-spread"], placeholders="off")
    assert "仅供学习" not in plain.clean(AD_DOC).text
    assert "仅供学习" in no_ads.clean(AD_DOC).text
    assert not no_ads.clean(PLACEHOLDER_DOC).flags and plain.clean(PLACEHOLDER_DOC).flags
    with pytest.raises(Exception, match="not both"):
        build_cleaner(plain, placeholders="off")


# -- Hugging Face datasets ---------------------------------------------------------------------


def test_clean_dataset_matches_the_cli_and_keeps_other_columns(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    from cleanse.integrations.hf import clean_dataset

    values = [*TEXTS, *MISSING]
    texts, entries = cli_reference(tmp_path, values)
    ds = datasets.Dataset.from_dict({"id": list(range(len(values))), "text": values})
    out = clean_dataset(ds, num_proc=2, batch_size=3)
    assert out["id"] == list(range(len(values)))
    assert out["text"] == texts
    assert out["text"][len(TEXTS)] is None  # a missing cell stays missing
    reports = [json.loads(r) for r in out["cleanse"]]
    assert [r["path"] for r in reports] == [str(i) for i in range(len(values))]
    assert [as_bytes(r) for r in reports] == [as_bytes(e) for e in entries]
    assert reports[len(TEXTS)]["status"] == "skipped"


def test_clean_dataset_options_column_names_and_dataset_dict(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets")
    from cleanse.errors import InputError
    from cleanse.integrations.hf import clean_dataset

    texts, _ = cli_reference(tmp_path, TEXTS, "--placeholders", "off", "--disable", "ads.dist.no-spread")
    dd = datasets.DatasetDict(
        {
            "train": datasets.Dataset.from_dict({"content": TEXTS}),
            "test": datasets.Dataset.from_dict({"content": TEXTS[:2]}),
        }
    )
    out = clean_dataset(
        dd, text_column="content", report_column=None, placeholders="off", disable=["ads.dist.no-spread"]
    )
    assert out["train"]["content"] == texts and out["test"]["content"] == texts[:2]
    assert out["train"].column_names == ["content"]  # no report column asked for
    with pytest.raises(InputError, match="no column 'text'"):
        clean_dataset(dd["train"])
    with pytest.raises(InputError, match="already exists"):
        clean_dataset(dd["train"], text_column="content", report_column="content")


# -- pandas ------------------------------------------------------------------------------------


def test_clean_series_keeps_index_passes_missing_through_and_matches_the_cli(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    from cleanse.integrations.pandas import clean_series

    values = [*TEXTS, None, float("nan")]
    texts, entries = cli_reference(tmp_path, values[:-1])
    index = pd.Index([f"doc{i}" for i in range(len(values))], name="doc")
    series = pd.Series(values, index=index, name="body", dtype=object)
    cleaned, report = clean_series(series)
    assert cleaned.index.equals(index) and report.index.equals(index) and cleaned.name == "body"
    assert cleaned.tolist()[: len(TEXTS)] == texts[: len(TEXTS)]
    assert cleaned.iloc[-2] is None and cleaned.iloc[-1] != cleaned.iloc[-1]  # None and NaN kept
    assert [as_bytes(e) for e in report["entry"].iloc[:-1]] == [as_bytes(e) for e in entries]
    assert report["entry"].iloc[0]["path"] == "doc0"
    assert report.loc["doc0", "removed"] == len(entries[0]["removed"]) > 0
    assert report.loc["doc1", "flags"] == len(entries[1]["flags"]) > 0
    assert report.loc["doc3", "changes"] == len(entries[3]["changes"]) > 0
    assert report["status"].tolist()[-2:] == ["skipped", "skipped"]
    assert series.iloc[0] == TEXTS[0]  # the input is not modified


def test_series_accessor_equals_clean_series() -> None:
    pd = pytest.importorskip("pandas")
    from cleanse.integrations.pandas import clean_series

    frame = pd.DataFrame({"text": TEXTS}, index=range(100, 100 + len(TEXTS)))
    cleaned, report = frame["text"].cleanse.clean(placeholders="off")
    again, _ = clean_series(frame["text"], placeholders="off")
    assert cleaned.equals(again) and cleaned.dtype == frame["text"].dtype
    assert report["flags"].sum() == 0 and report.index.equals(frame.index)


def test_counts_include_records_past_the_per_rule_cap() -> None:
    """A document keeps 2,000 change records per rule and counts the rest in ``omitted``; the
    compact report and the pandas counts add them back."""
    text = "正文,内容" * 2500
    _, entry = clean_value(Cleaner(), text, "d")
    assert entry["omitted"]["punct.comma"] > 0
    commas = sum(r["rule"] == "punct.comma" for r in entry["changes"]) + entry["omitted"]["punct.comma"]
    assert compact_entry(entry)["changes"]["punct.comma"] == commas == text.count(",")
    pd = pytest.importorskip("pandas")
    from cleanse.integrations.pandas import clean_series

    _, report = clean_series(pd.Series([text]))
    assert report.loc[0, "changes"] == len(entry["changes"]) + sum(entry["omitted"].values())
