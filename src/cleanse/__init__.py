"""cleanse: turn messy Chinese (and mixed) documents into clean UTF-8 text.

Public API::

    from cleanse import clean, Cleaner, Document, load_rules
    doc = clean(raw_bytes)            # decode, strip ads, normalize, flag placeholders
    doc.text, doc.removed, doc.changes, doc.flags

Build a :class:`Cleaner` once for many documents. The library never prints and never exits;
it raises :class:`CleanseError` subclasses whose messages say what to do next.
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    CleanseError,
    DecodeError,
    InputError,
    OptionError,
    RuleFileError,
    RuleTimeout,
)

if TYPE_CHECKING:
    from .document import Change, Document, Flag, Removal
    from .pipeline import Cleaner, Options, clean
    from .rules import Rule, RuleSet, load_rules

# Heavy parts (regex, the rule compiler, the stages) load on first use, so that
# ``import cleanse`` and ``cleanse --version`` stay quick (PEP 562 module __getattr__).
_LAZY = {
    "Change": "document",
    "Document": "document",
    "Flag": "document",
    "Removal": "document",
    "Cleaner": "pipeline",
    "Options": "pipeline",
    "clean": "pipeline",
    "Rule": "rules",
    "RuleSet": "rules",
    "load_rules": "rules",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cleanse' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


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
