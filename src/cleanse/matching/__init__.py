"""Matching rules fast: the one home of everything that finds which rules hit which text.

The stages (``cleanse.stages``) decide *what* to do with a hit — zones, blocks, protected
spans, marks. This package answers only *which rules can hit these lines, and where*, as
cheaply as it can prove equal to searching every rule on its own:

- :mod:`.literals` and :mod:`.needles` read a pattern for the literal text every match must
  contain (index keys, needles, first characters);
- :mod:`.matcher` — :class:`RuleMatcher`, a group of rules screened together then attributed
  rule by rule; :func:`run_without_timeouts`, the per-call time limit's recovery;
- :mod:`.screen` — the boilerplate stage's C-speed screen and per-line rule table;
- :mod:`.rule_scan` — every match of a punctuation rule in a line for one call;
- :mod:`.anchors`, :mod:`.pattern_text` and :mod:`.joined_scan` — placeholder rules joined
  into one walk of the line, anchored on characters their matches must hold.

Import from here, not from the modules: this list is the interface the stages use.
"""

from .anchors import required_search
from .joined_scan import RuleScan
from .literals import line_keys
from .matcher import RuleMatcher, run_without_timeouts
from .rule_scan import QUOTES, RulePlan, plans, replacements
from .screen import CACHE_CHARS, CACHE_LINES, KeyScreen, RuleTable

__all__ = [
    "CACHE_CHARS",
    "CACHE_LINES",
    "QUOTES",
    "KeyScreen",
    "RuleMatcher",
    "RulePlan",
    "RuleScan",
    "RuleTable",
    "line_keys",
    "plans",
    "replacements",
    "required_search",
    "run_without_timeouts",
]
