"""``cleanse clean [FILE|-]``: clean one document to stdout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..cli import cleaner_from, cleaning_options, document_json, handle_errors, rule_options, ruleset_from
from ..io import read_bytes


@click.command()
@click.argument("file", default="-", type=click.Path(allow_dash=True, path_type=Path))
@rule_options
@cleaning_options
@click.option(
    "--json", "as_json", is_flag=True, help="Print the Document as JSON: text, removed, changes, flags."
)
@handle_errors
def clean(file: Path, as_json: bool, **options: Any) -> None:
    """Clean one document (FILE, or - for stdin) and print the result.

    \b
    Example:
      cleanse clean speech.txt --json | jq .removed
    """
    cleaner = cleaner_from(ruleset_from(options), options)
    source = "-" if str(file) == "-" else str(file)
    data = sys.stdin.buffer.read() if source == "-" else read_bytes(file)
    doc = cleaner.clean_bytes(data, source=source)
    if as_json:
        click.echo(document_json(doc))
    else:
        click.echo(doc.text, nl=False)
