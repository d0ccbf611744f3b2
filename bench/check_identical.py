"""Prove an optimization changed nothing: clean a fixed set of inputs, save or compare results.

Speed work must leave every output and every report record byte-identical. This script cleans
a broad, fixed set of inputs — the devset, every fixture, the fuzz regressions and a generated
benchmark corpus (small dirty documents in mixed encodings plus one large document) — under
several option sets (defaults, placeholder marking, every optional rule on, whitespace
policies), and writes one JSON line per (option set, input) holding the cleaned text and the
full report entry. Run it with ``--save`` before a change and ``--compare`` after:

    python bench/check_identical.py --save /dev/shm/before.jsonl
    ... optimize ...
    python bench/check_identical.py --compare /dev/shm/before.jsonl

``--compare`` prints the first differences and exits 1 if anything differs.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

from cleanse import Cleaner  # noqa: E402
from cleanse.errors import CleanseError  # noqa: E402
from cleanse.report import document_entry  # noqa: E402
from cleanse.rules import load_rules  # noqa: E402


def option_sets() -> dict[str, Cleaner]:
    """The cleaners every input goes through: defaults and the options that change the path."""
    base = load_rules()
    optional = sorted(base.disabled)
    every_rule = load_rules(enable=optional)
    return {
        "default": Cleaner(base),
        "mark": Cleaner(base, placeholders="mark"),
        "all-rules": Cleaner(every_rule),
        "policies": Cleaner(base, indent="strip", tabs="expand", max_blank_lines=0),
        "keep-ads": Cleaner(base, keep_boilerplate=True, placeholders="off"),
    }


def inputs(work: Path, small: int) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of every input, in a fixed order."""
    # Names do not depend on where the checkout lives, so any worktree compares with any other.
    roots = {"devset/in": ROOT.parent / "shared" / "devset" / "in", "fixtures": ROOT / "fixtures"}
    for label, root in roots.items():
        if root.is_dir():
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                yield f"{label}/{path.relative_to(root)}", path.read_bytes()
    corpus.make_small(work / "small", small)
    corpus.make_large(work / "large", 1, 0.5)
    for path in sorted(p for p in work.rglob("*") if p.is_file()):
        yield "bench/" + str(path.relative_to(work)), path.read_bytes()


def records(small: int) -> Iterator[str]:
    """One JSON line per (option set, input): text and report entry, or the error."""
    cleaners = option_sets()
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as tmp:
        items = list(inputs(Path(tmp), small))
    for label, cleaner in cleaners.items():
        for name, data in items:
            try:
                doc = cleaner.clean_bytes(data, source=name)
                result = {"text": doc.text, "entry": document_entry(name, doc)}
            except CleanseError as exc:
                result = {"error": f"{type(exc).__name__}: {exc}"}
            yield json.dumps({"options": label, "input": name, **result}, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="write the results here")
    group.add_argument("--compare", type=Path, help="compare with results saved earlier")
    ap.add_argument("--small", type=int, default=1500, help="generated small documents [1500]")
    args = ap.parse_args(argv)
    lines = list(records(args.small))
    if args.save:
        args.save.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"saved {len(lines)} results to {args.save}")
        return 0
    before = {_key(line): line for line in args.compare.read_text(encoding="utf-8").splitlines()}
    now = {_key(line): line for line in lines}
    common = [k for k in now if k in before]
    diffs = [(before[k], now[k]) for k in common if before[k] != now[k]]
    for old, new in diffs[:5]:
        print(f"--- saved\n{old[:2000]}\n+++ now\n{new[:2000]}\n")
    extra = (
        f" ({len(now) - len(common)} new inputs, {len(before) - len(common)} gone)"
        if len(common) != len(now) or len(common) != len(before)
        else ""
    )
    print(f"{len(common) - len(diffs)} of {len(common)} results identical{extra}")
    return 1 if diffs else 0


def _key(line: str) -> tuple[str, str]:
    record = json.loads(line)
    return record["options"], record["input"]


if __name__ == "__main__":
    raise SystemExit(main())
