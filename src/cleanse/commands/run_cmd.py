"""``cleanse run INPUT OUTPUT``: clean a folder into another folder, with a report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from ..cli import (
    build_cleaner,
    cleaning_options,
    echo_err,
    handle_errors,
    load_ruleset,
    rule_options,
)
from ..io import DEFAULT_GLOBS, check_run_paths, discover, remove_stale_temps
from ..report import write_report
from ..runner import FORMATS, OUTPUT_ENCODINGS, Job, default_jobs
from ..runner import run as run_files


def _progress(total: int | None, quiet: bool) -> Any:
    """A tqdm bar on a terminal; nothing when quiet or when stderr is not a TTY."""
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="file", file=sys.stderr)


# -- scale and integration (issue 9): formats, resume, engines, config files ----------------
# Kept in one block, apart from the other options, so that parallel edits merge cleanly.


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
            help="Skip inputs already cleaned into OUTPUT with the same rules and options "
            "(recorded in OUTPUT/.cleanse-manifest.jsonl); the report still lists every input.",
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
        if isinstance(param, click.Option) and param.expose_value and param.name not in _NOT_CONFIGURABLE:
            long = max(param.opts, key=len).lstrip("-").replace("-", "_")
            keys[long] = param
    return keys


def _config_value(ctx: click.Context, key: str, param: click.Option, value: Any, base: Path) -> Any:
    """A value from the file, relative paths resolved against the file's folder, type-checked."""
    if isinstance(param.type, click.Path):
        values = value if isinstance(value, list) else [value]
        resolved = [v if Path(v).is_absolute() else str(base / v) for v in values]
        value = resolved if isinstance(value, list) else resolved[0]
    try:
        return param.type_cast_value(ctx, value)
    except click.BadParameter as exc:
        where = ctx.meta["cleanse.config_path"]
        raise click.UsageError(f"{where}: {key.replace('_', '-')}: {exc.message}") from None


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
            ctx.params[param.name] = _config_value(ctx, key, param, value, config.base)


def open_manifest(cleaner: Any, job: Job, resume: bool) -> Any:
    """The resume manifest of OUTPUT (None for a dry run, which writes nothing)."""
    if job.dry_run:
        return None
    from ..resume import Manifest, config_hash

    config = config_hash(cleaner.ruleset, cleaner.options, job.settings())
    return Manifest.open(job.output_root, config, resume=resume)


def run_stdin(
    cleaner: Any, output_path: Path, text_field: str, meta_field: str | None, report: Path | None, quiet: bool
) -> None:
    """``cleanse run - OUT``: JSONL from stdin; problems and the summary on stderr."""
    from ..report import Summary

    entries = run_stream(cleaner, output_path, text_field, meta_field)
    if report is not None:
        write_report(report, entries)
    summary = Summary()
    for entry in entries:
        summary.add(entry)
        if entry["status"] != "ok":
            echo_err(f"{entry['status']}: {entry['error']}")
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

    by_format = {"text": DEFAULT_GLOBS, "jsonl": JSONL_GLOBS, "parquet": PARQUET_GLOBS}
    return by_format.get(fmt, DEFAULT_GLOBS + JSONL_GLOBS + PARQUET_GLOBS)


def run_stream(cleaner: Any, output_path: Path, text_field: str, meta_field: str | None) -> list[dict]:
    """``cleanse run - OUT``: JSONL from stdin to stdout (OUT is -) or to a file."""
    from ..jsonl import clean_stream

    if str(output_path) == "-":
        out = sys.stdout.buffer
        entries = list(clean_stream(cleaner, sys.stdin.buffer, out, text_field, meta_field))
        out.flush()
        return entries
    import io

    sink = io.BytesIO()
    entries = list(clean_stream(cleaner, sys.stdin.buffer, sink, text_field, meta_field))
    from ..io import write_atomic

    write_atomic(output_path, sink.getvalue())
    return entries


