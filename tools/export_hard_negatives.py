"""Write ``rules/hard-negatives.txt``: the hard-negative lines corpus learning must never propose.

The labelled hard negatives (``data/boilerplate/negatives*.jsonl``: real content that uses ad
words — laws, reports, install guides, notices with their own contact lines) are what the
scorer learns "content" from. Learning counts only lines that do not read as content
(:func:`cleanse.corpus.is_content_line`), so only those hard negatives can ever be proposed;
they are written here, one per line, and ``cleanse learn`` drops any learned line equal to one
and any template whose pattern matches one. Users may add their own lines to the file.

    python tools/export_hard_negatives.py          # rewrite the file
    python tools/export_hard_negatives.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from cleanse.corpus import is_content_line  # noqa: E402

TARGET = ROOT / "rules" / "hard-negatives.txt"
HEADER = """\
# Hard negatives: real content lines that look like stamps (ad words, contact labels, site
# names in a law or a report). `cleanse learn` never proposes a line equal to one of these,
# nor a template whose pattern matches one. Generated from data/boilerplate/negatives*.jsonl
# by tools/export_hard_negatives.py (only the lines learning could count: those that are not
# sentences, headings or dates); add your own below the generated part, one per line.
"""


def export() -> str:
    """The file's text: header, then the sorted, distinct countable hard-negative lines."""
    lines: set[str] = set()
    for path in sorted((ROOT / "data" / "boilerplate").glob("negatives*.jsonl")):
        for row in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(row)["text"].strip() if row.strip() else ""
            if text and "\n" not in text and not is_content_line(text):
                lines.add(text)
    return HEADER + "\n".join(sorted(lines)) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only check that the file is up to date")
    args = parser.parse_args()
    text = export()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if not current.startswith(text):
            print(f"{TARGET} is out of date: run python tools/export_hard_negatives.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {text.count(chr(10)) - HEADER.count(chr(10))} lines to {TARGET}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
