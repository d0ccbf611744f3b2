"""The Ray Data engine: ``cleanse run --engine ray`` (optional extra ``cleanse[ray]``).

The input paths become a Ray Dataset; ``map_batches`` runs a pool of actors, each holding one
Cleaner built once (rules compile once per worker), and each batch goes through exactly the
function the local engine uses (``runner.process``), so outputs and report are byte-identical
to ``--engine local``. Workers read inputs and write outputs themselves: on a cluster INPUT
and OUTPUT must be on a file system every node mounts at the same path. Results come back in
input order (``preserve_order``), so the driver streams them into the report and the resume
manifest as they arrive, like the local engine.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .errors import OptionError
from .job import Job
from .report import tally
from .runner import Result, process

if TYPE_CHECKING:
    from .pipeline import Cleaner

BATCH_SIZE = 64


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise OptionError(
            "--engine ray needs Ray Data: pip install 'cleanse[ray]' (or 'ray[data]'); or use --engine local"
        ) from None
    return ray


class CleanBatches:
    """A Ray actor: one Cleaner per worker process, many batches of paths."""

    def __init__(self, cleaner: Cleaner, job: Job) -> None:
        self.cleaner, self.job = cleaner, job

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        rels, lines, records = [], [], []
        for rel in batch["rel"]:
            rel, _, found_lines, record = process(self.cleaner, self.job, str(rel))
            rels.append(rel)
            lines.append(found_lines)  # the report lines: any entry shape, encoded once
            records.append(record or b"")
        return {"rel": rels, "lines": lines, "record": records}


def _start(ray: Any, address: str | None, jobs: int) -> None:
    if ray.is_initialized():
        return
    import logging

    kwargs: dict[str, Any] = {
        "log_to_driver": False,
        "include_dashboard": False,
        "logging_level": logging.WARNING,
    }
    if address:
        ray.init(address=address, **kwargs)
    else:
        ray.init(num_cpus=jobs, **kwargs)


def _pool(ray: Any, size: int) -> dict[str, Any]:
    """A fixed pool of ``size`` actors, in the spelling this Ray version wants."""
    strategy = getattr(ray.data, "ActorPoolStrategy", None)
    if strategy is not None:
        return {"compute": strategy(size=size)}
    return {"concurrency": size}  # pragma: no cover - older Ray


def _quiet_ray_logs() -> None:
    """Ray Data logs every plan and setting at INFO/WARNING; keep errors only."""
    import logging

    for name in ("ray", "ray.data", "ray.data._internal.execution.streaming_executor"):
        logging.getLogger(name).setLevel(logging.ERROR)


def ray_engine(
    address: str | None = None, *, quiet: bool = False
) -> Callable[[Cleaner, Job, list[str], int], Iterable[Result]]:
    """An engine for ``runner.run``: the paths cleaned by Ray actors, results in path order.

    ``quiet`` keeps only Ray's errors on stderr (Ray sets its loggers up in ``ray.init``).
    """
    ray = _ray()

    def engine(cleaner: Cleaner, job: Job, paths: list[str], jobs: int) -> Iterator[Result]:
        if not paths:
            return
        _start(ray, address, jobs)
        if quiet:
            _quiet_ray_logs()
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        ds = ray.data.from_items([{"rel": p} for p in paths])
        ds = ds.map_batches(
            CleanBatches,
            fn_constructor_args=(cleaner, job),
            batch_size=BATCH_SIZE,
            **_pool(ray, max(1, jobs)),
            batch_format="numpy",
        )
        for row in ds.iter_rows():
            lines = bytes(row["lines"])
            tallies = [tally(json.loads(line)) for line in lines.splitlines()]
            yield str(row["rel"]), tallies, lines, (bytes(row["record"]) or None)

    return engine