@click.command(cls=ConfiguredCommand)
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="OUTPUT", type=click.Path(path_type=Path))
@rule_options
@cleaning_options
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path),
    help="Write the JSONL report (one object per document) here.",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes [default: all cores]."
)
@click.option(
    "--glob",
    "globs",
    multiple=True,
    metavar="PATTERN",
    help=f"File names to clean (repeatable) [default: {' '.join(DEFAULT_GLOBS)}, plus "
    "*.jsonl(.gz|.zst) and *.parquet with --format auto].",
)
@click.option(
    "--output-encoding",
    type=click.Choice(OUTPUT_ENCODINGS),
    default="utf-8",
    show_default=True,
    help="Encoding of the written files.",
)
@click.option("--dry-run", is_flag=True, help="Write nothing but the report.")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links under INPUT.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
@scale_options
@handle_errors
def run(
    input_path: Path,
    output_path: Path,
    rule_paths: tuple[Path, ...],
    disable: tuple[str, ...],
    enable: tuple[str, ...],
    no_default_rules: bool,
    placeholders: str,
    mark_template: str,
    encoding: str,
    keep_boilerplate: bool,
    report_path: Path | None,
    jobs: int | None,
    globs: tuple[str, ...],
    output_encoding: str,
    dry_run: bool,
    follow_symlinks: bool,
    quiet: bool,
    fmt: str,
    text_field: str,
    meta_field: str | None,
    resume: bool,
    engine: str,
    ray_address: str | None,
    verbose: bool,
) -> None:
    """Clean every matching file under INPUT into OUTPUT (same relative paths, UTF-8).

    \b
    Examples:
      cleanse run corpus/ clean/ --report report.jsonl -j 4
      cleanse run corpus/ clean/ --report report.jsonl --resume      # after a crash
      cleanse run dumps/ clean/ --format jsonl --text-field content --meta-field cleanse
      zcat a.jsonl.gz | cleanse run --format jsonl - - > clean.jsonl
    """
    if str(input_path) != "-":
        check_run_paths(input_path, output_path)
    ruleset = load_ruleset(rule_paths, disable, enable, no_default_rules)
    cleaner = build_cleaner(
        ruleset,
        placeholders=placeholders,
        mark_template=mark_template,
        encoding=encoding,
        keep_boilerplate=keep_boilerplate,
    )
    if str(input_path) == "-":
        run_stdin(cleaner, output_path, text_field, meta_field, report_path, quiet)
        return
    if str(output_path) == "-":
        raise click.UsageError("OUTPUT - (stdout) needs INPUT - (JSONL from stdin); give an output folder")
    run_engine = pick_engine(engine, ray_address, verbose)  # before the manifest: fail early
    globs = globs or default_globs(fmt)
    paths = discover(input_path, globs, follow_symlinks=follow_symlinks)
    if not paths:
        echo_err(f"warning: no files matching {' '.join(globs)} under {input_path}")
    if not dry_run:
        list(remove_stale_temps(output_path))
    job = Job(
        input_path,
        output_path,
        output_encoding=output_encoding,
        dry_run=dry_run,
        track=not dry_run,
        format=fmt,
        text_field=text_field,
        meta_field=meta_field,
    )
    manifest = open_manifest(cleaner, job, resume)
    bar = _progress(document_total(paths, fmt), quiet)

    def on_result(entry: dict[str, Any]) -> None:
        if bar is not None:
            bar.update(1)
        if entry["status"] != "ok":
            message = f"{entry['status']}: {entry['error']}"
            (bar.write if bar is not None else echo_err)(message)

    try:
        entries, summary = run_files(
            cleaner,
            job,
            paths,
            jobs=jobs or default_jobs(),
            on_result=on_result,
            manifest=manifest,
            engine=run_engine,
        )
    finally:
        if manifest is not None:
            manifest.close()
    if bar is not None:
        bar.close()
    if report_path is not None:
        write_report(report_path, entries)
    if not quiet:
        echo_err(summary.line())
    if summary.failed:
        sys.exit(1)
