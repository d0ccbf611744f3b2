"""``cleanse clean [FILE|-]``: clean one document to stdout."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli import (
    build_cleaner,
    cleaning_options,
    document_json,
    handle_errors,
    load_ruleset,
    rule_options,
)
from ..io import read_bytes


@click.command()
@click.argument("file", default="-", type=click.Path(allow_dash=True, path_type=Path))
@rule_options
@cleaning_options
@click.option(
    "--json", "as_json", is_flag=True, help="Print the Document as JSON: text, removed, changes, flags."
)
@handle_errors
def clean(
    file: Path,
    rule_paths: tuple[Path, ...],
    disable: tuple[str, ...],
    enable: tuple[str, ...],
    no_default_rules: bool,
    placeholders: str,
    mark_template: str,
    encoding: str,
    keep_boilerplate: bool,
    as_json: bool,
) -> None:
    """Clean one document (FILE, or - for stdin) and print the result.

    \b
    Example:
      cleanse clean speech.txt --json | jq .removed
    """
    ruleset = load_ruleset(rule_paths, disable, enable, no_default_rules)
    cleaner = build_cleaner(
        ruleset,
        placeholders=placeholders,
        mark_template=mark_template,
        encoding=encoding,
        keep_boilerplate=keep_boilerplate,
    )
    source = "-" if str(file) == "-" else str(file)
    data = sys.stdin.buffer.read() if source == "-" else read_bytes(file)
    doc = cleaner.clean_bytes(data, source=source)
    if as_json:
        click.echo(document_json(doc))
    else:
        click.echo(doc.text, nl=False)
