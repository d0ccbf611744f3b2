"""The ``cleanse`` command: click commands only — parse, call the library, print.

Exit codes: 0 all fine, 1 some files failed (or rule examples failed), 2 usage error.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ._version import __version__
from .errors import CleanseError, InputError, RuleFileError

if TYPE_CHECKING:  # the pipeline loads only when a command runs (quick --version and --help)
    from .pipeline import Cleaner
    from .rules import RuleSet

STARTED = time.perf_counter()
"""When the command started (this module is the first of cleanse a command imports): the
summary's time includes start-up, as the user waited for it."""

F = TypeVar("F", bound=Callable[..., Any])


class UsageFailure(click.UsageError):
    """A usage error (exit 2) whose message is a CleanseError's."""


def _fail_usage(exc: CleanseError) -> None:
    raise UsageFailure(str(exc))


def rule_options(fn: F) -> F:
    """--rules / --disable / --enable / --no-default-rules, shared by every cleaning command."""
    decorators = [
        click.option(
            "--rules",
            "rule_paths",
            multiple=True,
            type=click.Path(path_type=Path),
            help="Extra rule file or folder (repeatable); same id replaces a default.",
        ),
        click.option("--disable", multiple=True, metavar="ID", help="Turn a rule off (repeatable)."),
        click.option(
            "--enable", multiple=True, metavar="ID", help="Turn on an off-by-default rule (repeatable)."
        ),
        click.option("--no-default-rules", is_flag=True, help="Use only the --rules files."),
    ]
    for deco in reversed(decorators):
        fn = deco(fn)
    return fn


