"""Build the encoding-conformance corpus that bench/bench_conformance.py reads (its --manifest).

    python bench/conformance_corpus.py --out DIR [--chardet PATH] [--uchardet PATH]
        [--charset-normalizer PATH] [--cpython-cjk PATH]
    python bench/bench_conformance.py --manifest DIR/manifest.jsonl

For example, from fresh clones (any subset of the four sources will do; at least one is needed):

    git clone https://github.com/chardet/chardet /tmp/src/chardet
    git clone https://github.com/GerHobbelt/uchardet /tmp/src/uchardet
    git clone https://github.com/jawah/charset_normalizer /tmp/src/charset_normalizer
    python bench/conformance_corpus.py --out /tmp/conformance-corpus \\
        --chardet /tmp/src/chardet --uchardet /tmp/src/uchardet \\
        --charset-normalizer /tmp/src/charset_normalizer \\
        --cpython-cjk "$(python -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')/test/cjkencodings"

The corpus in /work/ext-corpora (whose manifest is bench_conformance.py's default) was built from
bare git snapshots; this gives the same manifest.jsonl lines and the same files (--out
/work/ext-corpora rebuilds it in place):

    python bench/conformance_corpus.py --out /tmp/ext-corpora \\
        --chardet /work/.mirror/chardet+chardet/repo \\
        --uchardet /work/.mirror/GerHobbelt+uchardet/repo \\
        --charset-normalizer /work/.mirror/jawah+charset_normalizer/repo \\
        --cpython-cjk /root/.pyenv/versions/3.13.0/lib/python3.13/test/cjkencodings

Each PATH is either a checked-out working tree (a plain directory, read from the file system;
whatever is in it besides ``.git`` counts, so use a clean checkout) or a bare git directory
(files are read from its HEAD with ``git --git-dir=PATH show HEAD:...``). For --cpython-cjk a
directory is the folder Lib/test/cjkencodings itself (or a Python installation's
test/cjkencodings; some distributions ship it in a separate package such as
libpython3.X-testsuite), or a CPython checkout's root; a git directory is CPython's, read at
HEAD:Lib/test/cjkencodings. Sources not given are skipped with a note.

Sources and how each file's expected encoding is derived (the manifest's ``stated`` is the label
as the source gives it, ``expected`` its Python codec name):

- chardet            github chardet/chardet, tests/<ENCODING>[-<language>]/<file>: the folder
                     name without its language suffix (as chardet's test.py reads it); the
                     language from that suffix. tests/README.txt is left out.
- uchardet           github GerHobbelt/uchardet (a mirror that merges gitlab freedesktop/uchardet;
                     the github freedesktop/uchardet snapshot stops in 2018),
                     test/<lang>/<charset>[.n].<ext>: the file name before its first dot (as
                     uchardet-tests.c reads it), and for a BOM-less utf-16 or utf-32 file the
                     extension as byte order (utf-16-le, ...); the language from the folder. The
                     test harness (CMakeLists.txt, uchardet-tests.c) is left out.
- charset_normalizer github jawah/charset_normalizer, data/<file>: encoding and language from the
                     parameters of its tests/test_full_detection.py; files without parameters
                     (data/NOTICE.md) are left out.
- cpython            CPython Lib/test/cjkencodings: <codec>.txt with <codec>-utf8.txt as its
                     expected text (``expected_text_path``); all files are copied.

A label with no Python codec keeps its lower-cased name and gets ``"python_codec": false``
(EUC-TW). Files in an encoding only one language uses get that language (``language_from``
"codec"). Every row carries the file's size and sha1, whether it decodes strictly with the
expected codec, and for cpython whether the decode equals the reference text.

Licences: chardet's test files are feeds "copyright [their] respective publisher" with no grant
(the repository is LGPL-2.1), so the corpus is built locally and never committed, here or
elsewhere; uchardet is MPL-1.1 / GPL-2.0+ / LGPL-2.1+; charset_normalizer is MIT, its data/
taken from Wikipedia (CC-BY-SA) or the public domain; CPython's files are under the PSF License.

--out receives <suite>/<path in its source> for every file, ``manifest.jsonl`` (one JSON line per
sample, paths relative to --out) and ``SOURCES.json`` (each source's path, kind, commit when it
is a git directory or a working tree inside a git repository, else "unknown", and the files left
out). Nothing already in --out is removed: build into a fresh folder.
"""

from __future__ import annotations

import argparse
import codecs
import hashlib
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Row = dict[str, object]

LANG_NAMES = {
    "arabic": "ar",
    "bulgarian": "bg",
    "chinese": "zh",
    "croatian": "hr",
    "czech": "cs",
    "english": "en",
    "french": "fr",
    "greek": "el",
    "hebrew": "he",
    "hungarian": "hu",
    "korean": "ko",
    "polish": "pl",
    "romanian": "ro",
    "russian": "ru",
    "slovak": "sk",
    "slovene": "sl",
    "spanish": "es",
    "turkish": "tr",
}
"""Language names in chardet's folders and charset_normalizer's tests, to ISO 639-1 codes."""

