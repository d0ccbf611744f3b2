"""Every id a report can hold is explained by `cleanse rules show`: rules from their files,
the stages' and readers' own records from record_ids."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cleanse import record_ids
from cleanse.cli import main
from cleanse.document import BLANK_LINES_RULE
from cleanse.pipeline import SURROGATE_RULE
from cleanse.readers import pdf
from cleanse.rules import parse_rule_text
from cleanse.stages import boilerplate, mojibake, placeholders
from cleanse.stages.encoding import REPLACEMENT_RULE


def test_every_record_constant_of_the_stages_and_readers_is_listed() -> None:
    constants = {
        BLANK_LINES_RULE, boilerplate.BLANK_RULE, SURROGATE_RULE, REPLACEMENT_RULE,
        mojibake.UTF8_AS_GBK, mojibake.GBK_AS_LATIN1, placeholders.MARKED_RULE,
        pdf.WATERMARK_RULE, pdf.HEADER_RULE, pdf.FOOTER_RULE, pdf.PAGE_NUMBER_RULE,
        "whitespace.line-endings", "whitespace.final-newline", "whitespace.indent", "whitespace.tabs",
    }  # fmt: skip
    assert constants <= set(record_ids.BUILT_IN)


@pytest.mark.parametrize(
    "record_id", [*sorted(record_ids.BUILT_IN), "block:head:ads.qq-group", "block:edges:model.boilerplate"]
)
def test_rules_show_explains_every_built_in_id(record_id: str) -> None:
    """A report named ids like pdf.running-header or block:head:ads.qq-group that `rules show`
    called unknown: a reader could not trace them."""
    result = CliRunner().invoke(main, ["rules", "show", record_id])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{record_id}  (built into cleanse, not a rule file)\n  why: ")


def test_unknown_ids_still_fail_with_a_suggestion() -> None:
    result = CliRunner().invoke(main, ["rules", "show", "pdf.wattermark"])
    assert result.exit_code == 2 and "did you mean 'pdf.watermark'?" in result.output
    assert record_ids.describe("block:middle:x") is None and record_ids.describe("block:head:") is None


def test_a_rule_file_cannot_take_a_built_in_id() -> None:
    text = (
        '[[rule]]\nid = "pdf.watermark"\nstage = "boilerplate"\nwhy = "w"\npattern = "x"\n'
        'examples.match = ["x"]\nexamples.keep = ["y"]\n'
    )
    parsed = parse_rule_text(text, "mine.toml")
    assert not parsed.rules and any("stages' own record id" in p for p in parsed.problems), parsed.problems
