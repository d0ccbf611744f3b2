"""Hostile inputs and paths: symlinks (outside INPUT, loops), names that are not UTF-8, FIFOs,
paths that try to leave OUTPUT, files over the size limit, and folders of many empty files."""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanse import Cleaner, InputError
from cleanse.cli import main
from cleanse.discovery import discover
from cleanse.io import TooLarge, safe_output_path
from cleanse.job import Job
from cleanse.runner import clean_file, run

CLEANER = Cleaner()
CONTENT = "正文第一段。\n".encode()


def cli_run(src: Path, out: Path, *extra: str) -> tuple[int, str, list[dict[str, object]]]:
    """Run ``cleanse run`` in-process; returns exit code, output and report entries."""
    report = out.parent / (out.name + "-report.jsonl")
    args = ["run", str(src), str(out), "--report", str(report), "-j", "1", *extra]
    result = CliRunner().invoke(main, args)
    raw = report.read_bytes() if report.exists() else b""
    entries = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    return result.exit_code, result.output, entries


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """INPUT with a real file, a link to a file outside, a link loop, a link to a folder outside."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(CONTENT)
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "real.txt").write_bytes(CONTENT)
    (src / "link-out.txt").symlink_to(outside / "secret.txt")
    (src / "sub" / "loop").symlink_to(src)
    (src / "sub" / "self").symlink_to("self")  # a link to itself
    (src / "sub" / "self.txt").symlink_to("self.txt")
    (src / "dir-out").symlink_to(outside)
    return src


def test_symlinks_are_not_followed_by_default(tree: Path, tmp_path: Path) -> None:
    code, output, entries = cli_run(tree, tmp_path / "out")
    assert code == 0, output
    assert [(e["path"], e["status"], e.get("reason")) for e in entries] == [
        ("dir-out", "skipped", "symlink"),
        ("link-out.txt", "skipped", "symlink"),
        ("real.txt", "ok", None),
        ("sub/loop", "skipped", "symlink"),
        ("sub/self", "skipped", "symlink"),
        ("sub/self.txt", "skipped", "symlink"),
    ], "links not followed are in the report, each with its reason"
    assert all("--follow-symlinks" in str(e["error"]) for e in entries if e["status"] == "skipped")
    assert sorted(p.name for p in (tmp_path / "out").rglob("*")) == ["real.txt"]


def test_follow_symlinks_opts_in_and_survives_loops(tree: Path, tmp_path: Path) -> None:
    start = time.monotonic()
    found = discover(tree, follow_symlinks=True)
    assert time.monotonic() - start < 5, "a symlink loop must not make discovery hang"
    assert "real.txt" in found and "link-out.txt" in found and "dir-out/secret.txt" in found
    assert not any("loop" in p for p in found), found
    code, output, entries = cli_run(tree, tmp_path / "out", "--follow-symlinks")
    statuses = {e["path"]: e["status"] for e in entries}
    assert statuses["real.txt"] == statuses["link-out.txt"] == "ok"
    assert code in (0, 1), output
    assert "Traceback" not in output


def test_names_that_are_not_utf8(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    names = [b"gbk-\xd5\xfd\xce\xc4.txt", b"bad-\xff\xfe.txt", b"ok.txt"]
    for name in names:
        (Path(os.fsdecode(src)) / os.fsdecode(name)).write_bytes(CONTENT)
    out = tmp_path / "out"
    code, output, entries = cli_run(src, out)
    assert code == 0, output
    report = (tmp_path / "out-report.jsonl").read_bytes()
    report.decode("utf-8")  # valid UTF-8, so any JSON reader can open it
    assert sorted(os.fsencode(str(e["path"])) for e in entries) == sorted(names)
    assert sorted(os.listdir(os.fsencode(out))) == sorted(names)
    assert all(e["status"] == "ok" for e in entries)


def test_fifo_named_like_a_text_file_does_not_block(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    os.mkfifo(src / "pipe.txt")
    (src / "real.txt").write_bytes(CONTENT)
    assert discover(src) == ["real.txt"]


def test_a_folder_that_cannot_be_listed_is_reported_not_skipped_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in"
    (src / "locked").mkdir(parents=True)
    (src / "locked" / "a.txt").write_bytes(CONTENT)
    (src / "open.txt").write_bytes(CONTENT)
    real = os.scandir

    def scandir(path: object = ".") -> object:  # root ignores permission bits: simulate them
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    code, output, entries = cli_run(src, tmp_path / "out")
    assert code == 1, output
    assert f"{src / 'locked'}: cannot list folder: Permission denied" in output
    assert [(e["path"], e["status"], e.get("reason")) for e in entries] == [
        ("locked", "failed", "unlistable"),
        ("open.txt", "ok", None),
    ], "the folder is in the report too, at its place in path order"


def test_what_discovery_passes_over_is_in_the_report(tmp_path: Path) -> None:
    """Issue 21: links not followed, FIFOs and .cleanse-* names were said on stderr only."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_bytes(CONTENT)
    (src / ".cleanse-x.txt").write_bytes(CONTENT)
    (src / "link.txt").symlink_to("a.txt")
    os.mkfifo(src / "pipe.txt")
    (src / "z.txt").write_bytes(CONTENT)
    code, output, entries = cli_run(src, tmp_path / "out")
    assert code == 0, output
    assert [(e["path"], e["status"], e.get("reason")) for e in entries] == [
        (".cleanse-x.txt", "skipped", "reserved-name"),
        ("a.txt", "ok", None),
        ("link.txt", "skipped", "symlink"),
        ("pipe.txt", "skipped", "not-a-file"),
        ("z.txt", "ok", None),
    ]


