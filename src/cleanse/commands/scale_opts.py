"""Options and helpers of ``cleanse run`` for scale and integration (issue 9).

Formats (``--format``, ``--text-field``, ``--meta-field``, ``-`` for stdin/stdout JSONL),
``--resume``, engines (``--engine``, ``--ray-address``) and configuration files
(``--config``, ``-v``). Kept apart from ``run_cmd.py`` so that the command stays short and
options added there by others merge cleanly.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from ..cli import STARTED, echo_err, stash_option
from ..discovery import DEFAULT_GLOBS
from ..errors import InputError
from ..job import FORMATS, Job
from ..report import write_report


def scale_options(fn: Any) -> Any:
    """--format, --text-field, --meta-field, --resume, --engine, --ray-address, --config, -v."""
    decorators = [
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="auto",
            show_default=True,
            help="Input kind: by file name (auto), text files, JSON Lines (.jsonl, .jsonl.gz, "
            ".jsonl.zst) or Parquet. INPUT and OUTPUT may be - (stdin/stdout JSONL).",
        ),
        click.option("--text-field", default="text", show_default=True, help="JSONL/Parquet field to clean."),
        click.option(
            "--meta-field",
            default=None,
            metavar="NAME",
            help="Also store each record's removals/changes/flags in this field.",
        ),
        click.option(
            "--resume",
            is_flag=True,
            help="Record progress in OUTPUT/.cleanse-manifest.jsonl and skip inputs it shows as "
            "cleaned with the same rules and options: start long runs with it, and run the same "
            "command again after a crash. The report still lists every input.",
        ),
        click.option(
            "--engine",
            type=click.Choice(("local", "ray")),
            default="local",
            show_default=True,
            help="local: worker processes here; ray: Ray Data (pip install 'cleanse[ray]').",
        ),
        click.option(
            "--ray-address", default=None, metavar="ADDR", help="Join this Ray cluster [default: local Ray]."
        ),
        click.option(
            "--config",
            type=click.Path(path_type=Path, dir_okay=False),
            expose_value=False,
            is_eager=True,
            callback=lambda ctx, _param, value: ctx.meta.__setitem__("cleanse.config", value),
            help="Settings file [default: cleanse.toml or pyproject.toml [tool.cleanse] above INPUT].",
        ),
        click.option("-v", "--verbose", is_flag=True, help="Say which config file and engine are used."),
    ]
    for deco in reversed(decorators):
        fn = deco(fn)
    return fn


class ConfiguredCommand(click.Command):
    """A command whose option defaults come from a config file (see ``config.py``)."""

    def invoke(self, ctx: click.Context) -> Any:
        apply_config(ctx)
        return super().invoke(ctx)


_NOT_CONFIGURABLE = frozenset({"help", "verbose"})


def _option_keys(command: click.Command) -> dict[str, click.Option]:
    """Config key (long option name, snake_case) -> option."""
    keys = {}
    for param in command.params:
        stashed = param.callback is stash_option  # layout options, --ad-threshold (see cli.py)
        if (
            isinstance(param, click.Option)
            and (param.expose_value or stashed)
            and param.name not in _NOT_CONFIGURABLE
        ):
            long = max(param.opts, key=len).lstrip("-").replace("-", "_")
            keys[long] = param
    return keys


def _config_value(ctx: click.Context, key: str, param: click.Option, value: Any, base: Path) -> Any:
    """A value from the file, relative paths resolved against the file's folder, type-checked."""
    where = f"{ctx.meta['cleanse.config_path']}: {key.replace('_', '-')}"
    if isinstance(param.type, click.Path):
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            want = "a path (a string) or a list of paths" if param.multiple else "a path (a string)"
            raise click.UsageError(f"{where}: {value!r} is not {want}; write it in quotes")
        resolved = [v if Path(v).is_absolute() else str(base / v) for v in values]
        value = resolved if isinstance(value, list) else resolved[0]
    if param.multiple and not isinstance(value, list):
        raise click.UsageError(f"{where}: {value!r} must be a list, e.g. [{value!r}]")
    try:
        return param.type_cast_value(ctx, value)
    except click.BadParameter as exc:
        raise click.UsageError(f"{where}: {exc.message}") from None
    except (TypeError, ValueError) as exc:
        raise click.UsageError(f"{where}: {value!r} does not fit this option ({exc})") from None


