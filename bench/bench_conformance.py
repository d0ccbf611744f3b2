"""Encoding detection on other projects' test corpora: cleanse next to chardet and charset-normalizer.

    python bench/bench_conformance.py [--manifest PATH] [--only-cleanse] [--failures N]

The corpora are the sample files of chardet (tests/), uchardet (test/), charset_normalizer
(data/) and CPython (Lib/test/cjkencodings/), extracted under the manifest's folder
(default /work/ext-corpora) with one JSON line per file: its path, the expected encoding as a
Python codec name (``"python_codec": false`` when Python lacks it, e.g. EUC-TW) and, for
CPython's pairs, the UTF-8 reference text.

Build the corpus with bench/conformance_corpus.py (its docstring tells the sources, how each
expected encoding is derived and the licences: chardet's feeds carry no licence grant, so the
corpus is built locally and never committed), each PATH a working tree or a bare git directory
of chardet/chardet, GerHobbelt/uchardet and jawah/charset_normalizer, and for CPython the folder
Lib/test/cjkencodings (a Python installation's test/cjkencodings will do):

    python bench/conformance_corpus.py --out DIR --chardet PATH --uchardet PATH \\
        --charset-normalizer PATH --cpython-cjk PATH
    python bench/bench_conformance.py --manifest DIR/manifest.jsonl

The default manifest was built from the snapshots its folder's SOURCES.json names; to rebuild it:

    python bench/conformance_corpus.py --out /work/ext-corpora \\
        --chardet /work/.mirror/chardet+chardet/repo \\
        --uchardet /work/.mirror/GerHobbelt+uchardet/repo \\
        --charset-normalizer /work/.mirror/jawah+charset_normalizer/repo \\
        --cpython-cjk /root/.pyenv/versions/3.13.0/lib/python3.13/test/cjkencodings

Each file's expected text is its bytes decoded strictly with the expected codec (CPython: the
``-utf8`` reference file). A detector is right when its text equals the expected text after
line endings are normalized (\\r\\n and \\r -> \\n) and a leading U+FEFF is dropped. Without an
expected text (no Python codec) a detector is right only when it names the expected encoding
and still returns text.

Each cell shows two counts, ``text / decision``. *text*: the exact text, as above. *decision*:
the text, or the same bytes read with a vendor superset of the expected codec whose mapping
table differs in a few characters (Big5 read as cp950 — ``～`` for A1E3 where Python's big5
gives ``∼``; GB2312 as GB18030 — ``—`` for A1AA where gb2312 gives ``―``; Shift_JIS as cp932;
EUC-KR as cp949; TIS-620 as cp874), or, for an encoding Python has no codec for, a skip that
says so (cleanse's ``unsupported-encoding``). A silent failure is a wrong decision at
confidence >= 0.5.

- cleanse             ``cleanse.stages.encoding.decode(data)``; a DecodeError is "skipped"
                      (its ``.reason`` is listed); a wrong text with confidence >= 0.5 (no
                      warning in cleanse's report) is a silent failure
- chardet             ``chardet.detect(data)``, then a strict decode with its answer; no answer
                      or a failing decode is wrong
- charset-normalizer  ``charset_normalizer.from_bytes(data).best()``; ``str(best)`` is the text

Prints one Markdown table per expected encoding, with a totals row and a Chinese-only totals row
(expected codec in the GB, Big5, HZ or EUC-TW families, or language zh), a table per suite, and
then cleanse's failures (wrong or skipped) with its answer and the start of its text.
"""

from __future__ import annotations

import argparse
import codecs
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cleanse.errors import DecodeError  # noqa: E402
from cleanse.stages.encoding import UNCERTAIN, decode  # noqa: E402

MANIFEST = Path("/work/ext-corpora/manifest.jsonl")
CHINESE_CODECS = frozenset(
    {"gb2312", "gbk", "gb18030", "hz", "big5", "cp950", "big5hkscs", "euc-tw", "euc_tw", "iso2022_cn"}
)
DETECTORS = ("cleanse", "chardet", "charset-normalizer")
VENDOR_SUPERSETS = {
    "big5": {"cp950", "big5hkscs"},
    "gb2312": {"gbk", "gb18030"},
    "gbk": {"gb18030"},
    "shift_jis": {"cp932"},
    "euc_kr": {"cp949"},
    "tis-620": {"cp874"},
}
"""Codecs that read the same bytes as the expected one, but for a few characters their
mapping tables assign differently: the right decision, a different table."""
EXACT, DECIDED, WRONG = 2, 1, 0


@dataclass(frozen=True)
class Sample:
    """One corpus file and what it should decode to (``expected_text`` None: no Python codec)."""

    suite: str
    path: str
    expected: str
    language: str | None
    data: bytes
    expected_text: str | None


@dataclass(frozen=True)
class Answer:
    """One detector's reading of one file (``text`` None: no text came out)."""

    text: str | None
    encoding: str | None
    confidence: float | None = None
    decided_by: str = ""
    skipped: str | None = None  # cleanse's DecodeError reason


