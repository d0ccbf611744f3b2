"""``cleanse report REPORT.jsonl -o page.html``: the HTML review page from a run's report."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli import handle_errors


@click.command()
@click.argument("report_path", metavar="REPORT", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="The HTML file to write."
)
@handle_errors
def report(report_path: Path, output: Path) -> None:
    """Build the self-contained HTML review page from a JSONL report.

    \b
    Example:
      cleanse report report.jsonl -o review.html
    """
    raise click.UsageError("not yet")
