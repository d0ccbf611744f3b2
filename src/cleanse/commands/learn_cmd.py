"""``cleanse learn INPUT [-o FILE]``: propose boilerplate rules from lines repeated across a corpus."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..cli import build_cleaner, echo_err, handle_errors, rule_options, ruleset_from
from ..corpus_count import TABLE_CAP, Corpus
from ..corpus_findings import Learned, LearnOptions
from ..corpus_render import show_table
from ..corpus_rules import learn_corpus
from ..discovery import DEFAULT_GLOBS, discover
from ..io import write_atomic
from ..pipeline import Cleaner
from ..readers import available_globs
from ..runner import default_jobs

F = TypeVar("F", bound=Callable[..., Any])


def threshold_options(fn: F) -> F:
    """--min-docs / --min-share, shared by ``learn`` and ``run --learn``."""
    fn = click.option(
        "--min-share",
        type=click.FloatRange(0.0, 1.0),
        default=LearnOptions.min_share,
        show_default=True,
        help="Learn a line only if at least this share of documents holds it.",
    )(fn)
    return click.option(
        "--min-docs",
        type=click.IntRange(min=2),
        default=LearnOptions.min_docs,
        show_default=True,
        help="Learn a line only if at least this many documents hold it.",
    )(fn)


def learn_folder(
    input_path: Path,
    cleaner: Cleaner,
    options: LearnOptions,
    *,
    globs: tuple[str, ...] | None = None,
    documents: bool = True,
    jobs: int | None = None,
    follow_symlinks: bool = False,
    cap: int = TABLE_CAP,
    source: str = "learned.toml",
) -> Learned:
    """Learn from the files ``cleanse run`` would clean, read the same way (``documents``:
    .docx, web pages and PDF through their readers, as in ``run``'s default ``auto`` format)."""
    paths = discover(input_path, globs or learn_globs(), follow_symlinks=follow_symlinks)
    corpus = Corpus.of(input_path, paths, cleaner, documents=documents)
    return learn_corpus(corpus, options, jobs=jobs or default_jobs(), cap=cap, source=source)


def learn_globs() -> tuple[str, ...]:
    """The names learned from by default: the text files and the documents (each format whose
    extra is installed) that ``cleanse run`` cleans by default."""
    return DEFAULT_GLOBS + available_globs()


def learned_line(learned: Learned, target: str) -> str:
    """A one-line summary for people."""
    documents = f"{learned.documents:,} document{'s' if learned.documents != 1 else ''}"
    return f"learned {len(learned.rules)} rule(s) from {documents} -> {target}"


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path),
    help="Write the rule file here [default: stdout].",
)
@threshold_options
@rule_options
@click.option("--encoding", default="auto", show_default=True, help="Force a codec for every input.")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes [default: all cores]."
)
@click.option(
    "--glob",
    "globs",
    multiple=True,
    metavar="PATTERN",
    help="File names to read (repeatable) [default: those `cleanse run` cleans: *.txt *.md, "
    "and .docx, web pages and PDF where their extra is installed].",
)
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links under INPUT.")
@click.option(
    "--max-lines",
    type=click.IntRange(min=1000),
    default=TABLE_CAP,
    show_default=True,
    help="Distinct lines counted in memory before spilling to temporary files.",
)
@click.option(
    "--show",
    is_flag=True,
    help="Print the rules that remove most (templates with their slot values) as a table "
    "instead of the rule file; with -o the file is written too.",
)
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True, help="Rows of --show.")
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
@handle_errors
def learn(
    input_path: Path,
    output: Path | None,
    min_docs: int,
    min_share: float,
    encoding: str,
    jobs: int | None,
    globs: tuple[str, ...],
    follow_symlinks: bool,
    max_lines: int,
    show: bool,
    top: int,
    quiet: bool,
    **rule_choice: Any,
) -> None:
    """Propose boilerplate rules from lines repeated across the files under INPUT.

    A platform stamps the same lines, or the same template with changing names, numbers and
    links, on every document it sells; this finds them and writes one rule per line, block
    of lines or template for you to review, most removing first. The existing rules are used
    as evidence (a line next to a known ad) and their matches are not proposed again.

    \b
    Example:
      cleanse learn corpus/ -o learned.toml
      cleanse learn corpus/ --show           # the top rules as a table
      cleanse rules test learned.toml
      cleanse run corpus/ clean/ --rules learned.toml
    """
    cleaner = build_cleaner(ruleset_from(rule_choice), encoding=encoding)
    options = LearnOptions(min_docs=min_docs, min_share=min_share)
    learned = learn_folder(
        input_path,
        cleaner,
        options,
        globs=globs or None,
        jobs=jobs,
        follow_symlinks=follow_symlinks,
        cap=max_lines,
        source=str(output or "learned.toml"),
    )
    if output is not None:
        write_atomic(output, learned.text.encode("utf-8"))
    if show:
        click.echo(show_table(learned, top), nl=False)
    elif output is None:
        click.echo(learned.text, nl=False)
    if not learned.documents:
        echo_err(f"warning: no readable files matching {' '.join(globs or learn_globs())} under {input_path}")
    if not quiet:
        echo_err(learned_line(learned, str(output or "stdout")))


def learned_rules_path(report_path: Path | None, output_path: Path) -> Path:
    """Where ``run --learn`` writes its rules: next to the report, else next to OUTPUT."""
    if report_path is not None:
        return report_path.with_name(report_path.stem + ".learned.toml")
    return output_path.with_name(output_path.name + ".learned.toml")