@dataclass
class Tally:
    """Counts for one row of a table."""

    files: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DETECTORS, 0))
    decided: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DETECTORS, 0))
    silent: int = 0
    skipped: int = 0


def normalized(text: str) -> str:
    """Line endings to \\n, a leading BOM dropped: differences no reader of the text cares about."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text[1:] if text.startswith("\ufeff") else text


def load(manifest: Path) -> list[Sample]:
    """The manifest's files with their bytes and expected text; paths are relative to its folder."""
    base = manifest.parent
    samples = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        data = (base / row["path"]).read_bytes()
        if row.get("expected_text_path"):
            expected_text: str | None = (base / row["expected_text_path"]).read_text(encoding="utf-8")
        elif row.get("python_codec", True):
            expected_text = data.decode(row["expected"])  # strict: the manifest's claim, checked
        else:
            expected_text = None
        samples.append(
            Sample(row["suite"], row["path"], row["expected"], row.get("language"), data, expected_text)
        )
    return samples


def run_cleanse(data: bytes) -> Answer:
    try:
        got = decode(data)
    except DecodeError as exc:
        return Answer(None, None, skipped=exc.reason, decided_by=str(exc)[:80])
    return Answer(got.text, got.encoding, got.confidence, got.decided_by)


def run_chardet(data: bytes) -> Answer:
    import chardet

    result = chardet.detect(data)
    encoding = result.get("encoding")
    if not encoding:
        return Answer(None, None, result.get("confidence"))
    try:
        return Answer(data.decode(encoding), encoding, result.get("confidence"))
    except (LookupError, UnicodeDecodeError):
        return Answer(None, encoding, result.get("confidence"))


def run_charset_normalizer(data: bytes) -> Answer:
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return Answer(None, None)
    return Answer(str(best), best.encoding)


def codec_key(name: str | None) -> str | None:
    """A codec's canonical Python name, else the name lower-cased (for names Python lacks)."""
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower().replace("_", "-")


def judge(sample: Sample, answer: Answer) -> int:
    """EXACT (the expected text), DECIDED (a vendor table's variant of it, or an unsupported
    encoding reported as such) or WRONG."""
    if answer.text is None:
        unsupported = sample.expected_text is None and answer.skipped == "unsupported-encoding"
        return DECIDED if unsupported else WRONG
    if sample.expected_text is None:
        return EXACT if codec_key(answer.encoding) == codec_key(sample.expected) else WRONG
    if normalized(answer.text) == normalized(sample.expected_text):
        return EXACT
    superset = codec_key(answer.encoding) in VENDOR_SUPERSETS.get(codec_key(sample.expected) or "", ())
    return DECIDED if superset else WRONG


def is_chinese(sample: Sample) -> bool:
    return sample.expected in CHINESE_CODECS or sample.language == "zh"


def evaluate(
    samples: list[Sample], detectors: dict[str, Callable[[bytes], Answer]]
) -> tuple[list[dict[str, int]], list[Answer], dict[str, float]]:
    """Per file: each detector's verdict (:func:`judge`); cleanse's answers; seconds per detector."""
    verdicts: list[dict[str, int]] = []
    cleanse_answers: list[Answer] = []
    seconds = dict.fromkeys(detectors, 0.0)
    for sample in samples:
        verdict = {}
        for name, detector in detectors.items():
            start = time.perf_counter()
            answer = detector(sample.data)
            seconds[name] += time.perf_counter() - start
            verdict[name] = judge(sample, answer)
            if name == "cleanse":
                cleanse_answers.append(answer)
        verdicts.append(verdict)
    return verdicts, cleanse_answers, seconds


def tally(rows: Iterable[tuple[Sample, dict[str, int], Answer]]) -> Tally:
    t = Tally()
    for _sample, verdict, answer in rows:
        t.files += 1
        for name, value in verdict.items():
            t.right[name] += value == EXACT
            t.decided[name] += value >= DECIDED
        if answer.skipped:
            t.skipped += 1
        elif verdict["cleanse"] == WRONG and (answer.confidence or 0.0) >= UNCERTAIN:
            t.silent += 1
    return t


def cell(count: int, files: int, shown: bool, percent: bool) -> str:
    if not shown:
        return "–"
    return f"{count} ({100 * count / files:.0f}%)" if percent and files else str(count)


def pair(exact: int, decided: int, files: int, shown: bool, percent: bool) -> str:
    if not shown:
        return "–"
    if exact == decided:
        return cell(exact, files, shown, percent)
    return f"{cell(exact, files, shown, percent)} / {cell(decided, files, shown, percent)}"


