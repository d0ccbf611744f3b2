"""``cleanse clean [FILE|-]``: clean one document to stdout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .. import readers
from ..cli import (
    cleaner_from,
    cleaning_options,
    document_json,
    handle_errors,
    read_document_arg,
    rule_options,
    ruleset_from,
)
from ..errors import DecodeError, InputError
from ..io import read_bytes


@click.command()
@click.argument(
    "file", default="-", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path)
)
@rule_options
@cleaning_options
@click.option(
    "--json", "as_json", is_flag=True, help="Print the Document as JSON: text, removed, changes, flags."
)
@handle_errors
def clean(file: Path, as_json: bool, **options: Any) -> None:
    """Clean one document (FILE, or - for stdin) and print the result.

    \b
    A .docx, web page or PDF is read into lines first (see `cleanse run`).

    \b
    Example:
      cleanse clean speech.txt --json | jq .removed
      cleanse clean report.docx > report.txt
    """
    cleaner = cleaner_from(ruleset_from(options), options)
    source = "-" if str(file) == "-" else str(file)
    data = sys.stdin.buffer.read() if source == "-" else read_bytes(file)
    extracted = read_document_arg(source, data)
    if extracted is None:  # plain text, or a document whose bytes are plain text
        try:
            doc = cleaner.clean_bytes(data, source=source)
        except DecodeError as exc:  # name the file: the decoder's message is about bytes
            raise InputError(f"{source}: {exc}") from None
    else:
        doc = readers.clean_extracted(cleaner, extracted, source, len(data))
    if as_json:
        click.echo(document_json(doc, extracted))
    else:
        click.echo(doc.text, nl=False)