def apply_config(ctx: click.Context) -> None:
    """Fill options not given on the command line from the config file, if any."""
    from ..config import check_keys, find_config, load_config
    from ..errors import OptionError

    path = ctx.meta.get("cleanse.config")
    if path is None:
        start = ctx.params.get("input_path")
        path = find_config(Path.cwd() if start is None or str(start) == "-" else Path(start))
    if ctx.params.get("verbose"):
        echo_err(f"config: {path if path is not None else 'none found (using defaults)'}")
    if path is None:
        return
    keys = _option_keys(ctx.command)
    try:
        config = load_config(path)
        check_keys(config, keys)
    except OptionError as exc:
        raise click.UsageError(str(exc)) from None
    ctx.meta["cleanse.config_path"] = path
    for key, value in config.values.items():
        param = keys[key]
        if ctx.get_parameter_source(param.name) in (ParameterSource.DEFAULT, None):
            cast = _config_value(ctx, key, param, value, config.base)
            if param.expose_value:
                ctx.params[param.name] = cast
            else:  # an option the command reads from the stash (build_cleaner)
                stash_option(ctx, param, cast)


def open_manifest(cleaner: Any, job: Job, resume: bool) -> Any:
    """With ``--resume``, the manifest of OUTPUT: read what is done, record what gets done.

    Without it (or for a dry run, which writes nothing) OUTPUT holds only the cleaned files.
    """
    if job.dry_run or not resume:
        return None
    from ..resume import Manifest, config_hash

    config = config_hash(cleaner.ruleset, cleaner.options, job.settings())
    try:
        return Manifest.open(job.output_root, config, resume=resume)
    except OSError as exc:
        raise InputError(
            f"{job.output_root}: cannot keep the --resume manifest there ({exc.strerror or exc}); "
            "make OUTPUT writable, or run without --resume"
        ) from None


def run_stdin(
    cleaner: Any, output_path: Path, text_field: str, meta_field: str | None, report: Path | None, quiet: bool
) -> None:
    """``cleanse run - OUT``: JSONL from stdin to stdout (OUT is -) or to a file.

    Records stream through (stdout is written as they are cleaned); entries go to a spool,
    so memory stays flat; problems and the summary go to stderr.
    """
    from ..io import EntrySpool, write_atomic
    from ..jsonl import clean_stream
    from ..report import Summary, to_jsonl

    to_stdout = str(output_path) == "-"
    sink = sys.stdout.buffer if to_stdout else tempfile.TemporaryFile()  # noqa: SIM115
    spool, summary = EntrySpool(), Summary()
    for entry in clean_stream(cleaner, sys.stdin.buffer, sink, text_field, meta_field):
        spool.append(to_jsonl((entry,)))
        summary.add(entry)
        if entry["status"] == "failed" or (entry["status"] != "ok" and not quiet):
            echo_err(f"{entry['status']}: {entry['error']}")
    sink.flush()
    if not to_stdout:
        sink.seek(0)
        write_atomic(output_path, sink.read())
        sink.close()
    summary.seconds = time.perf_counter() - STARTED  # what the user waited: start-up included
    if report is not None:
        write_report(report, spool)
    if not quiet:
        echo_err(summary.line())
    if summary.failed:
        sys.exit(1)


def pick_engine(engine: str, ray_address: str | None, verbose: bool) -> Any:
    """The engine function: local worker processes, or Ray Data."""
    from ..runner import iter_results

    if engine == "local":
        if ray_address:
            raise click.UsageError("--ray-address needs --engine ray")
        return iter_results
    from ..engine_ray import ray_engine

    if verbose:
        echo_err(f"engine: ray ({ray_address or 'local Ray on this machine'})")
    return ray_engine(ray_address, quiet=not verbose)


def document_total(paths: list[str], fmt: str) -> Any:
    """The progress bar's total: the files, or unknown when record files hold many documents."""
    from ..jsonl import format_of

    return len(paths) if all(format_of(p, fmt) == "text" for p in paths) else None


def default_globs(fmt: str) -> tuple[str, ...]:
    """The file names each --format looks for."""
    from ..jsonl import JSONL_GLOBS, PARQUET_GLOBS
    from ..readers import available_globs

    by_format = {"text": DEFAULT_GLOBS, "jsonl": JSONL_GLOBS, "parquet": PARQUET_GLOBS}
    return by_format.get(fmt, DEFAULT_GLOBS + JSONL_GLOBS + PARQUET_GLOBS + available_globs())