def table(title: str, rows: list[tuple[str, Tally]], shown: tuple[str, ...], percent_from: int) -> None:
    """One Markdown table; rows from index ``percent_from`` on get percentages."""
    print(f"\n### {title}\n")
    heads = ["encoding", "files", "cleanse (text / decision)", "chardet", "charset-normalizer"]
    heads += ["cleanse silent failures", "cleanse skipped"]
    print("| " + " | ".join(heads) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(heads) - 1)) + "|")
    for i, (label, t) in enumerate(rows):
        pct = i >= percent_from
        cols = [label, str(t.files)]
        cols += [pair(t.right[d], t.decided[d], t.files, d in shown, pct) for d in DETECTORS]
        cols += [cell(t.silent, t.files, True, pct), cell(t.skipped, t.files, True, pct)]
        print("| " + " | ".join(cols) + " |")


def difference(expected: str | None, got: str) -> str:
    """Where the texts part: "3 chars differ, first at 120: '·' U+30FB -> '·' U+00B7"."""
    if expected is None:
        return "no expected text"
    expected, got = normalized(expected), normalized(got)
    at = next((i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b), None)
    if at is None:
        return f"lengths {len(expected)} vs {len(got)}, one is a prefix of the other"
    pair = f"{expected[at]!r} U+{ord(expected[at]):04X} -> {got[at]!r} U+{ord(got[at]):04X}"
    if len(expected) != len(got):
        return f"lengths {len(expected)} vs {len(got)}, first difference at {at}: {pair}"
    count = sum(a != b for a, b in zip(expected, got, strict=True))
    return f"{count} of {len(expected)} chars differ, first at {at}: {pair}"


def failure_lines(results: list[tuple[Sample, dict[str, int], Answer]], limit: int) -> list[str]:
    lines = []
    for sample, verdict, answer in results:
        if verdict["cleanse"] == EXACT:
            continue
        if answer.skipped:
            got = f"skipped ({answer.skipped}: {answer.decided_by})"
            lines.append(f"- {sample.path} | expected {sample.expected} | {got}")
            continue
        silent = "SILENT " if (answer.confidence or 0.0) >= UNCERTAIN else ""
        if verdict["cleanse"] == DECIDED:
            silent = "vendor table "
        head = (answer.text or "")[:40]
        lines.append(
            f"- {sample.path} | expected {sample.expected} | {silent}{answer.encoding} "
            f"conf {answer.confidence:g} by {answer.decided_by} | {head!r} | "
            + difference(sample.expected_text, answer.text or "")
        )
    return lines[:limit] if limit >= 0 else lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help=f"[{MANIFEST}]")
    parser.add_argument("--only-cleanse", action="store_true", help="skip chardet and charset-normalizer")
    parser.add_argument("--failures", type=int, default=-1, help="cleanse failures to list [-1: all]")
    args = parser.parse_args()

    detectors: dict[str, Callable[[bytes], Answer]] = {"cleanse": run_cleanse}
    if not args.only_cleanse:
        detectors |= {"chardet": run_chardet, "charset-normalizer": run_charset_normalizer}
    samples = load(args.manifest)
    verdicts, answers, seconds = evaluate(samples, detectors)
    results = list(zip(samples, verdicts, answers, strict=True))
    shown = tuple(detectors)
    for verdict in verdicts:
        for name in DETECTORS:
            verdict.setdefault(name, WRONG)

    versions = _versions(shown)
    mb = sum(len(s.data) for s in samples) / 1e6
    print(f"{len(samples)} files, {mb:.1f} MB, from {args.manifest}; {versions}")
    print("seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()))

    by_codec: dict[str, list[tuple[Sample, dict[str, int], Answer]]] = defaultdict(list)
    by_suite: dict[str, list[tuple[Sample, dict[str, int], Answer]]] = defaultdict(list)
    for result in results:
        lacks = "†" if result[0].expected_text is None else ""
        by_codec[result[0].expected + lacks].append(result)
        by_suite[result[0].suite].append(result)
    rows = [(codec, tally(rs)) for codec, rs in sorted(by_codec.items())]
    rows.append(("**total**", tally(results)))
    rows.append(("**Chinese total**", tally(r for r in results if is_chinese(r[0]))))
    table(
        "By expected encoding († no Python codec: text = names it and returns text)",
        rows,
        shown,
        len(rows) - 2,
    )
    suites = [(suite, tally(rs)) for suite, rs in sorted(by_suite.items())]
    table("By suite", suites, shown, 0)

    lines = failure_lines(results, args.failures)
    failed = sum(v["cleanse"] != EXACT for v in verdicts)
    print(f"\n### cleanse failures ({failed}; {len(lines)} listed)\n")
    print("\n".join(lines))


def _versions(shown: tuple[str, ...]) -> str:
    from cleanse import __version__ as cleanse_version

    parts = [f"Python {sys.version.split()[0]}", f"cleanse {cleanse_version}"]
    modules: dict[str, Any] = {}
    if "chardet" in shown:
        import chardet

        modules["chardet"] = chardet
    if "charset-normalizer" in shown:
        import charset_normalizer

        modules["charset-normalizer"] = charset_normalizer
    parts += [f"{name} {module.__version__}" for name, module in modules.items()]
    return ", ".join(parts)


if __name__ == "__main__":
    main()