CODEC_LANG = {
    "big5": "zh",
    "gb2312": "zh",
    "gbk": "zh",
    "gb18030": "zh",
    "hz": "zh",
    "big5hkscs": "zh",
    "cp950": "zh",
    "euc-tw": "zh",
    "euc_kr": "ko",
    "cp949": "ko",
    "johab": "ko",
    "iso2022_kr": "ko",
    "euc_jp": "ja",
    "shift_jis": "ja",
    "cp932": "ja",
    "iso2022_jp": "ja",
    "euc_jisx0213": "ja",
    "shift_jisx0213": "ja",
    "tis-620": "th",
}
"""Encodings that only one language uses: the language follows from the codec."""

PROJECTS = {
    "chardet": "github chardet/chardet",
    "uchardet": "github GerHobbelt/uchardet",
    "charset_normalizer": "github jawah/charset_normalizer",
    "cpython": "CPython Lib/test/cjkencodings",
}
CJK_DIR = "Lib/test/cjkencodings"
UTF_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def is_git_dir(path: Path) -> bool:
    """Whether ``path`` is a git directory (bare, or a ``.git`` folder) rather than a working tree."""
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def git(args: list[str]) -> bytes:
    """Run git with ``args`` and return its standard output (raises when git fails)."""
    return subprocess.run(["git", *args], check=True, capture_output=True).stdout


@dataclass(frozen=True)
class Source:
    """A project snapshot: a git directory read at HEAD, or a directory on disk.

    Paths given to and returned by its methods are relative to ``root`` for a directory, and
    relative to the repository's top for a git directory, always with ``/`` separators.
    """

    root: Path
    git_dir: bool

    @classmethod
    def open(cls, path: Path) -> Source:
        """The snapshot at ``path``; exits with a message when it is not a directory."""
        if not path.is_dir():
            raise SystemExit(f"conformance_corpus: {path} is not a directory")
        return cls(path, is_git_dir(path))

    def list(self, under: str) -> list[str]:
        """Every file below folder ``under``, sorted by path bytes (the order of git ls-tree -r)."""
        if self.git_dir:
            out = git([f"--git-dir={self.root}", "ls-tree", "-r", "-z", "--name-only", "HEAD", under])
            return [name for name in out.decode().split("\0") if name]
        base = self.root / under if under else self.root
        found = (
            p.relative_to(self.root).as_posix()
            for p in base.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(self.root).parts
        )
        return sorted(found, key=lambda name: name.encode())

    def has(self, under: str) -> bool:
        """Whether folder ``under`` exists in the snapshot."""
        if self.git_dir:
            return bool(git([f"--git-dir={self.root}", "ls-tree", "HEAD", under]).strip())
        return (self.root / under).is_dir()

    def read(self, path: str) -> bytes:
        """The bytes of file ``path`` (at HEAD for a git directory)."""
        if self.git_dir:
            return git([f"--git-dir={self.root}", "show", f"HEAD:{path}"])
        return (self.root / path).read_bytes()

    def provenance(self) -> dict[str, object]:
        """Path, kind and commit of the snapshot, for SOURCES.json.

        The commit is "unknown" for a directory that no git repository's HEAD holds files of;
        ``dirty`` says whether a working tree differs from that commit.
        """
        kind = "git directory" if self.git_dir else "working tree"
        where = [f"--git-dir={self.root}"] if self.git_dir else ["-C", str(self.root)]
        info: dict[str, object] = {"path": str(self.root), "kind": kind, "commit": "unknown"}
        try:
            head = git([*where, "log", "-1", "--format=%H %cs"]).decode().split()
            # a folder inside some other repository (pyenv's, for a Python installation) is not its snapshot
            tracked = self.git_dir or bool(git([*where, "ls-tree", "--name-only", "HEAD", "--", "."]).strip())
        except (subprocess.CalledProcessError, FileNotFoundError):
            tracked = False
        if not tracked:
            info["kind"] = "directory"
            return info
        if len(head) == 2:
            info["commit"], info["date"] = head
        if not self.git_dir:
            info["dirty"] = bool(git([*where, "status", "--porcelain", "--", "."]).strip())
        return info


def codec_name(label: str) -> tuple[str, bool]:
    """(Python codec name, True), or (the label lower-cased, False) when Python lacks it."""
    for name in (label, re.sub(r"[-_]", "", label)):
        try:
            return codecs.lookup(name).name, True
        except LookupError:
            pass
    return label.lower(), False


