"""``cleanse report REPORT.jsonl -o page.html``: the HTML review page from a run's report."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..cli import handle_errors
from ..report import read_report
from ..report_html import write_page


@click.command()
@click.argument("report_path", metavar="REPORT", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="The HTML file to write."
)
@click.option("--title", default=None, help="The page title [default: the report's name].")
@handle_errors
def report(report_path: Path, output: Path, title: str | None) -> None:
    """Build the self-contained HTML review page from a JSONL report.

    The page works offline: totals, charts by rule and encoding, and a filterable table of
    documents with their removed lines, changes and flags.

    \b
    Example:
      cleanse run corpus/ clean/ --report report.jsonl
      cleanse report report.jsonl -o review.html
    """
    try:
        entries = read_report(report_path)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.UsageError(
            f"{report_path}: not a JSONL report ({exc}); pass the file written by `cleanse run --report`"
        ) from None
    except KeyError as exc:
        raise click.UsageError(f"{report_path}: an entry lacks {exc}; is this a cleanse report?") from None
    write_page(output, entries, title=title or f"cleanse review: {report_path.name}")
    click.echo(f"wrote {output} ({len(entries)} documents)", err=True)
