"""Word .docx, web pages (.html, .mhtml) and PDF in, clean text out (cleanse.readers).

For each format a real-looking file with ads in its header and footer is cleaned to the same
text as its .txt twin, and the report says where each removed line was. Hostile and broken
files give a clear entry and the run goes on.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import documents_gen as gen
from cleanse import readers
from cleanse.cli import main
from cleanse.readers import pdf as pdf_reader
from cleanse.readers import word, word_numbering

pytest.importorskip("docx")
pytest.importorskip("lxml")
pytest.importorskip("pypdf")
pytest.importorskip("reportlab")


def run(*args: object) -> object:
    return CliRunner().invoke(main, ["run", *map(str, args)], catch_exceptions=False)


def clean_folder(tmp: Path, files: dict[str, bytes], *extra: str) -> tuple[dict[str, str], dict[str, dict]]:
    """Run ``cleanse run`` on ``files``; the output texts and the report entries by path."""
    src, out, report = tmp / "in", tmp / "out", tmp / "report.jsonl"
    for rel, data in files.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(data)
    result = run(src, out, "--report", report, "-q", *extra)
    assert result.exit_code in (0, 1), result.output
    texts = {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in out.rglob("*") if p.is_file()}
    entries = {e["path"]: e for e in map(json.loads, report.read_text("utf-8").splitlines())}
    return texts, entries


def twin_output(tmp: Path, paras: list[str]) -> str:
    texts, _ = clean_folder(tmp / "twin", {"doc.txt": gen.twin_text(paras).encode("utf-8")})
    return texts["doc.txt"]


# -- each format against its .txt twin ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("doc.docx", gen.docx_bytes),
        ("doc.html", gen.html_bytes),
        ("doc.htm", lambda paras: gen.html_bytes(paras, "gbk")),
        ("doc.mhtml", gen.mhtml_bytes),
    ],
)
def test_document_is_cleaned_like_its_txt_twin(tmp_path: Path, name: str, make) -> None:
    paras = gen.body(random.Random(name), 6)
    texts, entries = clean_folder(tmp_path, {name: make(paras)})
    assert texts == {"doc.txt": twin_output(tmp_path, paras)}
    entry = entries[name]
    assert entry["status"] == "ok"
    removed = {r["text"] for r in entry["removed"]}
    assert {gen.HEADER, gen.FOOTER} <= removed
    assert all(p in texts["doc.txt"] for p in {p.replace(",", "，") for p in paras} if "," not in p)


def test_pdf_is_cleaned_like_its_txt_twin_and_says_which_page(tmp_path: Path) -> None:
    paras = gen.pdf_paragraphs(random.Random(3), 12)
    texts, entries = clean_folder(tmp_path, {"doc.pdf": gen.pdf_bytes(paras, per_page=20)})
    assert texts == {"doc.txt": twin_output(tmp_path, paras)}
    entry = entries["doc.pdf"]
    assert entry["format"] == "pdf"
    assert entry["pages"] >= 3
    assert entry["rejoined"] > 0
    headers = [r for r in entry["removed"] if r["rule"] == "pdf.running-header"]
    numbers = [r for r in entry["removed"] if r["rule"] == "pdf.page-number"]
    assert len(headers) == len(numbers) == entry["pages"]
    assert [r["where"] for r in headers] == [f"page {p}, line 1" for p in range(1, entry["pages"] + 1)]
    assert all(r["text"] == gen.HEADER for r in headers)
    assert numbers[1]["text"] == "第 2 页" and numbers[1]["where"].startswith("page 2, line ")


def test_docx_report_places_point_at_header_footer_and_paragraph(tmp_path: Path) -> None:
    paras = gen.body(random.Random(5), 3)
    paras[1] = paras[1][:20] + "," + paras[1][20:]  # a half-width comma in paragraph 2
    _, entries = clean_folder(tmp_path, {"a.docx": gen.docx_bytes(paras)})
    entry = entries["a.docx"]
    assert entry["format"] == "docx" and entry["paragraphs"] == 3
    where = {r["text"]: r["where"] for r in entry["removed"]}
    assert where[gen.HEADER] == "header" and where[gen.FOOTER] == "footer"
    comma = [c for c in entry["changes"] if c["rule"] == "punct.comma"]
    assert comma and comma[0]["where"] == "paragraph 2"


def test_html_places_name_the_block(tmp_path: Path) -> None:
    paras = gen.body(random.Random(6), 2)
    _, entries = clean_folder(tmp_path, {"p.html": gen.html_bytes(paras)})
    entry = entries["p.html"]
    assert entry["format"] == "html" and entry["encoding"] == "utf-8" and entry["decided_by"] == "declared"
    where = {r["text"]: r["where"] for r in entry["removed"]}
    assert where[gen.HEADER] == "block 1 <div>"
    assert where[gen.FOOTER] == f"block {len(paras) + 2} <div>"


# -- reading: what each reader gives -----------------------------------------------------------


def test_docx_reads_tables_numbering_and_each_header_once() -> None:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "页眉广告"
    document.add_paragraph("第一项", style="List Number")
    document.add_paragraph("第二项", style="List Number")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([["姓名", "职务", "备注"], ["张三", "局长", ""]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("正文。\n换行后")
    document.add_section()  # its header is linked to the first: read once
    out = io.BytesIO()
    document.save(out)
    got = readers.read_document("a.docx", out.getvalue(), max_bytes=1 << 30)
    # the new section's break sits in an empty paragraph of its own: a blank line
    assert got.lines == (
        "页眉广告", "1. 第一项", "2. 第二项", "姓名\t职务\t备注", "张三\t局长\t", "正文。", "换行后", "",
    )  # fmt: skip
    assert got.where == (
        "header (section 1)", "paragraph 1", "paragraph 2", "table 1, row 1", "table 1, row 2",
        "paragraph 3", "paragraph 3", "paragraph 4",
    )  # fmt: skip
    assert got.counts == {"paragraphs": 4}


@pytest.mark.parametrize(
    ("n", "fmt", "text"),
    [
        (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (12, "chineseCounting", "十二"),
        (20, "chineseCountingThousand", "二十"), (105, "chineseCounting", "一百零五"),
        (110, "chineseCounting", "一百一十"), (3, "ideographTraditional", "丙"),
        (2, "decimalEnclosedCircle", "②"), (28, "upperLetter", "BB"), (4, "lowerRoman", "iv"),
        (7, "decimalZero", "07"), (9, "decimal", "9"), (5, "someNewFormat", "5"),
    ],
)  # fmt: skip
def test_word_number_formats(n: int, fmt: str, text: str) -> None:
    assert word_numbering.format_number(n, fmt) == text


def test_html_reader_skips_scripts_keeps_rows_pre_and_breaks() -> None:
    page = (
        "<html><head><title>站名</title><style>x{}</style></head><body><nav>首页 | 下载</nav>"
        "<script>alert('广告')</script><p>第一段  文字\n续</p><p>甲<br>乙</p>"
        "<table><tr><td> 一 </td><td><p>二</p></td></tr></table><pre>a  b\n c</pre>尾巴</body></html>"
    ).encode()
    got = readers.read_document("x.html", page, max_bytes=1 << 30)
    assert got.lines == ("首页 | 下载", "第一段 文字 续", "甲", "乙", "一\t二", "a  b", " c", "尾巴")
    assert got.where[0] == "block 1 <nav>" and got.where[4] == "block 5 <tr>"


def test_html_gb2312_label_is_read_as_browsers_read_it() -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
    page += "<body><p>朱镕基同志的讲话。</p></body></html>"  # 镕 is GBK, not GB2312
    got = readers.read_document("x.htm", page.encode("gbk"), max_bytes=1 << 30)
    assert got.lines == ("朱镕基同志的讲话。",)
    assert got.decoding["encoding"] == "gb18030" and got.decoding["decided_by"] == "declared"


def test_a_zip_declaring_more_than_the_limit_is_refused_unread() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", b"<w:document/>")
    data = bytearray(archive.getvalue())
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = (4_000_000_000).to_bytes(4, "little")  # claims 4 GB
    with pytest.raises(readers.Unreadable) as info:
        word.check_archive(bytes(data), word.MAX_EXPANDED)
    assert info.value.reason == "too-large" and "1 archive member would expand to 4,000,000,000 bytes" in str(
        info.value
    )


def test_html_nested_a_thousand_deep_keeps_its_text() -> None:
    page = b"<html><body>" + b"<div>" * 1500 + "深处的文字。".encode() + b"</div>" * 1500
    assert readers.read_document("x.html", page, max_bytes=1 << 30).lines == ("深处的文字。",)


def test_html_declared_charset_that_does_not_decode_falls_back_to_detection() -> None:
    page = '<html><head><meta charset="utf-8"></head><body><p>这是GBK编码的网页正文内容。</p></body></html>'
    got = readers.read_document("x.html", page.encode("gbk"), max_bytes=1 << 30)
    assert got.lines == ("这是GBK编码的网页正文内容。",)
    assert got.decoding["decided_by"] != "declared" and got.decoding["encoding"] in ("gbk", "gb18030")


def test_pdf_furniture_needs_repetition_and_digits_only_where_a_page_is_named() -> None:
    pages = [
        [f"内部资料 第 {p} 页 共 4 页", f"正文第{p}部分的内容。", f"第{p}部分", f"- {p} -"]
        for p in range(1, 5)
    ]
    lines = [line for page in pages for line in page]
    own = [list(range(4 * p, 4 * p + 4)) for p in range(4)]
    drops = pdf_reader.furniture(lines, own)
    assert {lines[i] for i, rule in drops.items() if rule == pdf_reader.HEADER_RULE} == {
        f"内部资料 第 {p} 页 共 4 页" for p in range(1, 5)
    }
    assert {lines[i] for i, r in drops.items() if r == pdf_reader.PAGE_NUMBER_RULE} == {
        f"- {p} -" for p in range(1, 5)
    }
    assert not any(lines[i].startswith("第") and lines[i].endswith("部分") for i in drops)  # 第1部分 stays


def test_pdf_rejoin_joins_full_chinese_lines_only() -> None:
    lines = [
        "近年来我市搭建五大工作平台，深入实施工程，组织成立",
        "了各级理论宣讲团。",
        "二、短标题",
        "下一段开始。",
    ]
    taken = pdf_reader._rejoin(lines, [[0, 1, 2, 3]], {})
    assert taken == {1}
    assert lines[0] == "近年来我市搭建五大工作平台，深入实施工程，组织成立了各级理论宣讲团。"
    hyphen = ["The committee agreed that the imple-", "mentation starts now"]
    assert pdf_reader._rejoin(hyphen, [[0, 1]], {}) == {1} and hyphen[0].endswith("implementation starts now")


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.docx", b"%PDF-1.4 ...", "pdf"),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "legacy"),
        ("a.doc", "<html><body><p>网页</p></body></html>".encode(), "html"),
        ("a.doc", "纯文本文件。".encode("gbk"), "text"),
        ("a.rtf", b"{\\rtf1\\ansi hello}", "rtf"),
        ("a.pdf", b"<!DOCTYPE html><html>", "html"),
        ("a.htm", "只有文字".encode(), "html"),
        ("a.mht", b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n", "mhtml"),
    ],
)
def test_reader_is_chosen_by_content(name: str, data: bytes, kind: str) -> None:
    assert readers.sniff(name, data) == kind


def test_text_names_and_clashes() -> None:
    assert readers.text_name("a/b.DOCX") == "a/b.txt" and readers.text_name("a/b.txt") == "a/b.txt"
    clashes = readers.name_clashes(["a/b.docx", "a/b.txt", "a/b.pdf", "c.pdf", "c.html"])
    assert clashes == {"a/b.docx": "a/b.txt", "a/b.pdf": "a/b.txt", "c.pdf": "c.html"}


# -- the run: globs, clashes, legacy files, hostile and broken files ---------------------------


def test_default_globs_include_installed_formats(tmp_path: Path) -> None:
    from cleanse.commands.scale_opts import default_globs

    globs = default_globs("auto")
    assert {"*.docx", "*.html", "*.pdf", "*.doc"} <= set(globs)
    assert "*.docx" not in default_globs("text")


def test_a_missing_library_skips_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(readers.Unreadable) as info:
        readers.read_document("a.docx", gen.docx_bytes(["正文。"]), max_bytes=1 << 30)
    assert info.value.status == "skipped" and "pip install 'cleanse[docx]'" in str(info.value)
    assert "*.docx" not in readers.available_globs()


def test_run_goes_on_past_legacy_broken_clashing_and_hostile_files(tmp_path: Path) -> None:
    paras = gen.body(random.Random(9), 3)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b"a" * (3 << 20))
    pdf = gen.pdf_bytes(paras)
    broken_xref = pdf.replace(b"startxref", b"startxref\n999999999\n%")
    files = {
        "good.docx": gen.docx_bytes(paras),
        "old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "notes.doc": "会议纪要正文内容。\n".encode("gbk"),
        "same.docx": gen.docx_bytes(paras),
        "same.txt": "同名的文本文件。\n".encode(),
        "bomb.docx": bomb.getvalue(),
        "scan.pdf": gen.pdf_bytes(paras, text_layer=False),
        "garbage.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 40,
        "broken-xref.pdf": broken_xref,
        "deep.html": b"<html><body>" + b"<div>" * 50_000 + "深处的文字。".encode() + b"</div>" * 50_000,
        "not-zip.docx": "不是压缩包".encode(),
    }
    texts, entries = clean_folder(tmp_path, files, "--max-bytes", 2_000_000)
    status = {path: (e["status"], e.get("reason")) for path, e in entries.items()}
    assert status["good.docx"] == ("ok", None) and status["notes.doc"] == ("ok", None)
    assert status["old.doc"] == ("skipped", "legacy-format")
    assert "soffice --headless --convert-to docx" in entries["old.doc"]["error"]
    assert status["same.docx"] == ("failed", "name-clash") and status["same.txt"] == ("ok", None)
    assert "same.txt" in entries["same.docx"]["error"]
    assert status["bomb.docx"] == ("skipped", "too-large")
    assert "refused before decompressing" in entries["bomb.docx"]["error"]
    assert status["scan.pdf"] == ("skipped", "no-text-layer")
    assert status["garbage.pdf"][0] == "failed" and "PDF" in entries["garbage.pdf"]["error"]
    assert status["broken-xref.pdf"][0] in ("ok", "failed")
    if status["broken-xref.pdf"][0] == "ok":  # pypdf rebuilt the xref: the text is whole
        assert texts["broken-xref.txt"].strip()
    assert status["deep.html"] == ("failed", "too-deep")  # never a page with its text cut off
    if status["broken-xref.pdf"][0] == "ok":
        assert any(w.startswith("pdf: ") for w in entries["broken-xref.pdf"]["warnings"])
    assert status["not-zip.docx"][0] == "failed" and entries["not-zip.docx"]["error"]
    assert texts["notes.txt"] == "会议纪要正文内容。\n"
    assert texts["same.txt"] == "同名的文本文件。\n" and "good.txt" in texts
    for path, entry in entries.items():  # each problem names its file
        if entry["status"] != "ok":
            assert path in entry["error"]


def test_summary_lists_formats_and_cleaned_output_is_stable(tmp_path: Path) -> None:
    paras = gen.body(random.Random(11), 4)
    files = {"a.docx": gen.docx_bytes(paras), "b.html": gen.html_bytes(paras), "c.txt": b"text\n"}
    files["d.docx"] = b"PK\x03\x04 not really a package"  # failed: not counted as read
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for rel, data in files.items():
        (src / rel).write_bytes(data)
    summary = tmp_path / "summary.json"
    result = run(src, out, "--summary", summary)
    assert result.exit_code == 1, result.output
    assert json.loads(summary.read_text())["formats"] == {"docx": 1, "html": 1}
    assert "documents read by format: " in result.output
    again = run(out, tmp_path / "again", "-q")  # cleaning the cleaned text changes nothing
    assert again.exit_code == 0
    for path in out.iterdir():
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes()


def test_resume_finds_a_documents_txt_output(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.docx").write_bytes(gen.docx_bytes(gen.body(random.Random(2), 2)))
    out, report = tmp_path / "out", tmp_path / "r.jsonl"
    assert run(src, out, "--resume", "--report", report, "-q").exit_code == 0
    first = report.read_bytes()
    assert (out / "a.txt").is_file()
    assert run(src, out, "--resume", "--report", report, "-q").exit_code == 0
    assert report.read_bytes() == first  # taken from the manifest, not cleaned again


def test_clean_command_reads_a_document_and_names_an_unreadable_one(tmp_path: Path) -> None:
    paras = gen.body(random.Random(12), 3)
    (tmp_path / "a.docx").write_bytes(gen.docx_bytes(paras))
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    invoke = CliRunner().invoke
    result = invoke(main, ["clean", str(tmp_path / "a.docx")], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == twin_output(tmp_path, paras)
    bad = invoke(main, ["clean", str(tmp_path / "old.doc")], catch_exceptions=False)
    assert bad.exit_code == 2 and "old.doc" in bad.output and "soffice" in bad.output


def test_clean_json_of_a_document_carries_what_the_run_report_does(tmp_path: Path) -> None:
    """`clean --json a.pdf` gave the records without `format`, `pages` or `where`: a user
    checking one file saw less than the run's report says of it."""
    data = gen.pdf_bytes(gen.pdf_paragraphs(random.Random(13), 20), per_page=10)
    (tmp_path / "a.pdf").write_bytes(data)
    single = json.loads(CliRunner().invoke(main, ["clean", "--json", str(tmp_path / "a.pdf")]).output)
    _, entries = clean_folder(tmp_path / "run", {"a.pdf": data})
    entry = entries["a.pdf"]
    assert single["format"] == entry["format"] == "pdf" and single["pages"] == entry["pages"]
    for key in ("removed", "changes", "flags"):
        assert single[key] == entry[key], key
    assert single["removed"] and all("where" in r for r in single["removed"])