def entry(
    suite: str,
    rel: str,
    data: bytes,
    label: str,
    language: str | None,
    language_from: str | None,
    **extra: object,
) -> Row:
    """The manifest row of one sample: expected codec, language, size, sha1, strict decode."""
    expected, python_codec = codec_name(label)
    if language is None and expected in CODEC_LANG:
        language, language_from = CODEC_LANG[expected], "codec"
    row: Row = {
        "suite": suite,
        "path": rel,
        "expected": expected,
        "stated": label,
        "language": language,
        "language_from": language_from,
        "bytes": len(data),
        "sha1": hashlib.sha1(data).hexdigest(),
    }
    if not python_codec:
        row["python_codec"] = False
    else:
        try:
            data.decode(expected)
            row["strict_decodes"] = True
        except UnicodeDecodeError as exc:
            row["strict_decodes"] = False
            row["decode_error"] = str(exc)[:120]
    row.update(extra)
    return row


def write(out: Path, rel: str, data: bytes) -> None:
    """Write ``data`` to ``out/rel``, making its folders."""
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def text_as_read(data: bytes) -> str:
    """UTF-8 ``data`` as ``Path.read_text`` gives it (universal newlines), as bench_conformance reads it."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8").read()


def chardet_language(folder: str) -> tuple[str, str | None, str | None]:
    """(encoding label, language, "path") from a chardet folder name such as ``windows-1251-russian``."""
    for word, code in LANG_NAMES.items():
        if folder.lower().endswith("-" + word):
            return folder[: -len(word) - 1], code, "path"
    return folder, None, None


def chardet_suite(src: Source, out: Path, skipped: list[str]) -> list[Row]:
    """chardet's tests/<ENCODING>[-<language>]/<file>."""
    rows = []
    for path in src.list("tests"):
        parts = path.split("/")
        rel = "chardet/" + path
        if len(parts) != 3:
            skipped.append(f"{rel} (not in an encoding folder)")
            continue
        data = src.read(path)
        label, language, language_from = chardet_language(parts[1])
        write(out, rel, data)
        rows.append(entry("chardet", rel, data, label, language, language_from))
    return rows


def uchardet_label(name: str, data: bytes) -> str:
    """The charset of uchardet's test/<lang>/<name>: before the first dot, plus byte order if BOM-less."""
    label = name.split(".")[0]  # CMake NAME_WE / strtok(".") in uchardet-tests.c
    if label in ("utf-16", "utf-32") and not data.startswith(UTF_BOMS):
        label += "-" + name.split(".")[-1].lower()  # BOM-less: the extension (.le/.be) tells the order
    return label


def uchardet_suite(src: Source, out: Path, skipped: list[str]) -> list[Row]:
    """uchardet's test/<lang>/<charset>[.n].<ext>."""
    rows = []
    for path in src.list("test"):
        parts = path.split("/")
        rel = "uchardet/" + path
        if len(parts) != 3 or not re.fullmatch(r"[a-z][a-z]", parts[1]):
            skipped.append(f"{rel} (test harness, not a sample)")
            continue
        data = src.read(path)
        write(out, rel, data)
        rows.append(entry("uchardet", rel, data, uchardet_label(parts[2], data), parts[1], "path"))
    return rows


def charset_normalizer_expectations(test_source: str) -> dict[str, tuple[str, str]]:
    """File name -> (encoding, language) from the parameters of tests/test_full_detection.py."""
    pattern = r'\("(sample-[^"]+)",\s*"([^"]+)",\s*"([^"]+)"\)'
    return {name: (label, language) for name, label, language in re.findall(pattern, test_source)}


def charset_normalizer_suite(src: Source, out: Path, skipped: list[str]) -> list[Row]:
    """charset_normalizer's data/<file>, with the expectations of its full-detection test."""
    expected = charset_normalizer_expectations(src.read("tests/test_full_detection.py").decode())
    rows = []
    for path in src.list("data"):
        rel = "charset_normalizer/" + path
        name = path.split("/")[-1]
        if name not in expected:
            skipped.append(f"{rel} (no expected encoding in tests/test_full_detection.py)")
            continue
        data = src.read(path)
        label, language = expected[name]
        if language.lower() not in LANG_NAMES:
            raise SystemExit(f"conformance_corpus: {rel}: language {language!r} not in LANG_NAMES")
        write(out, rel, data)
        rows.append(entry("charset_normalizer", rel, data, label, LANG_NAMES[language.lower()], "test"))
    return rows


def cjk_folder(src: Source) -> str:
    """Where the cjkencodings files lie in ``src``: Lib/test/cjkencodings, or its root."""
    if src.git_dir or src.has(CJK_DIR):
        return CJK_DIR
    return ""


def direct_files(src: Source, folder: str) -> list[str]:
    """The files right in ``folder`` (not in its subfolders), in listing order."""
    return [path for path in src.list(folder) if path.rpartition("/")[0] == folder]


