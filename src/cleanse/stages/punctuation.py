"""Half-width punctuation inside Chinese prose -> full width, by ``stage = "punctuation"`` rules.

Every conversion is a ``replace`` rule whose pattern carries its own context (a CJK character
on the relevant side, written as lookarounds), so the tables live in ``rules/punctuation.toml``
where users can read and edit them. Each conversion is recorded as a Change with its rule id.
"""

from __future__ import annotations

from functools import partial

from ..document import Document
from ..matcher import RuleMatcher
from . import Stage, apply_replace_rules


def _normalize(doc: Document, *, matcher: RuleMatcher) -> Document:
    return apply_replace_rules(doc, matcher)


def build_punctuation(matcher: RuleMatcher) -> Stage:
    """The punctuation stage over the enabled punctuation rules."""
    return Stage("punctuation", partial(_normalize, matcher=matcher))
