"""The HTML review page in a real headless browser (Debian's chromium; CI installs it).

Each test loads a page built by ``cleanse run --html`` with ``chromium --dump-dom`` and reads
the DOM the page's script rendered: totals, the rows a filter in the URL fragment leaves, and
that a document full of HTML and script shows as text and runs nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from cleanse.cli import main
from cleanse.report import summarize
from cleanse.report_html import flag_tag
from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed: `apt-get install -y chromium` (.ci/run installs it)",
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RULES = """
[[rule]]
id = "t.promo"
stage = "boilerplate"
why = "Test promotion."
pattern = '火星俱乐部'
zone = "anywhere"
action = "drop-line"
long_lines = true
examples.match = ["火星俱乐部我们"]
examples.keep = ["关注"]
"""
XSS_NAME = "<img src=x onerror=document.body.setAttribute('data-xss',1)>.txt"
XSS_LINE = "火星俱乐部<script>document.title='XSS';document.body.setAttribute('data-xss','2')</script>"
XSS_LINE2 = "火星俱乐部</script><!--<img src=x onerror=\"document.title='XSS'\">-->"


class Dom(HTMLParser):
    """What the tests read from a dumped DOM: rows, totals, title, scripts, text by class."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.texts: dict[str, list[str]] = {}
        self.attrs: dict[str, dict[str, str | None]] = {}
        self.scripts = 0
        self.totals: dict[str, str] = {}
        self._key: str | None = None
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.attrs.setdefault(tag, a)
        self.scripts += tag == "script"
        if tag == "div" and a.get("data-key"):
            self._key = a["data-key"]
        self.stack.append((tag, a.get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if not self.stack:
            return
        tag, cls = self.stack[-1]
        key = f"{tag}.{cls.split()[0]}" if cls else tag
        self.texts.setdefault(key, []).append(data)
        if tag == "b" and self._key:
            self.totals[self._key] = data
            self._key = None


def browse(page: Path, fragment: str, profile: Path, *extra: str) -> str:
    """Load the page headless; fail on any script error or refused (CSP) action it logs."""
    url = page.as_uri() + "#" + fragment
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    errors = [line for line in done.stderr.splitlines() if "Uncaught" in line or "Refused to" in line]
    assert not errors, errors
    return done.stdout


def dom(page: Path, fragment: str, profile: Path) -> Dom:
    return Dom(browse(page, fragment, profile, "--dump-dom"))


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    base = tmp_path_factory.mktemp("run")
    src = base / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("火星俱乐部我们\n正文第一段内容，这是一个完整的句子。\n", encoding="utf-8")
    (src / "sub" / "b.txt").write_text("会议共有X人参加，这是一个完整的句子。\n", encoding="utf-8")
    (src / "c.txt").write_text("干净的文本。\n", encoding="utf-8")
    (src / "d.txt").write_bytes(b"\x00\x01\x02binary")
    (src / XSS_NAME).write_text(f"{XSS_LINE}\n{XSS_LINE2}\n正文内容。\n", encoding="utf-8")
    rules = base / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    page, report = base / "page.html", base / "report.jsonl"
    args = ["run", str(src), str(base / "out"), "--rules", str(rules), "-j", "1", "-q"]
    result = CliRunner().invoke(main, [*args, "--report", str(report), "--html", str(page)])
    assert result.exit_code == 0, result.output
    entries = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    return page, entries


def rows(d: Dom) -> list[str]:
    return d.texts.get("td.path", [])


def test_totals_match_the_report(small_run: tuple[Path, list[dict]], tmp_path: Path) -> None:
    page, entries = small_run
    d = dom(page, "", tmp_path)
    summary = summarize(entries)
    assert d.totals["documents"] == str(len(entries)) == "5"
    assert d.totals["cleaned"] == str(summary.cleaned)
    assert d.totals["skipped"] == str(summary.skipped) == "1"
    assert d.totals["lines removed"] == str(sum(len(e["removed"]) for e in entries))
    assert d.totals["flags"] == str(sum(len(e["flags"]) for e in entries))
    assert sorted(rows(d)) == sorted(e["path"] for e in entries)
    assert int(d.attrs["html"]["data-render-ms"] or 0) < 2000


def test_filter_by_rule_shows_exactly_its_documents(
    small_run: tuple[Path, list[dict]], tmp_path: Path
) -> None:
    page, entries = small_run
    expected = sorted(e["path"] for e in entries if any(r["rule"] == "t.promo" for r in e["removed"]))
    assert expected == sorted(["a.txt", XSS_NAME])
    d = dom(page, "rule=t.promo", tmp_path)
    assert sorted(rows(d)) == expected
    assert f"{len(expected)} of 5 documents" in d.texts["span"]


def test_filter_by_status_and_flag(small_run: tuple[Path, list[dict]], tmp_path: Path) -> None:
    page, entries = small_run
    assert rows(dom(page, "status=skipped", tmp_path)) == ["d.txt"]
    tags = {e["path"]: {flag_tag(f) for f in e["flags"]} for e in entries}
    for tag in sorted(set().union(*tags.values()))[:1]:
        flagged = sorted(path for path, found in tags.items() if tag in found)
        assert sorted(rows(dom(page, f"flag={quote(tag)}", tmp_path))) == flagged


def test_document_html_is_shown_as_text_and_never_runs(
    small_run: tuple[Path, list[dict]], tmp_path: Path
) -> None:
    page, _ = small_run
    d = dom(page, f"open={quote(XSS_NAME, safe='')}", tmp_path)
    assert XSS_NAME in rows(d)
    removed = d.texts.get("span.txt", [])
    assert XSS_LINE in removed and XSS_LINE2 in removed  # shown, as text
    assert d.scripts == 2  # the data and the page's own script; nothing injected
    assert "data-xss" not in d.attrs["body"]
    assert "".join(d.texts["title"]).startswith("cleanse review")


def test_screenshot_for_ci_artifacts(small_run: tuple[Path, list[dict]], tmp_path: Path) -> None:
    page, _ = small_run
    shot = ROOT / "build" / "review-page.png"
    shot.parent.mkdir(exist_ok=True)
    shot.unlink(missing_ok=True)
    fragment = f"open={quote('a.txt')}"
    browse(page, fragment, tmp_path, f"--screenshot={shot}", "--window-size=1280,1200")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_devset_page_loads_fast_with_right_totals(devset_dir: Path, tmp_path: Path) -> None:
    page, report = tmp_path / "dev.html", tmp_path / "dev.jsonl"
    args = ["run", str(devset_dir / "in"), str(tmp_path / "out"), "-j", "2", "-q"]
    result = CliRunner().invoke(main, [*args, "--report", str(report), "--html", str(page)])
    assert result.exit_code == 0, result.output
    entries = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    start = time.perf_counter()
    d = dom(page, "", tmp_path)
    wall = time.perf_counter() - start
    assert d.totals["documents"] == str(len(entries))
    assert d.totals["lines removed"] == f"{sum(len(e['removed']) for e in entries):,}"
    assert int(d.attrs["html"]["data-render-ms"] or 0) < 2000, "page rendered in under 2 s"
    assert wall < 30


def synthetic_entry(n: int) -> dict:
    """A report entry like a real run's: repeated ad lines, a change, unique flag contexts."""
    ad = "广告行{} 仅供学习 禁止外传 会员群：免费QQ群：{}"
    flag = {"kind": "placeholder", "rule": "placeholder.x-count", "col": 17, "text": "X", "category": "count"}
    return {
        "path": f"part{n // 1000:03d}/doc{n:06d}.txt",
        "status": "ok",
        "changed": True,
        "encoding": ("utf-8", "gb18030", "big5")[n % 3],
        "bytes_in": 5000,
        "removed": [{"rule": f"ads.r{k}", "line": k + 1, "text": ad.format(k, n % 40)} for k in range(n % 8)],
        "changes": [{"rule": "punct.semicolon", "line": 40, "before": ";", "after": "；"}] * (n % 3),
        "flags": [{**flag, "line": 9 + k, "context": f"…共有干部{n}X人，其中{k}…"} for k in range(n % 4)],
        "error": None,
    }


@pytest.mark.slow
def test_page_of_a_large_run_stays_usable(tmp_path: Path) -> None:
    """20,000 documents by default (CLEANSE_HTML_DOCS=100000 for the full size)."""
    from cleanse.report_html import write_page

    count = int(os.environ.get("CLEANSE_HTML_DOCS", "20000"))
    page = tmp_path / "big.html"
    write_page(page, [synthetic_entry(n) for n in range(count)])
    assert page.stat().st_size < 400 * count
    d = dom(page, "rule=ads.r6", tmp_path)
    assert f"{sum(1 for n in range(count) if n % 8 > 6)} of {count} documents" in d.texts["span"]
    assert len(rows(d)) == 100  # one page of rows, rendered lazily
    assert int(d.attrs["html"]["data-render-ms"] or 0) < 5000


def test_sort_from_the_url(small_run: tuple[Path, list[dict]], tmp_path: Path) -> None:
    page, entries = small_run
    expected = [
        e["path"] for e in sorted(entries, key=lambda e: (len(e["removed"]), e["path"]), reverse=True)
    ]
    assert rows(dom(page, "sort=removed&desc=1", tmp_path)) == expected


def test_a_documents_records_show_where_they_were(tmp_path: Path) -> None:
    """A PDF's removed running header shows its page and line next to its line number, as the
    report's `where` says; a text file's rows stay plain line numbers."""
    pytest.importorskip("pypdf")
    import random

    import documents_gen as gen

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.pdf").write_bytes(gen.pdf_bytes(gen.pdf_paragraphs(random.Random(4), 12), per_page=6))
    (src / "b.txt").write_text("仅供学习 禁止外传\n正文第一段内容，这是一个完整的句子。\n", encoding="utf-8")
    page = tmp_path / "page.html"
    result = CliRunner().invoke(
        main, ["run", str(src), str(tmp_path / "out"), "-j", "1", "-q", "--html", str(page)]
    )
    assert result.exit_code == 0, result.output
    labels = dom(page, "open=a.pdf", tmp_path / "p1").texts.get("td.ln", [])
    assert "L1 · page 1, line 1" in labels and any("· page 2, line" in label for label in labels)
    assert dom(page, "open=b.txt", tmp_path / "p2").texts.get("td.ln", []) == ["L1"]
