"""cleanse: turn messy Chinese (and mixed) documents into clean UTF-8 text.

Public API::

    from cleanse import clean, Cleaner, Document, load_rules
    doc = clean(raw_bytes)            # decode, strip ads, normalize, flag placeholders
    doc.text, doc.removals, doc.changes, doc.flags

Build a :class:`Cleaner` once for many documents. The library never prints and never exits;
it raises :class:`CleanseError` subclasses whose messages say what to do next.
"""

from ._version import __version__
from .document import Change, Document, Flag, Removal
from .errors import (
    CleanseError,
    DecodeError,
    InputError,
    OptionError,
    RuleFileError,
    RuleTimeout,
)
from .pipeline import Cleaner, Options, clean
from .rules import Rule, RuleSet, load_rules

__all__ = [
    "Change",
    "Cleaner",
    "CleanseError",
    "DecodeError",
    "Document",
    "Flag",
    "InputError",
    "OptionError",
    "Options",
    "Removal",
    "Rule",
    "RuleFileError",
    "RuleSet",
    "RuleTimeout",
    "__version__",
    "clean",
    "load_rules",
]
