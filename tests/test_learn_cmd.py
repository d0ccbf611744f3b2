"""``cleanse learn`` and ``cleanse run --learn`` from the command line."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanse.cli import main
from test_corpus_gen import GenDoc, make_docs, write_docs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("learn") / "in"
    write_docs(root, make_docs())
    return root


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_run_learn_removes_platform_lines_and_no_body_line(corpus: Path, tmp_path: Path) -> None:
    out, report = tmp_path / "out", tmp_path / "report.jsonl"
    code, _, err = _invoke("run", str(corpus), str(out), "--learn", "--report", str(report), "-j", "1")
    assert code == 0, err
    assert (tmp_path / "report.learned.toml").is_file()
    assert "rule(s) from 360 documents" in err
    stamped = left = lost = 0
    for doc in make_docs():
        kept = _lines(out / doc.name)
        stamped += len(doc.stamp_lines)
        left += sum(line.strip() in kept for line in doc.stamp_lines)
        lost += sum(line.strip() not in kept for line in doc.body)
        if "同志们：" in doc.lines:
            assert kept.count("同志们：") == 1 and kept[-1] == "谢谢大家。"
    assert stamped > 300
    assert left <= 0.03 * stamped
    assert lost == 0


def test_run_without_learn_keeps_platform_lines(corpus: Path, tmp_path: Path) -> None:
    # the rules alone: the learned scorer takes some of these stamps on its own
    out = str(tmp_path / "out")
    code, _, _ = _invoke("run", str(corpus), out, "-j", "1", "-q", "--disable", "model.boilerplate")
    assert code == 0
    doc = next(d for d in make_docs() if d.stamped)
    assert set(doc.stamp_lines) <= set(_lines(tmp_path / "out" / doc.name))


def test_learn_writes_a_valid_rule_file(corpus: Path, tmp_path: Path) -> None:
    target = tmp_path / "learned.toml"
    code, _, err = _invoke(
        "learn", str(corpus), "-o", str(target), "-j", "1", "--disable", "model.boilerplate"
    )
    assert code == 0, err
    assert _invoke("rules", "check", str(target))[0] == 0
    code, stdout, _ = _invoke("rules", "test", str(target))
    assert code == 0 and "7 rules" in stdout and "0 failed" in stdout
    code, _, err = _invoke("rules", "list", "--rules", str(target))
    assert code == 0, err


def test_learn_is_the_same_for_any_jobs(corpus: Path) -> None:
    one = _invoke("learn", str(corpus), "-j", "1", "-q")
    two = _invoke("learn", str(corpus), "-j", "2", "-q")
    assert one[0] == two[0] == 0
    assert one[1] == two[1] and "[[rule]]" in one[1]


def test_learn_is_the_same_whatever_order_files_were_written(tmp_path: Path) -> None:
    docs = make_docs()
    write_docs(tmp_path / "a", docs)
    write_docs(tmp_path / "b", list(reversed(docs)))
    a = _invoke("learn", str(tmp_path / "a"), "-q", "-j", "1")[1]
    assert a == _invoke("learn", str(tmp_path / "b"), "-q", "-j", "1")[1]


def test_learn_rejects_bad_thresholds(corpus: Path) -> None:
    code, _, err = _invoke("learn", str(corpus), "--min-docs", "1")
    assert code == 2 and "--min-docs" in err
    code, _, err = _invoke("learn", str(tmp := corpus / "missing"))
    assert code == 2 and str(tmp) in err


def test_run_learn_without_report_writes_rules_beside_output_and_is_idempotent(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert _invoke("run", str(corpus), str(out), "--learn", "-q", "-j", "1")[0] == 0
    learned = tmp_path / "out.learned.toml"
    assert learned.is_file() and not list(out.glob("*.toml"))
    again = tmp_path / "again"
    code, _, err = _invoke("run", str(out), str(again), "--rules", str(learned), "-j", "1")
    assert code == 0 and "0 cleaned, 360 unchanged" in err


def test_learn_on_an_empty_folder_warns_and_writes_an_empty_valid_file(tmp_path: Path) -> None:
    target = tmp_path / "learned.toml"
    code, _, err = _invoke("learn", str(tmp_path), "-o", str(target))
    assert code == 0 and "warning: no readable files matching *.txt *.md" in err
    assert _invoke("rules", "check", str(target))[0] == 0


def _write_as_documents(root: Path, docs: list[GenDoc]) -> dict[str, GenDoc]:
    """A mixed download folder: every third document a .docx, every third a web page, the rest
    text; returns each one's output name (``a.docx`` -> ``a.txt``)."""
    from documents_gen import docx_lines_bytes

    root.mkdir(parents=True)
    by_output: dict[str, GenDoc] = {}
    for i, doc in enumerate(docs):
        stem = doc.name.removesuffix(".txt")
        if i % 3 == 0:
            (root / f"{stem}.docx").write_bytes(docx_lines_bytes(doc.lines))
        elif i % 3 == 1:
            page = "".join(f"<p>{html.escape(line)}</p>\n" if line else "<p></p>\n" for line in doc.lines)
            (root / f"{stem}.html").write_text(
                f"<!DOCTYPE html><html><body>\n{page}</body></html>\n", "utf-8"
            )
        else:
            (root / doc.name).write_text("\n".join(doc.lines) + "\n", "utf-8")
        by_output[doc.name] = doc
    return by_output


def test_run_learn_reads_word_and_web_pages_like_the_run_does(tmp_path: Path) -> None:
    """Learning used to read *.txt only, and a page's markup as text: on a folder of .docx and
    .html it learned nothing that matched the text the run cleans. It now reads them through
    the same readers, so their stamps are learned and removed, and no body line is lost."""
    pytest.importorskip("docx")
    pytest.importorskip("lxml")
    docs = make_docs(240)
    by_output = _write_as_documents(tmp_path / "in", docs)
    out, report = tmp_path / "out", tmp_path / "report.jsonl"
    code, _, err = _invoke(
        "run", str(tmp_path / "in"), str(out), "--learn", "--report", str(report), "-j", "1"
    )
    assert code == 0, err
    assert "rule(s) from 240 documents" in err
    learned = (tmp_path / "report.learned.toml").read_text(encoding="utf-8")
    assert "<p>" not in learned and "[[rule]]" in learned
    stamped = left = lost = 0
    for name, doc in by_output.items():
        kept = _lines(out / name)
        stamped += len(doc.stamp_lines)
        left += sum(line.strip() in kept for line in doc.stamp_lines)
        lost += sum(line.strip() not in kept for line in doc.body)
    assert stamped > 200
    assert left <= 0.03 * stamped
    assert lost == 0


def test_learn_with_format_text_reads_documents_as_text(tmp_path: Path) -> None:
    """``--format text`` reads every file as text in the run; --learn follows it."""
    pytest.importorskip("lxml")
    _write_as_documents(tmp_path / "in", make_docs(60))
    code, _, err = _invoke(
        "run",
        str(tmp_path / "in"),
        str(tmp_path / "out"),
        "--learn",
        "--format",
        "text",
        "--glob",
        "*.html",
        "-j",
        "1",
    )
    assert code == 0, err
    assert "rule(s) from 20 documents" in err
    learned = (tmp_path / "out.learned.toml").read_text(encoding="utf-8")
    assert "<p>" in learned, "rules learned from the lines the text run cleans: markup and all"


def test_run_learn_refuses_records_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    code, _, err = _invoke("run", str(tmp_path / "in"), str(tmp_path / "out"), "--learn", "--format", "jsonl")
    assert code == 2 and "--learn reads text files and documents, not jsonl records" in err
