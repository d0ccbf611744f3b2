"""The HTML review page: built without a browser (escaping, self-containment, size budget)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

from click.testing import CliRunner

from cleanse import report_html
from cleanse.cli import main
from cleanse.report import summarize
from cleanse.report_html import page_data, render_page, script_json

EVIL = "</script><!--<script>document.title='XSS'</script>\u2028&amp;"


def entry(path: str, **records: list) -> dict:
    base = {"path": path, "status": "ok", "changed": True, "encoding": "utf-8", "bytes_in": 10}
    return {**base, "removed": [], "changes": [], "flags": [], "error": None, **records}


def test_script_json_cannot_close_its_element() -> None:
    text = script_json({"t": EVIL})
    assert "</" not in text and "<!--" not in text and "<" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": EVIL}


def test_page_is_self_contained_and_only_its_script_may_run() -> None:
    page = render_page([entry(EVIL, removed=[{"rule": "r<i>", "line": 1, "text": EVIL}])])
    assert not re.search(r"<(link|img|iframe|object|embed)\b|\bsrc=|@import|url\(", page)
    assert not re.search(r'href="(?!#)', page)
    assert page.count("<script") == 2 and "<script>document.title" not in page and "</script><!--" not in page
    assert "r&lt;i&gt;" in page and "<i>" not in page  # a rule id in the SVG chart is escaped
    script = page.split("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp and f"script-src 'sha256-{digest}'" in csp[1] and "default-src 'none'" in csp[1]


def test_text_that_reads_like_a_template_slot_stays_text() -> None:
    """Issue 21: ``{{…}}`` in a rule id (or a title) was copied into the page and then filled."""
    rule = "old.{{DATA}}{{TOTALS}}"
    page = render_page(
        [entry("a.txt", removed=[{"rule": rule, "line": 1, "text": "x"}])], title="t {{CHARTS}}"
    )
    assert "old.{{DATA}}{{TOTALS}}" in page, "the chart label keeps the id as written"
    assert "t {{CHARTS}}" in page
    assert page.count("<script") == 2, "no data block was pasted into the chart"


def test_page_data_counts_every_document_and_interns_strings() -> None:
    ad = {"rule": "ads.x", "line": 1, "text": "仅供学习 禁止外传"}
    entries = [entry(f"d{i}.txt", removed=[ad]) for i in range(50)]
    data = page_data(entries, summarize(entries))
    assert len(data["docs"]) == 50
    assert data["strings"].count("仅供学习 禁止外传") == 1
    assert data["summary"]["rules"] == [{"rule": "ads.x", "documents": 50, "lines": 50, "records": 50}]


def test_details_past_the_budget_are_counted_not_embedded(monkeypatch) -> None:
    monkeypatch.setattr(report_html, "TEXT_BUDGET", 100)
    entries = [
        entry(f"d{i}.txt", removed=[{"rule": "r", "line": 1, "text": f"line {i:04d}" * 3}]) for i in range(20)
    ]
    data = page_data(entries, summarize(entries))
    kept = [d[10] for d in data["docs"] if d[10][0]]
    left = [d[10][3] for d in data["docs"] if not d[10][0]]
    assert kept and left and all(n == 1 for n in left)
    assert sum(len(s) for s in data["strings"]) <= 100
    assert all(d[4] == 1 for d in data["docs"])  # counts still cover every document


def test_contexts_run_out_before_record_texts(monkeypatch) -> None:
    monkeypatch.setattr(report_html, "CONTEXT_BUDGET", 50)
    flag = {"kind": "placeholder", "rule": "p", "line": 1, "col": 3, "text": "X", "category": "count"}
    entries = [
        entry(f"d{i}.txt", flags=[{**flag, "context": f"…共有X人参加会议{i:03d}…"}]) for i in range(20)
    ]
    data = page_data(entries, summarize(entries))
    flags = [d[10][2] for d in data["docs"]]
    assert all(len(f) == 1 for f in flags)  # every flag is still shown
    with_context = [f[0][5] for f in flags if f[0][5] >= 0]
    assert 0 < len(with_context) < 20


def test_documents_keep_fewer_records_on_large_runs() -> None:
    assert report_html.records_per_document(100) == report_html.MAX_RECORDS
    assert report_html.MIN_RECORDS <= report_html.records_per_document(100_000) < report_html.MAX_RECORDS
    removed = [{"rule": "r", "line": n, "text": f"ad {n}"} for n in range(300)]
    data = page_data([entry("a.txt", removed=removed)], summarize([entry("a.txt", removed=removed)]))
    assert len(data["docs"][0][10][0]) == report_html.MAX_RECORDS
    assert data["docs"][0][10][3] == 300 - report_html.MAX_RECORDS


def test_warnings_are_embedded() -> None:
    entries = [{**entry("a.txt"), "warnings": ["empty file"]}]
    data = page_data(entries, summarize(entries))
    assert [data["strings"][i] for i in data["docs"][0][11]] == ["empty file"]


def test_long_texts_are_trimmed() -> None:
    entries = [entry("a.txt", removed=[{"rule": "r", "line": 1, "text": "广告" * 1000}])]
    data = page_data(entries, summarize(entries))
    assert max(len(s) for s in data["strings"]) <= report_html.MAX_TEXT


def test_report_command_builds_the_page(tmp_path: Path) -> None:
    entries = [entry("a.txt", removed=[{"rule": "ads.x", "line": 2, "text": "广告"}]), entry("b.txt")]
    report = tmp_path / "r.jsonl"
    report.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), encoding="utf-8")
    out = tmp_path / "page.html"
    result = CliRunner().invoke(main, ["report", str(report), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert 'data-key="documents"><b>2</b>' in page and 'data-key="lines removed"><b>1</b>' in page


def test_report_command_rejects_a_non_report(tmp_path: Path) -> None:
    bad = tmp_path / "r.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(bad), "-o", str(tmp_path / "p.html")])
    assert result.exit_code == 2 and "cleanse run --report" in result.output


def test_report_entries_carry_short_contexts(sample_bytes: bytes) -> None:
    from cleanse.pipeline import Cleaner
    from cleanse.report import CONTEXT, document_entry

    doc = Cleaner().clean_bytes(sample_bytes)
    e = document_entry("s.txt", doc)
    lines = doc.text.splitlines()
    assert e["flags"]
    for f in e["flags"]:
        ctx, line = f["context"], lines[f["line"] - 1]
        assert ctx.strip("…") in line and len(ctx) <= 2 * CONTEXT + len(f["text"]) + 2
        at = 1 + CONTEXT if ctx.startswith("…") else f["col"] - 1  # where the page highlights it
        assert ctx[at : at + len(f["text"])] == f["text"]
    semis = [c for c in e["changes"] if c["after"] == "；"]
    assert semis and all("；" in c["context"] for c in semis)
    assert len({c["context"] for c in semis}) == len(semis)  # each change placed at its own position