@pytest.mark.parametrize("rel", ["../escape.txt", "a/../../escape.txt", "/tmp/escape.txt", "a/../../../x"])
def test_paths_never_leave_output(tmp_path: Path, rel: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(InputError, match="leaves the output folder"):
        safe_output_path(out, rel)
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    entry = clean_file(CLEANER, Job(src, out), rel)
    assert entry["status"] == "failed"
    assert not (tmp_path / "escape.txt").exists() and not Path("/tmp/escape.txt").exists()


def test_files_over_the_size_limit_are_skipped(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "big.txt").write_bytes(CONTENT * 100)
    (src / "small.txt").write_bytes(CONTENT)
    limit = len(CONTENT) * 10
    code, output, entries = cli_run(src, tmp_path / "out", "--max-bytes", str(limit))
    assert code == 0, output
    big, small = entries
    assert big["status"] == "skipped" and big["reason"] == "too-large"
    assert "big.txt" in big["error"] and "--max-bytes" in big["error"]
    assert small["status"] == "ok"
    assert not (tmp_path / "out" / "big.txt").exists()
    assert "1 skipped" in output


def test_default_size_limit_is_one_gib() -> None:
    assert Job(Path("."), Path("o")).max_bytes == 1 << 30


def _many_empty_files(tmp_path: Path, count: int) -> None:
    src = tmp_path / "in"
    for i in range(count):
        folder = src / f"d{i // 1000:03d}"
        if i % 1000 == 0:
            folder.mkdir(parents=True)
        (folder / f"{i:06d}.txt").touch()
    entries, summary = run(CLEANER, Job(src, tmp_path / "out"), discover(src), jobs=2)
    assert summary.unchanged == count and summary.failed == 0 and summary.skipped == 0
    assert all("empty file" in e["warnings"] for e in entries)
    outputs = list((tmp_path / "out").rglob("*.txt"))
    assert len(outputs) == count and all(p.stat().st_size == 0 for p in outputs)


def test_folder_of_many_empty_files(tmp_path: Path) -> None:
    _many_empty_files(tmp_path, 2000)


@pytest.mark.slow
def test_folder_of_100000_empty_files(tmp_path: Path) -> None:
    _many_empty_files(tmp_path, 100_000)


@pytest.mark.parametrize("codec", ["rot13", "base64", "zlib", "hex"])
def test_non_text_codec_is_refused_as_an_option(codec: str) -> None:
    from cleanse import OptionError, Options

    with pytest.raises(OptionError):
        Options(encoding=codec)


@pytest.mark.parametrize("codec", ["idna", "punycode"])
def test_forced_codec_never_raises_anything_but_decode_error(codec: str) -> None:
    from cleanse import DecodeError, OptionError, Options

    try:
        cleaner = Cleaner(options=Options(encoding=codec))
    except OptionError:
        return  # refused up front: fine
    with contextlib.suppress(DecodeError):
        cleaner.clean_bytes(b"abc\xff\xfe")


# -- outputs never land in INPUT (issue 21, item 1) ---------------------------------------------


def test_a_symlinked_folder_inside_output_cannot_carry_writes_into_input(tmp_path: Path) -> None:
    """The reproduction: ``ln -s ../in/docs out/docs; cleanse run in out`` rewrote in/docs/a.txt."""
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "docs").mkdir(parents=True)
    out.mkdir()
    original = "正文第一段,这里是需要保留的内容.\n".encode()
    (src / "docs" / "a.txt").write_bytes(original)
    (out / "docs").symlink_to("../in/docs")
    result = CliRunner().invoke(main, ["run", str(src), str(out), "-q", "-j", "1"])
    assert (src / "docs" / "a.txt").read_bytes() == original, "the input was overwritten"
    assert result.exit_code == 1 and "inside INPUT" in result.output
    assert not list((src / "docs").glob(".cleanse-tmp-*")), "no temporary file left in INPUT either"


