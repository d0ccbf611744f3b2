"""Redaction placeholders (X同志, 约占X%, ×××, 某某): flagged, never changed by default.

Runs last, after every text-changing stage, so that each Flag's line and column point into
the OUTPUT text. Detectors are ``flag`` rules in ``rules/placeholders*.toml``; a rule may name
the flagged part with a ``(?P<flag>...)`` group and say what was redacted with ``category``.
"""

from __future__ import annotations

from functools import partial

from ..document import Document
from ..matcher import RuleMatcher
from . import Stage, flag_rules


def _flag(doc: Document, *, matcher: RuleMatcher) -> Document:
    return flag_rules(doc, matcher, default_kind="placeholder")


def build_placeholders(matcher: RuleMatcher) -> Stage:
    """The placeholder stage over the enabled placeholder rules."""
    return Stage("placeholders", partial(_flag, matcher=matcher))