def test_damaged_documents_never_reach_an_internal_error(tmp_path: Path) -> None:
    """Real files with bytes flipped, cut short or replaced: each is cleaned, skipped or failed
    with a reason of its own, never an internal error (a bug), and never a traceback."""
    rng = random.Random(21)
    paras = gen.body(rng, 4)
    originals = {
        "docx": gen.docx_bytes(paras),
        "pdf": gen.pdf_bytes(gen.pdf_paragraphs(rng, 4)),
        "html": gen.html_bytes(paras, "gbk"),
        "mhtml": gen.mhtml_bytes(paras),
    }
    files: dict[str, bytes] = {}
    for suffix, data in originals.items():
        for n in range(12):
            damaged = bytearray(data)
            if n % 3 == 0:
                damaged = damaged[: rng.randrange(1, len(damaged))]
            else:
                for _ in range(1 + n):
                    damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            files[f"{suffix}{n:02d}.{suffix}"] = bytes(damaged)
        files[f"random.{suffix}"] = rng.randbytes(3000)
    _, entries = clean_folder(tmp_path, files)
    assert len(entries) == len(files)
    internal = {path: e["error"] for path, e in entries.items() if e.get("reason") == "internal"}
    assert not internal
    for path, entry in entries.items():
        assert entry["status"] in ("ok", "skipped", "failed")
        if entry["status"] != "ok":
            assert path in entry["error"] and entry["reason"]


