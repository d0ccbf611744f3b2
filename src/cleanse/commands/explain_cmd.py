"""``cleanse explain FILE``: every removal, change and flag of one document, in place."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from .. import readers
from ..cli import cleaner_from, cleaning_options, handle_errors, read_document_arg, rule_options, ruleset_from
from ..document import Document
from ..errors import DecodeError
from ..explain import full_view, stage_names, stage_views
from ..explain_render import render
from ..io import read_bytes
from ..pipeline import Cleaner

STAGES = ("whitespace", "boilerplate", "punctuation", "placeholders")


def use_color(choice: str) -> bool:
    """``auto`` colours only a terminal, and never when NO_COLOR is set (no-color.org)."""
    if choice == "auto":
        return sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return choice == "always"


def read_for_explain(cleaner: Cleaner, source: str, data: bytes) -> tuple[Document, Document]:
    """The text shown, and the document the stages start from: one and the same for a text
    file. A .docx, web page or PDF is read into lines first, as ``cleanse run`` reads it; the
    page furniture its reader removes (a PDF's running headers) is shown removed, with its
    rule id, so the lines shown are all the document's lines."""
    extracted = read_document_arg(source, data)
    if extracted is not None:  # each line's place in the document goes along (notes)
        places = extracted.where
        whole = readers.to_document(replace(extracted, drops={}), source, len(data))
        start = readers.to_document(extracted, source, len(data))
        return whole.with_meta(places=places), start.with_meta(places=places)
    try:
        decoded = cleaner.decode(data, source=source)
    except DecodeError as exc:
        raise click.UsageError(
            f"{source}: {exc}; explain shows text files, .docx, web pages and PDF (try --encoding NAME)"
        ) from None
    return decoded, decoded


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path))
@rule_options
@cleaning_options
@click.option(
    "--stage",
    type=click.Choice(STAGES),
    default=None,
    help="Show one stage's effect only (whitespace runs twice: early and final).",
)
@click.option(
    "--color",
    "color",
    type=click.Choice(("auto", "always", "never")),
    default="auto",
    show_default=True,
    help="Colour and strike-through on a terminal; plain markers otherwise.",
)
@click.option(
    "-C",
    "--context",
    type=click.IntRange(min=0),
    default=None,
    help="Show only affected lines and N lines around them [default: every line].",
)
@handle_errors
def explain(
    file: Path,
    stage: str | None,
    color: str,
    context: int | None,
    **options: Any,
) -> None:
    """Show FILE's decoded text with what each rule did to it.

    Removed lines are struck with their rule id in the margin (-), changed lines show
    before→after (~), placeholders are marked with their category (!). Below each line, one
    note per record: the same records as `cleanse clean --json` and the run report.

    \b
    Example:
      cleanse explain speech.txt -C 2 | less -R
      cleanse explain speech.txt --stage punctuation --color never
    """
    cleaner = cleaner_from(ruleset_from(options), options)
    source = "-" if str(file) == "-" else str(file)
    data = sys.stdin.buffer.read() if source == "-" else read_bytes(file)
    decoded, start = read_for_explain(cleaner, source, data)
    if stage is None:
        views = [full_view(cleaner, decoded, start=start)]
    elif stage not in stage_names(cleaner):
        raise click.UsageError(
            f"stage {stage!r} does not run with these options "
            f"(running: {', '.join(stage_names(cleaner))}); drop --keep-boilerplate or --placeholders off"
        )
    else:
        views = stage_views(cleaner, start, stage)
    colored = use_color(color)
    click.echo(render(decoded, views, color=colored, context=context), nl=False, color=colored)
