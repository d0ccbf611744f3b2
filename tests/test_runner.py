"""Runner and io: same outputs for any -j, atomic writes, quick imports (lazy heavy parts)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cleanse import Cleaner
from cleanse.discovery import discover
from cleanse.io import TMP_PREFIX, write_atomic
from cleanse.job import Job
from cleanse.runner import run
from conftest import ROOT, SAMPLE

SRC = ROOT / "src"


def _corpus(root: Path, n: int = 12) -> None:
    text = SAMPLE.read_text(encoding="utf-8", errors="replace")
    for i in range(n):
        codec = ("utf-8", "gb18030", "utf-16")[i % 3]
        path = root / f"sub{i % 2}" / f"doc{i:02d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text[: 300 + 97 * i].encode(codec, errors="replace"))


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_outputs_and_report_identical_for_any_jobs(tmp_path: Path) -> None:
    _corpus(tmp_path / "in")
    paths = discover(tmp_path / "in")
    cleaner = Cleaner()
    e1, s1 = run(cleaner, Job(tmp_path / "in", tmp_path / "o1"), paths, jobs=1)
    e2, _ = run(cleaner, Job(tmp_path / "in", tmp_path / "o2"), paths, jobs=2)
    assert list(e1) == list(e2)
    assert len(e1) == len(paths)
    assert _tree(tmp_path / "o1") == _tree(tmp_path / "o2")
    assert len(_tree(tmp_path / "o1")) == s1.cleaned + s1.unchanged
    assert [e["path"] for e in e1] == sorted(paths)
    assert e1[-1]["path"] == sorted(paths)[-1]


def test_spooled_report_equals_sorted_dicts(tmp_path: Path) -> None:
    from cleanse.report import to_jsonl, write_report

    _corpus(tmp_path / "in", 6)
    entries, _ = run(Cleaner(), Job(tmp_path / "in", tmp_path / "o"), discover(tmp_path / "in"), jobs=1)
    write_report(tmp_path / "r1.jsonl", entries)
    write_report(tmp_path / "r2.jsonl", list(entries))  # plain dicts: the sorting path
    assert (tmp_path / "r1.jsonl").read_bytes() == (tmp_path / "r2.jsonl").read_bytes()
    assert (tmp_path / "r1.jsonl").read_bytes() == to_jsonl(list(entries))


def test_single_file_input(tmp_path: Path) -> None:
    src = tmp_path / "one.txt"
    src.write_bytes(SAMPLE.read_bytes())
    entries, _ = run(Cleaner(), Job(src, tmp_path / "out"), discover(src), jobs=1)
    assert entries[0]["path"] == "one.txt"
    expected = Cleaner().clean_bytes(SAMPLE.read_bytes()).text
    assert (tmp_path / "out" / "one.txt").read_text(encoding="utf-8") == expected


def test_write_atomic_creates_folders_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.txt"
    write_atomic(target, b"one", durable=False)
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(TMP_PREFIX)]


def test_discover_skips_temps_and_sorts(tmp_path: Path) -> None:
    for rel in ("b/2.txt", "a/1.txt", "c.md", "d.bin", f"a/{TMP_PREFIX}x.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert discover(tmp_path) == ["a/1.txt", "b/2.txt", "c.md"]


def _modules_after(code: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_import_cleanse_is_lazy() -> None:
    mods = _modules_after("import cleanse")
    assert "regex" not in mods
    assert "cleanse.pipeline" not in mods


def test_version_loads_no_pipeline() -> None:
    code = (
        "import sys; sys.argv = ['cleanse', '--version']\n"
        "from cleanse.cli import main\n"
        "try:\n main()\nexcept SystemExit:\n pass"
    )
    mods = _modules_after(code)
    assert "cleanse.pipeline" not in mods
    assert "multiprocessing" not in mods


@pytest.mark.parametrize("name", ["Cleaner", "clean", "Document", "load_rules", "RuleSet", "Options"])
def test_lazy_names_resolve(name: str) -> None:
    import cleanse

    assert getattr(cleanse, name) is not None
    with pytest.raises(AttributeError):
        cleanse.no_such_name  # noqa: B018


def test_discover_skips_symlinks_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "z.txt").write_text("x")
    (tmp_path / "x.txt").write_text("x")
    (tmp_path / "linkdir").symlink_to(tmp_path / "a")
    (tmp_path / "link.txt").symlink_to(tmp_path / "x.txt")
    assert discover(tmp_path) == ["a/z.txt", "x.txt"]
    # linkdir is a second path to a/, which is listed once, under its real path
    assert discover(tmp_path, follow_symlinks=True) == ["a/z.txt", "link.txt", "x.txt"]


def test_following_links_lists_each_real_folder_once(tmp_path: Path) -> None:
    """Issue 21: levels each holding two links to the next gave 2^levels copies of one file."""
    levels = 18
    for i in range(levels):
        (tmp_path / f"l{i}").mkdir()
    for i in range(levels - 1):
        (tmp_path / f"l{i}" / "a").symlink_to(f"../l{i + 1}")
        (tmp_path / f"l{i}" / "b").symlink_to(f"../l{i + 1}")
    (tmp_path / f"l{levels - 1}" / "doc.txt").write_text("x")
    assert discover(tmp_path, follow_symlinks=True) == [f"l{levels - 1}/doc.txt"]
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "far.txt").write_text("x")
    (tmp_path / "far").symlink_to(outside)
    assert "far/far.txt" in discover(tmp_path, follow_symlinks=True), "a folder only a link reaches"


def test_read_bytes_reads_whole_files_and_refuses_big_ones_before_reading(tmp_path: Path) -> None:
    from cleanse.errors import InputError
    from cleanse.io import TooLarge, read_bytes

    empty, small = tmp_path / "empty.txt", tmp_path / "small.txt"
    empty.write_bytes(b"")
    small.write_bytes("正文。\n".encode() * 1000)
    assert read_bytes(empty) == b""
    assert read_bytes(small, max_bytes=10_000) == small.read_bytes()
    with pytest.raises(TooLarge, match="10,000 bytes is over the 9,999-byte limit"):
        read_bytes(small, max_bytes=9_999)
    with pytest.raises(InputError, match="is a folder"):
        read_bytes(tmp_path)
    with pytest.raises(InputError, match="vanished"):
        read_bytes(tmp_path / "gone.txt")


@pytest.mark.parametrize("jobs", [1, 2])
def test_summary_from_worker_tallies_equals_summary_of_the_report(tmp_path: Path, jobs: int) -> None:
    """Workers send tallies, not entries: the run's summary must still be that of its report."""
    from cleanse.report import summarize

    _corpus(tmp_path / "in", 9)
    (tmp_path / "in" / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    seen: list[str] = []
    entries, summary = run(
        Cleaner(),
        Job(tmp_path / "in", tmp_path / "o"),
        discover(tmp_path / "in"),
        jobs=jobs,
        on_result=lambda t: seen.append(f"{t.path}:{t.status}"),
    )
    expected = summarize(entries).as_dict()
    got = summary.as_dict()
    expected.pop("seconds"), got.pop("seconds")
    assert got == expected
    assert got["skipped"] == 1 and got["rules"]  # the binary file, and rules that fired
    assert seen == [f"{e['path']}:{e['status']}" for e in entries]


def test_globs_match_any_letter_case(tmp_path: Path) -> None:
    from cleanse.discovery import discover

    for name in ("a.txt", "B.TXT", "c.Md", "d.text", "e"):
        (tmp_path / name).write_text("正文。\n", encoding="utf-8")
    assert discover(tmp_path) == ["B.TXT", "a.txt", "c.Md"]
    assert discover(tmp_path, ("*.TEXT",)) == ["d.text"]