def _p(inner: str) -> str:
    return f"<w:p>{inner}</w:p>"


def _r(text: str) -> str:
    return f"<w:r><w:t xml:space='preserve'>{text}</w:t></w:r>"


def _box(*paragraphs: str) -> str:
    content = "".join(_p(_r(t)) for t in paragraphs)
    return f"<w:txbxContent>{content}</w:txbxContent>"


def test_docx_reads_every_run_word_shows_and_none_it_hides() -> None:
    """python-docx's paragraph.text and body walk missed tracked insertions, fields, content
    controls, text boxes, nested tables and footnotes: real sentences lost from the output.
    Deleted text, field codes and the fallback copy of a text box must stay out."""
    choice = f"<wps:txbx>{_box('文本框里的正文。')}</wps:txbx>"
    fallback = f"<w:pict><v:shape><v:textbox>{_box('文本框里的正文。')}</v:textbox></v:shape></w:pict>"
    drawing = (
        f"<w:r><mc:AlternateContent><mc:Choice Requires='wps'><w:drawing>{choice}</w:drawing></mc:Choice>"
        f"<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent></w:r>"
    )
    cell = f"<w:tc>{_p(_r('外层'))}<w:tbl><w:tr><w:tc>{_p(_r('内层表格'))}</w:tc></w:tr></w:tbl></w:tc>"
    body = "".join(
        [
            _p(_r("保留") + f"<w:ins w:id='1' w:author='a'>{_r('插入的字')}</w:ins>"
               + "<w:del w:id='2' w:author='a'><w:r><w:delText>删掉的字</w:delText></w:r></w:del>" + _r("。")),
            _p("<w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>"
               "<w:r><w:fldChar w:fldCharType='separate'/></w:r>" + _r("域结果") + "<w:r><w:fldChar w:fldCharType='end'/></w:r>"
               + "<w:fldSimple w:instr='DATE'>" + _r("简单域") + "</w:fldSimple>"),
            f"<w:sdt><w:sdtPr><w:alias w:val='标题'/></w:sdtPr><w:sdtContent>{_p(_r('控件里的段落。'))}</w:sdtContent></w:sdt>",
            _p(_r("有文本框的段落。") + drawing),
            f"<w:tbl><w:tr>{cell}<w:tc>{_p(_r('右格'))}</w:tc></w:tr></w:tbl>",
            _p(_r("第一行") + "<w:r><w:br/><w:t>第二行</w:t><w:tab/><w:t>制表</w:t></w:r>"),
        ]
    )  # fmt: skip
    data = gen.docx_xml_bytes(
        body, footnotes=["参见《人民日报》2020年5月1日第一版。", "同上。"], endnotes=["全文完。"]
    )
    got = readers.read_document("a.docx", data, max_bytes=1 << 30)
    assert got.lines == (
        "保留插入的字。", "域结果简单域", "控件里的段落。", "有文本框的段落。", "文本框里的正文。",
        "外层 内层表格\t右格", "第一行", "第二行\t制表",
        "参见《人民日报》2020年5月1日第一版。", "同上。", "全文完。",
    )  # fmt: skip
    assert got.where == (
        "paragraph 1", "paragraph 2", "paragraph 3", "paragraph 4", "text box in paragraph 4",
        "table 1, row 1", "paragraph 5", "paragraph 5", "footnote 1", "footnote 2", "endnote 1",
    )  # fmt: skip
    assert got.counts == {"paragraphs": 5, "notes": 3}


