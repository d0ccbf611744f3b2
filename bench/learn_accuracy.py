"""Stamp recall and body loss of ``cleanse run --learn`` on generated mixed folders, by size.

Writes folders of N documents made by ``tests/sites_gen.py`` (twelve invented sites with
templated stamps on real body documents among real hard negatives), runs ``cleanse run``
with and without ``--learn`` on each, and counts from the reports which stamp lines were
removed and which other non-blank lines were removed (lost). Prints a Markdown table.

    PYTHONPATH=src python bench/learn_accuracy.py 40 400 4000 --seeds 1 2 3
    PYTHONPATH=src python bench/learn_accuracy.py 400 --min-docs 2 3 4 5   # threshold sweep
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from sites_gen import make_corpus, write_corpus

WHITESPACE = "whitespace."


def removed_lines(report: Path) -> dict[str, dict[int, str]]:
    """Per document, the 1-based numbers of lines removed by anything but whitespace rules,
    each with the rule that removed it."""
    out: dict[str, dict[int, str]] = {}
    for line in report.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if "removed" not in record:
            continue
        removed = record["removed"]
        out[record["path"]] = {r["line"]: r["rule"] for r in removed if not r["rule"].startswith(WHITESPACE)}
    return out


def run(root: Path, work: Path, extra: list[str], jobs: int) -> tuple[dict[str, dict[int, str]], int]:
    """Clean ``root`` into ``work``; the removed lines and the number of learned rules."""
    report = work / "report.jsonl"
    cmd = [sys.executable, "-m", "cleanse", "run", str(root), str(work / "out"), "--report", str(report)]
    cmd += ["-q", "-j", str(jobs), *extra]
    subprocess.run(cmd, check=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")})
    learned = report.with_name("report.learned.toml")
    rules = learned.read_text(encoding="utf-8").count("[[rule]]") if learned.exists() else 0
    templates = learned.read_text(encoding="utf-8").count('"learned.template-') if learned.exists() else 0
    return removed_lines(report), rules * 1000 + templates


def measure(
    count: int, seed: int, extra: list[str], jobs: int, show: bool = False, manuals: bool = False
) -> dict[str, int]:
    docs = make_corpus(count, seed, manuals=manuals)
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as tmp:
        root = Path(tmp) / "in"
        write_corpus(root, docs)
        found: dict[str, int] = {}
        for label, args in (("base", []), ("learn", ["--learn", *extra])):
            work = Path(tmp) / label
            work.mkdir()
            removed, rules = run(root, work, args, jobs)
            stamps = kept = lost = body = 0
            for doc in docs:
                gone = removed.get(doc.name, {})
                for i, line in enumerate(doc.lines):
                    if not line.strip():
                        continue
                    if i in doc.stamped:
                        stamps += 1
                        kept += (i + 1) not in gone
                    else:
                        body += 1
                        lost += (i + 1) in gone
                        if show and (i + 1) in gone:
                            print(f"lost ({label}) {doc.name}:{i + 1} {gone[i + 1]}: {line[:70]}")
            found |= {
                f"{label}_removed": stamps - kept,
                f"{label}_lost": lost,
                "stamps": stamps,
                "body": body,
                f"{label}_rules": rules // 1000,
                f"{label}_templates": rules % 1000,
            }
        return found


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--min-docs", type=int, nargs="+", default=[0], help="0: the default")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--show-lost", action="store_true", help="print each lost line and its rule")
    parser.add_argument("--manuals", action="store_true", help="manual pages among the bodies too")
    args = parser.parse_args()
    print(
        "| files | seed | min-docs | stamp lines | removed without --learn | removed with --learn "
        "| body lines | lost without | lost with | rules (templates) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for size in args.sizes:
        for seed in args.seeds:
            for min_docs in args.min_docs:
                extra = ["--min-docs", str(min_docs)] if min_docs else []
                m = measure(size, seed, extra, args.jobs, args.show_lost, args.manuals)
                s = m["stamps"]
                print(
                    f"| {size:,} | {seed} | {min_docs or 'default'} | {s:,} "
                    f"| {m['base_removed']:,} ({m['base_removed'] / s:.3f}) "
                    f"| {m['learn_removed']:,} ({m['learn_removed'] / s:.3f}) | {m['body']:,} "
                    f"| {m['base_lost']} | {m['learn_lost']} | {m['learn_rules']} ({m['learn_templates']}) |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