def cpython_suite(src: Source, out: Path, skipped: list[str]) -> list[Row]:
    """CPython's Lib/test/cjkencodings: <codec>.txt, expected text <codec>-utf8.txt; all copied."""
    folder = cjk_folder(src)
    contents = {path.rpartition("/")[2]: src.read(path) for path in direct_files(src, folder)}
    for name, data in contents.items():
        write(out, f"cpython/{CJK_DIR}/{name}", data)
    rows = []
    for name, data in contents.items():
        stem = name.removesuffix(".txt")
        if not name.endswith(".txt") or stem.endswith("-utf8"):
            continue
        rel = f"cpython/{CJK_DIR}/{name}"
        reference = contents.get(stem + "-utf8.txt")
        if reference is None:
            skipped.append(f"{rel} (no -utf8 reference)")
            continue
        row = entry("cpython", rel, data, stem, None, None, expected_text_path=rel[:-4] + "-utf8.txt")
        row["reference_matches_decode"] = data.decode(str(row["expected"])) == text_as_read(reference)
        rows.append(row)
    return rows


SUITES: dict[str, Callable[[Source, Path, list[str]], list[Row]]] = {
    "chardet": chardet_suite,
    "uchardet": uchardet_suite,
    "charset_normalizer": charset_normalizer_suite,
    "cpython": cpython_suite,
}
"""Suite name -> builder, in manifest order."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line: --out and one optional path per source, at least one of them."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Each PATH: a working tree (plain directory) or a bare git directory (read at HEAD).",
    )
    parser.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder for the files and manifest.jsonl"
    )
    parser.add_argument("--chardet", type=Path, metavar="PATH", help="chardet/chardet (tests/)")
    parser.add_argument("--uchardet", type=Path, metavar="PATH", help="GerHobbelt/uchardet (test/)")
    parser.add_argument(
        "--charset-normalizer", type=Path, metavar="PATH", help="jawah/charset_normalizer (data/, tests/)"
    )
    parser.add_argument(
        "--cpython-cjk",
        type=Path,
        metavar="PATH",
        help="Lib/test/cjkencodings (or a Python installation's test/cjkencodings, or a CPython repository)",
    )
    args = parser.parse_args(argv)
    given = [path for path in source_paths(args).values() if path is not None]
    if not given:
        parser.error("give at least one of --chardet, --uchardet, --charset-normalizer, --cpython-cjk")
    for path in given:
        if not path.is_dir():
            parser.error(f"{path} is not a directory")
    return args


def source_paths(args: argparse.Namespace) -> dict[str, Path | None]:
    """Suite name -> the path given for it (None: not given)."""
    return {
        "chardet": args.chardet,
        "uchardet": args.uchardet,
        "charset_normalizer": args.charset_normalizer,
        "cpython": args.cpython_cjk,
    }


def build(paths: dict[str, Path | None], out: Path) -> tuple[list[Row], dict[str, object], list[str]]:
    """Extract every given source into ``out``: (manifest rows, provenance per suite, files left out)."""
    rows: list[Row] = []
    sources: dict[str, object] = {}
    skipped: list[str] = []
    for suite, builder in SUITES.items():
        path = paths[suite]
        if path is None:
            print(f"note: {suite} skipped (no path given)", file=sys.stderr)
            sources[suite] = "not given"
            continue
        src = Source.open(path)
        rows += builder(src, out, skipped)
        sources[suite] = {"project": PROJECTS[suite], **src.provenance()}
    return rows, sources, skipped


def write_outputs(out: Path, rows: list[Row], sources: dict[str, object], skipped: list[str]) -> None:
    """manifest.jsonl (one row a line) and SOURCES.json (provenance and files left out) in ``out``."""
    with (out / "manifest.jsonl").open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    (out / "SOURCES.json").write_text(
        json.dumps({"sources": sources, "skipped": skipped}, indent=1) + "\n", encoding="utf-8"
    )


def report(rows: list[Row], skipped: list[str]) -> None:
    """Counts per suite, the files left out and the rows worth a look, on stderr."""
    per_suite: dict[str, int] = {}
    for row in rows:
        per_suite[str(row["suite"])] = per_suite.get(str(row["suite"]), 0) + 1
    print(per_suite, "total", len(rows), "skipped", len(skipped), file=sys.stderr)
    for line in skipped:
        print("  skipped", line, file=sys.stderr)
    for row in rows:
        if False in (row.get("strict_decodes"), row.get("python_codec"), row.get("reference_matches_decode")):
            print("  note", row["path"], row["expected"], row.get("decode_error", ""), file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """Build the corpus the command line asks for."""
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rows, sources, skipped = build(source_paths(args), args.out)
    write_outputs(args.out, rows, sources, skipped)
    report(rows, skipped)


if __name__ == "__main__":
    main()
