"""Throughput of the datatrove step next to ``cleanse run --format jsonl`` on the same records.

Generates (deterministically) N short dirty JSONL records like the devset's documents (a
promotional header, sometimes a footer, half-width punctuation, placeholders; 100-300
characters of body) on a RAM disk, then times, each as a fresh process so start-up counts
for both:

- ``cleanse run records/ out/ --format jsonl -j J`` (``--report`` on: the report is what the
  step's stats and metadata stand for);
- a datatrove ``LocalPipelineExecutor(tasks=J)``: ``JsonlReader`` -> ``CleanseFormatter()``
  (``report="counts"``) -> ``JsonlWriter(compression=None)``;

checks that both wrote the same cleaned texts, and prints records/s and the ratio.

    python bench/bench_integrations.py                 # 100,000 records, one process each
    python bench/bench_integrations.py --records 20000 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import corpus

PIPELINE = """
import sys
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from cleanse.integrations.datatrove import CleanseFormatter

work, tasks = sys.argv[1], int(sys.argv[2])
LocalPipelineExecutor(
    pipeline=[
        JsonlReader(f"{work}/records"),
        CleanseFormatter(),
        JsonlWriter(f"{work}/datatrove-out", compression=None),
    ],
    tasks=tasks,
    workers=tasks,
    logging_dir=f"{work}/datatrove-logs",
).run()
"""


def make_records(folder: Path, count: int, shards: int, seed: int = 7) -> int:
    """``count`` records in ``shards`` files (one per process, for both runs); total bytes."""
    rng = random.Random(seed)
    paragraphs = corpus._paragraphs()
    folder.mkdir(parents=True)
    handles = [(folder / f"part-{i:02d}.jsonl").open("w", encoding="utf-8") for i in range(shards)]
    for n in range(count):
        text = corpus.small_document(rng, paragraphs, rng.randint(100, 300))
        handles[n % shards].write(json.dumps({"id": f"r{n}", "text": text}, ensure_ascii=False) + "\n")
    for handle in handles:
        handle.close()
    return sum(p.stat().st_size for p in folder.iterdir())


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def texts_by_id(paths: list[Path]) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            found[record["id"]] = record.get("text", "")  # datatrove's writer leaves out an empty text
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=1, help="processes for both runs (-j / tasks)")
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/cleanse-bench-integrations"))
    args = parser.parse_args(argv)
    shutil.rmtree(args.work, ignore_errors=True)
    size = make_records(args.work / "records", args.records, args.jobs)
    cleanse = str(Path(sys.executable).parent / "cleanse")
    cli_s = timed(
        [
            cleanse,
            "run",
            str(args.work / "records"),
            str(args.work / "cli-out"),
            "--format",
            "jsonl",
            "-j",
            str(args.jobs),
            "-q",
            "--report",
            str(args.work / "cli-report.jsonl"),
        ]
    )
    dt_s = timed([sys.executable, "-c", PIPELINE, str(args.work), str(args.jobs)])
    cli = texts_by_id(sorted((args.work / "cli-out").glob("*.jsonl")))
    dt = texts_by_id(sorted((args.work / "datatrove-out").glob("*.jsonl")))
    same = cli == dt and len(cli) == args.records
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"{when}; {platform.python_implementation()} {platform.python_version()}; {args.records:,} records "
        f"({size / 1e6:.1f} MB) in {args.jobs} file(s), {args.jobs} process(es) each"
    )
    print(f"{'run':<58} {'seconds':>8} {'records/s':>10}")
    print(
        f"{'cleanse run --format jsonl -j' + str(args.jobs):<58} {cli_s:8.2f} {args.records / cli_s:10,.0f}"
    )
    print(
        f"{'datatrove: JsonlReader -> CleanseFormatter -> JsonlWriter':<58} {dt_s:8.2f} {args.records / dt_s:10,.0f}"
    )
    print(f"datatrove / cli time: {dt_s / cli_s:.2f}x; cleaned texts identical: {same}")
    shutil.rmtree(args.work, ignore_errors=True)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