def test_docx_footnotes_and_text_boxes_survive_cleaning(tmp_path: Path) -> None:
    """Read lines are content: a real footnote and a text box's sentence are kept by a run,
    and a stamp in a text box is removed like any other ad line."""
    paras = gen.body(random.Random(8), 3)
    stamp = _p(
        _r("正文段落。")
        + f"<w:r><w:pict><v:shape><v:textbox>{_box(gen.FOOTER)}</v:textbox></v:shape></w:pict></w:r>"
    )
    body = "".join(_p(_r(par)) for par in paras) + stamp
    notes = ["参见《中国共产党章程》第二章第八条。", "数据来源：国家统计局2022年统计公报。"]
    texts, entries = clean_folder(tmp_path, {"n.docx": gen.docx_xml_bytes(body, footnotes=notes)})
    text = texts["n.txt"]
    assert all(note in text for note in notes) and all(par[:30] in text for par in paras)
    removed = {r["text"]: r["where"] for r in entries["n.docx"]["removed"]}
    assert removed.get(gen.FOOTER) == "text box in paragraph 4"


def test_docx_too_deep_or_with_a_broken_notes_part_is_failed_with_its_reason(tmp_path: Path) -> None:
    inner = _p(_r("深处"))
    for _ in range(300):
        inner = f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl>"
    with pytest.raises(readers.Unreadable) as deep:
        readers.read_document("a.docx", gen.docx_xml_bytes(inner), max_bytes=1 << 30)
    assert deep.value.reason == "too-deep"
    broken = gen.docx_xml_bytes(_p(_r("正文。")), footnotes=["注释。"])
    package = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(broken)) as src, zipfile.ZipFile(package, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            out.writestr(item, data[:-20] if item.filename == "word/footnotes.xml" else data)
    _, entries = clean_folder(tmp_path, {"n.docx": package.getvalue()})
    entry = entries["n.docx"]
    assert entry["status"] == "failed" and entry["reason"] == "damaged"
    assert "footnotes part" in entry["error"] and "n.docx" in entry["error"]


def test_pdf_whose_text_layer_is_not_text_is_skipped_for_ocr(tmp_path: Path) -> None:
    """A font subset without a Unicode map reads as control characters and ASCII soup; it was
    cleaned and written out as if it were the document. It is now skipped like a scan."""
    data = gen.pdf_without_unicode_map(gen.body(random.Random(14), 8))
    texts, entries = clean_folder(
        tmp_path, {"g.pdf": data, "ok.pdf": gen.pdf_bytes(gen.body(random.Random(15), 3))}
    )
    entry = entries["g.pdf"]
    assert (entry["status"], entry["reason"]) == ("skipped", "garbled-text-layer")
    assert "ocrmypdf" in entry["error"] and "g.pdf" in entry["error"]
    assert "g.txt" not in texts and entries["ok.pdf"]["status"] == "ok"


def test_garbled_share_spares_bullets_and_names_a_garbled_page() -> None:
    from cleanse.readers.pdf import garbled

    prose = "十八大以来，习近平总书记站在党和国家事业全局高度，多次就老干部工作作出重要指示批示。"
    bullets = [["\uf0b7 " + prose[:12] for _ in range(30)]]  # Symbol-font bullets: 1 in 13
    share, pages = garbled(bullets)
    assert pages == [] and share < 0.1
    soup = "".join(chr(n) for n in range(1, 9)) * 6 + "ABC"
    share, pages = garbled([[prose] * 10, [soup], [prose] * 10])
    assert pages == [2] and share < 0.2


def test_docx_reads_embedded_web_page_and_text_chunks_in_place() -> None:
    """Office systems that export to Word often embed the body as an HTML "altChunk" that Word
    shows in place; python-docx does not see it, so the whole body was lost."""
    page = "<html><body><p>嵌入网页的第一段。</p><div>第二段，来自 OA 系统。</div><script>x()</script></body></html>"
    body = _p(_r("标题")) + '<w:altChunk r:id="rIdC1"/>' + _p(_r("中间段落。"))
    body += '<w:altChunk r:id="rIdC2"/><w:altChunk r:id="rIdC3"/><w:altChunk r:id="rIdC9"/>'
    chunks = [
        ("text/html", page.encode("gb18030").replace(b"<html>", b'<html><meta charset="gbk">')),
        ("text/plain", "纯文本块第一行\n第二行\n".encode()),
        ("application/rtf", b"{\\rtf1 text}"),
    ]
    got = readers.read_document("a.docx", gen.docx_xml_bytes(body, chunks=chunks), max_bytes=1 << 30)
    assert got.lines == (
        "标题",
        "嵌入网页的第一段。",
        "第二段，来自 OA 系统。",
        "中间段落。",
        "纯文本块第一行",
        "第二行",
    )
    assert got.where[1:3] == ("embedded chunk 1", "embedded chunk 1") and got.where[4] == "embedded chunk 2"
    assert any("application/rtf is not read" in w for w in got.warnings)
    assert any("part is missing" in w for w in got.warnings)


def test_docx_reads_first_page_and_even_page_headers_too() -> None:
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "奇数页页眉"
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "首页页眉"
    document.settings.odd_and_even_pages_header_footer = True
    section.even_page_header.paragraphs[0].text = "偶数页页眉"
    section.even_page_footer.paragraphs[0].text = "偶数页页脚"
    document.add_paragraph("正文。")
    out = io.BytesIO()
    document.save(out)
    got = readers.read_document("a.docx", out.getvalue(), max_bytes=1 << 30)
    assert got.lines == ("奇数页页眉", "首页页眉", "偶数页页眉", "正文。", "偶数页页脚")


def test_docx_numbering_comes_through_a_base_style_and_not_from_an_unknown_one() -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    mine = document.styles.add_style("我的列表", WD_STYLE_TYPE.PARAGRAPH)
    mine.base_style = document.styles["List Number"]
    document.add_paragraph("甲项", style=mine)
    document.add_paragraph("乙项", style=mine)
    plain = document.add_paragraph("普通段落")
    plain._p.get_or_add_pPr().get_or_add_pStyle().val = "NoSuchStyle"  # read as the default style
    out = io.BytesIO()
    document.save(out)
    got = readers.read_document("a.docx", out.getvalue(), max_bytes=1 << 30)
    assert got.lines == ("1. 甲项", "2. 乙项", "普通段落")


def test_pdf_drawn_glyph_by_glyph_is_read_by_position(tmp_path: Path) -> None:
    """A file placing each character in its own text object read as one character per line
    (a sentence became a column no later step joins); such a page is re-read by position."""
    lines = ["第一句话在这里结束。", "第二句，排版时逐字放置。", "第三行。"]
    texts, entries = clean_folder(tmp_path, {"g.pdf": gen.pdf_per_glyph(lines)})
    assert texts["g.txt"] == "第一句话在这里结束。\n第二句，排版时逐字放置。\n第三行。\n"
    assert entries["g.pdf"]["relaid"] == 1


def test_relaying_a_page_never_loses_a_character() -> None:
    from cleanse.readers.pdf import _by_position, shattered

    prose = ["十八大以来，习近平总书记站在党和国家事业全局高度。", "第二段。", "（三）标题", "1"]
    assert not shattered(prose * 3)
    assert shattered(list("一二三四五六七八九十"))

    class Page:
        def __init__(self, layout: str) -> None:
            self.layout = layout

        def extract_text(self, extraction_mode: str = "plain") -> str:
            return self.layout

    plain = list("一二三四五六七八九十")
    assert _by_position(Page("   一二三四五\n\n\n   六七八九十  \n"), plain) == [
        "一二三四五",
        "",
        "六七八九十",
    ]
    assert _by_position(Page("一二三四五\n六七八九"), plain) is None, "a character short: plain stands"


def test_forum_copy_poisoning_junk_is_left_out_of_a_page(tmp_path: Path) -> None:
    """Discuz inserts random characters after each line break of a post, hidden from readers
    (`<font class="jammer">`, `<span style="display:none">`); they reached the output as junk
    lines and tails. A collapsed block (text a script shows) stays."""
    post = (
        '<html><head><meta charset="utf-8"></head><body><div class="t_f">第一段正文，完整的句子。<br />\n'
        '<font class="jammer">. From 1point 3acres bbs</font>\n第二段正文。<br />\n'
        '<span style="display:none">x8 Y% a@#</span>第三段。'
        '<div style="display:none">展开后可见的正文段落。</div></div></body></html>'
    )
    texts, _ = clean_folder(tmp_path, {"post.html": post.encode("utf-8")})
    assert texts["post.txt"] == "第一段正文，完整的句子。\n第二段正文。\n第三段。\n展开后可见的正文段落。\n"


def test_pdf_watermark_across_the_page_is_removed_with_its_rule(tmp_path: Path) -> None:
    """A watermark drawn at 45° on every page ("内部资料 严禁外传") came out in the middle of
    the body text, where no edge rule reaches it; slanted text is now furniture
    (`pdf.watermark`, each copy in the report). Text at 90° is not slanted and stays."""
    paras = gen.pdf_paragraphs(random.Random(16), 20)
    data = gen.pdf_bytes(paras, per_page=10, watermark="内部资料 严禁外传")
    texts, entries = clean_folder(tmp_path, {"w.pdf": data, "plain.pdf": gen.pdf_bytes(paras, per_page=10)})
    assert "内部资料" not in texts["w.txt"]
    assert texts["w.txt"] == texts["plain.txt"], "the body reads as without the watermark"
    marks = [r for r in entries["w.pdf"]["removed"] if r["rule"] == "pdf.watermark"]
    assert len(marks) == entries["w.pdf"]["pages"] and all(r["where"].startswith("page ") for r in marks)
    from cleanse.readers.pdf import _slanted

    assert _slanted([0.71, 0.71, -0.71, 0.71, 0, 0], [1, 0, 0, 1, 0, 0])
    assert not _slanted([0, 1, -1, 0, 0, 0], [1, 0, 0, 1, 0, 0]) and not _slanted(
        [1, 0, 0, 1, 0, 0], [1, 0, 0, 1, 5, 5]
    )


@pytest.mark.parametrize(
    "content_type",
    [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",  # the SDK's
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ],
)
def test_docx_with_an_embedded_docx_reads_its_body_in_place(content_type: str) -> None:
    """Merging tools embed whole .docx packages as altChunks, declared as Word's main document;
    python-docx parsed that part as XML and the whole file failed as damaged — every sentence
    lost. It is now re-declared and its body read in place (headers and footers left out, as
    Word shows it); a .docx nested one level deeper is warned, not read."""
    import docx

    inner_doc = docx.Document()
    inner_doc.sections[0].header.paragraphs[0].text = "内层页眉"
    for text in ("内层文档第一段。", "内层第二段。"):
        inner_doc.add_paragraph(text)
    buffer = io.BytesIO()
    inner_doc.save(buffer)
    inner = buffer.getvalue()
    deeper = gen.docx_xml_bytes(
        _p(_r("中层。")) + '<w:altChunk r:id="rIdC1"/>', chunks=[(content_type, inner)]
    )
    body = _p(_r("外层。")) + '<w:altChunk r:id="rIdC1"/>' + _p(_r("尾段。")) + '<w:altChunk r:id="rIdC2"/>'
    data = gen.docx_xml_bytes(body, chunks=[(content_type, inner), (content_type, deeper)])
    got = readers.read_document("a.docx", data, max_bytes=1 << 30)
    assert got.lines == ("外层。", "内层文档第一段。", "内层第二段。", "尾段。", "中层。")
    assert got.where[1:3] == ("embedded chunk 1", "embedded chunk 1") and got.where[4] == "embedded chunk 2"
    assert any("a .docx inside an embedded .docx is not read" in w for w in got.warnings)