def stash_option(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep a layout option in ``ctx.meta`` for :func:`build_cleaner` (commands need no parameter)."""
    if param.name is not None:
        ctx.meta.setdefault(_STASH, {})[param.name] = value
    return value


_STASH = "cleanse.cleaning_options"


def cleaning_options(fn: F) -> F:
    """Options that shape what a Cleaner does.

    The layout options (--indent, --tabs, --max-blank-lines) and --rule-timeout are not passed to the
    command function: they are stashed in the click context and picked up by build_cleaner.
    """
    from .pipeline import PLACEHOLDER_MODES, Options
    from .stages.whitespace import INDENT_POLICIES, TAB_POLICIES

    decorators = [
        click.option(
            "--placeholders",
            type=click.Choice(PLACEHOLDER_MODES),
            default="flag",
            show_default=True,
            help="Flag placeholders, mark them in the text, or skip.",
        ),
        click.option(
            "--mark-template",
            default=Options.mark_template,
            show_default=True,
            help="Template for --placeholders mark: {text} (required), {category} (alias {kind}), {rule}.",
        ),
        click.option(
            "--encoding",
            default="auto",
            show_default=True,
            help="Force a codec for every input instead of detecting it.",
        ),
        click.option("--keep-boilerplate", is_flag=True, help="Only normalize; remove no ads."),
        click.option(
            "--indent",
            type=click.Choice(INDENT_POLICIES),
            default="keep",
            show_default=True,
            expose_value=False,
            callback=stash_option,
            help="Leading indentation: keep it, strip it, or normalize it to two U+3000 (GB/T 9704).",
        ),
        click.option(
            "--tabs",
            type=click.Choice(TAB_POLICIES),
            default="keep",
            show_default=True,
            expose_value=False,
            callback=stash_option,
            help="Tab characters: keep, turn each run into one space, or expand to 4-column stops.",
        ),
        click.option(
            "--max-blank-lines",
            type=click.IntRange(min=0),
            default=Options.max_blank_lines,
            show_default=True,
            expose_value=False,
            callback=stash_option,
            help="Most blank lines kept in a row between paragraphs.",
        ),
        click.option(
            "--ad-threshold",
            type=click.FloatRange(min=0, max=1, min_open=True, max_open=True),
            default=None,
            expose_value=False,
            callback=stash_option,
            help="Score at or above which the learned scorer (model.boilerplate) removes a line "
            "[default: the rule's; see `cleanse rules show model.boilerplate`]. Higher removes less.",
        ),
        click.option(
            "--rule-timeout",
            type=click.FloatRange(min=0.001),
            default=Options.rule_timeout,
            show_default=True,
            expose_value=False,
            callback=stash_option,
            help="Seconds one rule may take on one line; a slower rule is skipped for that document.",
        ),
    ]
    for deco in reversed(decorators):
        fn = deco(fn)
    return fn


def load_ruleset(
    rule_paths: tuple[Path, ...], disable: tuple[str, ...], enable: tuple[str, ...], no_default_rules: bool
) -> RuleSet:
    """The RuleSet for a command; rule-file problems become a usage error (exit 2)."""
    from .rules import load_rules

    try:
        ruleset = load_rules(rule_paths, defaults=not no_default_rules, disable=disable, enable=enable)
    except RuleFileError as exc:
        raise UsageFailure("invalid rules:\n" + "\n".join(f"  {p}" for p in exc.problems)) from None
    for warning in ruleset.warnings:
        click.echo(f"warning: {warning}", err=True)
    return ruleset


def build_cleaner(ruleset: RuleSet, **options: Any) -> Cleaner:
    """A Cleaner, with option errors reported as usage errors."""
    from .pipeline import Cleaner, Options

    ctx = click.get_current_context(silent=True)
    stashed = ctx.meta.get(_STASH, {}) if ctx is not None else {}
    try:
        return Cleaner(ruleset, Options(**{**stashed, **options}))
    except CleanseError as exc:
        raise UsageFailure(str(exc)) from None


RULE_OPTIONS = ("rule_paths", "disable", "enable", "no_default_rules")
CLEANING_OPTIONS = ("placeholders", "mark_template", "encoding", "keep_boilerplate")


def ruleset_from(options: dict[str, Any]) -> RuleSet:
    """The RuleSet named by a command's :func:`rule_options` (passed on as ``**options``)."""
    return load_ruleset(*(options[key] for key in RULE_OPTIONS))


def cleaner_from(ruleset: RuleSet, options: dict[str, Any]) -> Cleaner:
    """A Cleaner from a command's :func:`cleaning_options` (passed on as ``**options``)."""
    return build_cleaner(ruleset, **{key: options[key] for key in CLEANING_OPTIONS})


def handle_errors(fn: F) -> F:
    """Turn library errors that escape a command into clear messages, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CleanseError as exc:
            raise UsageFailure(str(exc)) from None

    return wrapper  # type: ignore[return-value]


class LazyGroup(click.Group):
    """A group whose commands are imported when first used, so ``--version`` loads no pipeline.

    ``lazy_commands`` maps a command name to ``"module:attribute"``; commands added with
    ``add_command`` work as usual.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def invoke(self, ctx: click.Context) -> Any:
        """Ctrl-C anywhere (building the rules, listing files) exits 130, as documented, and
        says how to go on; click alone would print "Aborted!" and exit 1 ("files failed")."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            echo_err(
                "interrupted before any file was cleaned; run the same command again "
                "(with --resume, a `cleanse run` continues where it stopped)"
            )
            ctx.exit(130)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy_commands.get(cmd_name)
        if target is not None and cmd_name not in self.commands:
            import importlib

            module, _, attr = target.partition(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleanse")
def main() -> None:
    """Clean messy Chinese documents: encodings, ads, punctuation, whitespace, placeholders.

    \b
    Example:
      cleanse run input/ output/ --report report.jsonl
    """


def _register() -> None:
    """Attach the commands (kept in their own modules to keep this one small), loaded lazily."""
    assert isinstance(main, LazyGroup)
    for name in ("run", "clean", "rules", "explain", "report", "learn"):
        main.lazy_commands[name] = f"cleanse.commands.{name}_cmd:{name}"


def echo_err(message: str) -> None:
    """A message for people, on stderr."""
    click.echo(message, err=True)


def read_document_arg(source: str, data: bytes) -> Any:
    """The lines of a FILE argument that is a .docx, web page or PDF (``readers.Extracted``),
    read as ``cleanse run`` reads it; None for text (stdin, a text name, or a document whose
    bytes are plain text). An unreadable document is an InputError naming the file."""
    from . import readers
    from .job import DEFAULT_MAX_BYTES

    if source == "-" or not readers.is_document(source):
        return None
    try:
        return readers.read_limited(source, data, max_bytes=DEFAULT_MAX_BYTES)
    except readers.Unreadable as exc:
        raise InputError(f"{source}: {exc}") from None


def document_json(doc: Any, extracted: Any = None) -> str:
    """A Document as JSON: text, encoding, removed, changes, flags (records as in the report);
    for a document a reader read (``extracted``), also its ``format``, counts and each
    record's ``where``, as the run report gives them."""
    from .report import removal_record

    record: dict[str, Any] = {
        "source": doc.source,
        "encoding": doc.encoding,
        "text": doc.text,
        "removed": [removal_record(r) for r in doc.removed],
        "changes": [asdict(c) for c in doc.changes],
        "flags": [asdict(f) for f in doc.flags],
        "warnings": list(doc.meta.get("warnings", ())),
    }
    if extracted is not None:
        from .readers import annotate

        record = annotate(record, extracted)
    return json.dumps(record, ensure_ascii=False, indent=1)


_register()