@pytest.mark.parametrize("option", ["--report", "--html", "--summary"])
def test_run_artifacts_may_not_replace_an_input(tmp_path: Path, option: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    victim = src / "f1.txt"
    victim.write_bytes("正文。\n".encode())
    result = CliRunner().invoke(main, ["run", str(src), str(tmp_path / "out"), option, str(victim)])
    assert result.exit_code == 2 and "inside INPUT" in result.output
    assert victim.read_bytes() == "正文。\n".encode() and not (tmp_path / "out").exists()


def test_skip_flagged_inside_output_is_refused(tmp_path: Path) -> None:
    """``--skip-flagged out/flagged`` collided with the output of in/flagged/…: one document lost."""
    src = tmp_path / "in"
    (src / "flagged").mkdir(parents=True)
    (src / "flagged" / "a.txt").write_text("正文。\n", encoding="utf-8")
    (src / "a.txt").write_text("X同志说，约占X%。\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(src), str(out), "--skip-flagged", str(out / "flagged")])
    assert result.exit_code == 2 and "inside one another" in result.output


# -- lone surrogates and names that are not UTF-8 (issue 21, items 3 and 4) ---------------------


def test_a_lone_surrogate_in_a_record_keeps_every_record(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    lines = [
        '{"text":"good one."}',
        '{"text":"x \\udc80 y"}',
        '{"text":"ok","note":"\\ud800"}',
        '{"text":"last."}',
    ]
    (src / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(src), str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    records = [
        json.loads(line) for line in (tmp_path / "out" / "a.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [r["text"] for r in records] == ["good one.\n", "x \ufffd y\n", "ok\n", "last.\n"]
    assert records[2]["note"] == "\ud800", "a field cleanse does not clean is copied as it was"
    streamed = CliRunner().invoke(
        main, ["run", "--format", "jsonl", "-", "-"], input='{"text":"x \\udc80 y"}\n{"text":"after."}\n'
    )
    assert streamed.exit_code == 0, streamed.output
    assert '"after.\\n"' in streamed.output


def test_every_writer_takes_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    name = "文件".encode("gbk") + b".txt"  # not UTF-8: reaches Python as lone surrogates
    with open(os.path.join(os.fsencode(src), name), "wb") as fh:
        fh.write("仅供学习 禁止外传\n\n正文第一段，内容完整。\n".encode())
    out, report, page, summary = (
        tmp_path / "out",
        tmp_path / "r.jsonl",
        tmp_path / "p.html",
        tmp_path / "s.json",
    )
    args = [
        "run",
        str(src),
        str(out),
        "--report",
        str(report),
        "--html",
        str(page),
        "--summary",
        str(summary),
    ]
    result = CliRunner().invoke(main, [*args, "--resume", "-j", "1"])
    assert result.exit_code == 0, result.output
    (entry,) = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert os.fsencode(entry["path"]) == name, "the report gives back the very name"
    assert json.loads(summary.read_text(encoding="utf-8"))["documents"] == 1
    assert page.read_text(encoding="utf-8").count("\\udc") >= 1
    assert CliRunner().invoke(main, [*args, "--resume", "-j", "1"]).exit_code == 0  # manifest read back
    assert (
        CliRunner().invoke(main, ["report", str(report), "-o", str(tmp_path / "again.html")]).exit_code == 0
    )


# -- containers: every frame, no silent loss, bounded expansion (issue 21, items 2 and 9) -------


def _run_records(tmp_path: Path, files: dict[str, bytes], *extra: str) -> tuple[int, str, Path]:
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    for name, data in files.items():
        (src / name).write_bytes(data)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(src), str(out), "-j", "1", *extra])
    return result.exit_code, result.output, out


def test_zstd_frames_are_all_read_and_a_cut_one_is_an_error(tmp_path: Path) -> None:
    zstd = pytest.importorskip("zstandard")
    one, two = (zstd.ZstdCompressor().compress(f'{{"text":"{t}."}}\n'.encode()) for t in ("one", "two"))
    code, output, out = _run_records(tmp_path, {"two.jsonl.zst": one + two, "cut.jsonl.zst": one[:-3]})
    assert code == 1 and "cut.jsonl.zst: the zstandard data is cut short" in output
    got = zstd.ZstdDecompressor().decompressobj().decompress((out / "two.jsonl.zst").read_bytes())
    assert [json.loads(line)["text"] for line in got.splitlines()] == ["one.\n", "two.\n"]
    assert not (out / "cut.jsonl.zst").exists()


def test_broken_gzip_and_parquet_are_failed_entries_not_internal_errors(tmp_path: Path) -> None:
    import gzip

    files = {
        "cut.jsonl.gz": gzip.compress(b'{"text":"x"}\n' * 100)[:-10],
        "bad.jsonl.gz": b"not gzip",
        "two.jsonl.gz": gzip.compress(b'{"text":"a."}\n') + gzip.compress(b'{"text":"b."}\n'),
    }
    code, output, out = _run_records(tmp_path, files)
    assert code == 1 and "internal error" not in output
    assert "cut.jsonl.gz: the gzip data is cut short" in output and "bad.jsonl.gz: not a valid gzip" in output
    assert gzip.decompress((out / "two.jsonl.gz").read_bytes()).count(b'"text"') == 2


def test_a_decompression_bomb_stops_near_max_bytes(tmp_path: Path) -> None:
    import gzip

    bomb = gzip.compress(b'{"text":"' + b"a" * 20_000_000 + b'"}\n')  # 20 KB -> 20 MB
    code, output, _ = _run_records(tmp_path, {"bomb.jsonl.gz": bomb}, "--max-bytes", "1000000")
    assert code == 0 and "bomb.jsonl.gz (decompressed)" in output and "skipped" in output
    from cleanse.jsonl import decompress

    with pytest.raises(TooLarge) as info:
        decompress("bomb.jsonl.gz", bomb, 1_000_000)
    assert info.value.size < 3_000_000, "stopped soon after the limit, not after inflating it all"


def test_a_file_name_near_the_length_limit_is_cleaned(tmp_path: Path) -> None:
    """Issue 21: names of ~235+ bytes failed: the temporary name added a prefix to them."""
    src = tmp_path / "in"
    src.mkdir()
    name = "长" * 80 + ".txt"  # 244 bytes in UTF-8
    (src / name).write_text("正文;内容。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(src), str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / name).read_text(encoding="utf-8") == "正文；内容。\n"


def test_a_big_file_of_nuls_is_skipped_without_being_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21: an all-NUL 1 GB file was read whole (2 GB RSS) before being skipped."""
    from cleanse import io as cio

    src = tmp_path / "in"
    src.mkdir()
    with open(src / "zeros.txt", "wb") as fh:
        fh.truncate(64 << 20)  # 64 MB of NULs (sparse: costs no disk)
    (src / "big.txt").write_bytes("正文第一段，内容完整。\n".encode() * 100_000)  # 3.3 MB of text
    reads: list[int] = []
    real = cio._read_all
    monkeypatch.setattr(cio, "_read_all", lambda fd, size: reads.append(size) or real(fd, size))
    result = CliRunner().invoke(main, ["run", str(src), str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "zeros.txt: binary data (only NUL bytes" in result.output
    assert reads == [(src / "big.txt").stat().st_size], "only the text file was read whole"


def test_an_input_tree_a_thousand_folders_deep_is_mirrored(tmp_path: Path) -> None:
    """Issue 21: os.makedirs and os.walk recurse; 1,000 nested folders gave a RecursionError."""
    src = tmp_path / "in"
    here = os.getcwd()
    src.mkdir()
    os.chdir(src)
    try:
        for _ in range(1000):
            os.mkdir("d")
            os.chdir("d")
        with open("a.txt", "w", encoding="utf-8") as fh:
            fh.write("正文,内容。\n")
    finally:
        os.chdir(here)
    out = tmp_path / "out"
    try:
        for _ in range(2):  # the second run also walks OUTPUT for stale temporary files
            result = CliRunner().invoke(main, ["run", str(src), str(out), "-j", "1"])
            assert result.exit_code == 0, result.output[-500:]
        found = out.joinpath(*["d"] * 1000, "a.txt")  # (rglob itself would recurse too deep)
        assert found.read_text(encoding="utf-8") == "正文，内容。\n"
    finally:  # pytest's own clean-up (shutil.rmtree) recurses: leave nothing this deep
        _remove_deep(src)
        _remove_deep(out)


def _remove_deep(root: Path) -> None:
    """Delete a tree without recursion, deepest folders first."""
    folders, order = [os.fspath(root)], []
    while folders:
        folder = folders.pop()
        order.append(folder)
        with contextlib.suppress(OSError), os.scandir(folder) as listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                else:
                    os.unlink(entry.path)
    for folder in reversed(order):
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def test_a_document_with_very_many_changes_keeps_bounded_records(tmp_path: Path) -> None:
    """Issue 21, item 10: one record per change made a 10 MB text hold millions of records
    (386 MB, a 600 MB report). Past MAX_RECORDS per rule they are counted, not kept."""
    from cleanse.document import MAX_RECORDS
    from cleanse.report import summarize

    text = ("中文,中文;" * 50 + "\n") * 200  # 10,000 commas and 10,000 semicolons
    doc = Cleaner().clean(text)
    by_rule: dict[str, int] = {}
    for change in doc.changes:
        by_rule[change.rule] = by_rule.get(change.rule, 0) + 1
    assert by_rule["punct.comma"] == MAX_RECORDS and by_rule["punct.semicolon"] == MAX_RECORDS
    assert doc.meta["omitted"] == {
        "punct.comma": 10_000 - MAX_RECORDS,
        "punct.semicolon": 10_000 - MAX_RECORDS,
    }
    assert doc.text == text.replace(",", "，").replace(";", "；"), "every change is still made"
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(text, encoding="utf-8")
    report = tmp_path / "r.jsonl"
    assert (
        CliRunner().invoke(main, ["run", str(src), str(tmp_path / "out"), "--report", str(report)]).exit_code
        == 0
    )
    (entry,) = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert entry["omitted"]["punct.comma"] == 10_000 - MAX_RECORDS
    assert dict((r, n) for r, _, _, n in summarize([entry]).rules())["punct.comma"] == 10_000
