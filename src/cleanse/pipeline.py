"""Cleaner: an ordered tuple of stages built once from a RuleSet and Options.

Build a Cleaner once and reuse it for millions of documents: rules are compiled when it is
built (once per process), and it pickles small (rules and options only), so worker processes,
``datasets.map(num_proc=N)`` and Ray workers each rebuild it once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import partial
from pathlib import Path
from typing import Any

import regex

from . import budget
from .document import Change, Document
from .errors import CleanseError, OptionError
from .matching import RuleMatcher
from .rules import RuleSet, load_rules
from .stages import Stage
from .stages.boilerplate import build_boilerplate
from .stages.encoding import check_codec, decode, encoding_warnings, flag_replacements
from .stages.mojibake import build_mojibake
from .stages.placeholders import build_placeholders, check_mark_template
from .stages.punctuation import build_punctuation
from .stages.whitespace import INDENT_POLICIES, TAB_POLICIES, build_whitespace, normalize_line_endings

PLACEHOLDER_MODES = ("flag", "mark", "off")


@dataclass(frozen=True)
class Options:
    """How a Cleaner behaves, apart from its rules. Keyword-only, validated on creation."""

    placeholders: str = "flag"
    mark_template: str = "⟨{text}|{category}⟩"
    keep_boilerplate: bool = False
    encoding: str | None = None
    rule_timeout: float = 2.0
    max_blank_lines: int = 1
    indent: str = "keep"
    tabs: str = "keep"
    ad_threshold: float | None = None

    def __post_init__(self) -> None:
        if self.placeholders not in PLACEHOLDER_MODES:
            raise OptionError(
                f"placeholders={self.placeholders!r}: choose one of {', '.join(PLACEHOLDER_MODES)}"
            )
        if self.placeholders == "mark":
            check_mark_template(self.mark_template)
        if self.encoding is not None and self.encoding != "auto":
            object.__setattr__(self, "encoding", check_codec(self.encoding))
        if self.encoding == "auto":
            object.__setattr__(self, "encoding", None)
        if self.rule_timeout <= 0:
            raise OptionError("rule_timeout must be a positive number of seconds")
        if self.max_blank_lines < 0:
            raise OptionError("max_blank_lines must be 0 or more")
        if self.indent not in INDENT_POLICIES:
            raise OptionError(f"indent={self.indent!r}: choose one of {', '.join(INDENT_POLICIES)}")
        if self.ad_threshold is not None and not 0 < self.ad_threshold < 1:
            raise OptionError(f"ad_threshold={self.ad_threshold}: give a number between 0 and 1 (e.g. 0.9)")
        if self.tabs not in TAB_POLICIES:
            raise OptionError(f"tabs={self.tabs!r}: choose one of {', '.join(TAB_POLICIES)}")

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> Options:
        """Options from keyword arguments, naming any unknown one."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise OptionError(
                f"unknown option(s) {', '.join(unknown)}; known options: {', '.join(sorted(known))}"
            )
        return cls(**kwargs)


_SURROGATE = regex.compile(r"[\ud800-\udfff]")
SURROGATE_RULE = "encoding.lone-surrogate"
_BREAK = regex.compile(r"\r\n?|\n")


def replace_lone_surrogates(doc: Document) -> Document:
    """Lone surrogates (from JSON ``"\\ud800"`` or ``surrogateescape``) -> U+FFFD, each a Change.

    A str holding one cannot be written as UTF-8 or GB18030, so without this a whole run would
    fail on writing; the replacement is recorded, like any other change. Line numbers count
    CR, CRLF and LF as the later stages do; the line count does not change.
    """
    text = doc.text
    if _SURROGATE.search(text) is None:
        return doc
    changes = [
        Change(SURROGATE_RULE, len(_BREAK.findall(text, 0, m.start())) + 1, m.group(), "\ufffd")
        for m in _SURROGATE.finditer(text)
    ]
    return doc.replace(text=_SURROGATE.sub("\ufffd", text)).add(changes=changes)


def build_stages(ruleset: RuleSet, options: Options, *, per_call_timeouts: bool = True) -> tuple[Stage, ...]:
    """The text stages in DESIGN order (decoding happens before, in ``clean_bytes``).

    ``per_call_timeouts=False``: regex calls run without a time limit, for documents cleaned
    under a CPU budget (:mod:`cleanse.budget`).
    """
    timeout = options.rule_timeout if per_call_timeouts else None

    def matcher(stage: str) -> RuleMatcher:
        return RuleMatcher(ruleset.for_stage(stage), timeout)

    ws = matcher("whitespace")
    # Line endings first: every later stage, and every line number it records, sees LF lines.
    stages = [
        Stage("whitespace", normalize_line_endings),
        build_mojibake(),
        build_whitespace(ws, final=False, max_blank=options.max_blank_lines),
    ]
    if not options.keep_boilerplate:
        rules = ruleset.for_stage("boilerplate")
        marks = options.mark_template if options.placeholders == "mark" else None
        stages.append(
            build_boilerplate(rules, timeout=timeout, ad_threshold=options.ad_threshold, mark_template=marks)
        )
    stages.append(build_punctuation(matcher("punctuation")))
    stages.append(
        build_whitespace(
            ws, final=True, max_blank=options.max_blank_lines, indent=options.indent, tabs=options.tabs
        )
    )
    if options.placeholders != "off":
        stages.append(
            build_placeholders(
                matcher("placeholders"), mode=options.placeholders, template=options.mark_template
            )
        )
    return tuple(stages)


BUDGET_CHARS_PER_SECOND = 250_000
"""Documents up to this many characters per second of ``rule_timeout`` run under a budget of
``rule_timeout`` CPU seconds (500,000 characters by default). Cleaning takes 0.5-1 µs per
character (2-core VM, 2026-12-04), so such a document uses a quarter of its budget at most
and is cleaned twice only when a rule really is slow; a longer one goes straight to the
per-call limits, whose cost (a clock read per call) is small beside its own."""


DOCUMENT_CAP = 10
"""On the per-call path a document may use this many times ``rule_timeout`` of CPU in all
(each rule at most ``rule_timeout``); past that it is left as decoded, with a warning."""


def _too_slow(seconds: float) -> str:
    return (
        f"cleaning took over {seconds:g} s of CPU, rule by rule under their limits; the document "
        "is left as decoded (not cleaned). Look for slow user rules with `cleanse rules check`, "
        "or raise --rule-timeout"
    )


def _through(stages: tuple[Stage, ...], doc: Document) -> Document:
    for stage in stages:
        doc = stage(doc)
    return doc


def _is_missing(value: object) -> bool:
    """None, or a float NaN (how pandas marks a missing cell)."""
    return value is None or (isinstance(value, float) and value != value)


class Cleaner:
    """Cleans documents with one RuleSet and one set of Options.

    >>> cleaner = Cleaner()                       # default rules
    >>> cleaner.clean("仅供学习 禁止外传\\n\\n正文。").text  # doctest: +SKIP
    """

    def __init__(
        self,
        rules: RuleSet | Iterable[str | Path] | None = None,
        options: Options | None = None,
        **kwargs: Any,
    ) -> None:
        if options is not None and kwargs:
            raise OptionError("pass either an Options object or keyword options, not both")
        self.options = options or Options.from_kwargs(**kwargs)
        if isinstance(rules, str | Path):  # one file or folder, not an iterable of characters
            rules = [rules]
        self.ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules or ())
        self._stages: tuple[Stage, ...] | None = None
        self._budgeted: tuple[Stage, ...] | None = None

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The stages with a time limit on each regex call: the reference path, used for
        documents that cannot run under a CPU budget or ran out of it (built on first use)."""
        if self._stages is None:
            self._stages = build_stages(self.ruleset, self.options)
        return self._stages

    def _run_stages(self, doc: Document) -> Document:
        """Every stage over ``doc``: under a CPU budget where one can be armed, with the
        per-call limits otherwise, or again with them when the budget runs out (so a slow rule
        is named and skipped exactly as on that path; see :mod:`cleanse.budget`)."""
        limit = self.options.rule_timeout
        if len(doc.text) <= limit * BUDGET_CHARS_PER_SECOND and budget.available():
            if self._budgeted is None:
                self._budgeted = build_stages(self.ruleset, self.options, per_call_timeouts=False)
            try:
                return budget.run_within(limit, partial(_through, self._budgeted), doc)
            except budget.BudgetExceeded:
                self._budgeted = None  # an interrupted stage may have left a cache half-built
        if not budget.available():
            return _through(self.stages, doc)
        try:
            return budget.run_sampled(limit, DOCUMENT_CAP * limit, partial(_through, self.stages), doc)
        except budget.DocumentTooSlow:
            self._stages = None
            return doc.add(warnings=[_too_slow(DOCUMENT_CAP * limit)])

    def __reduce__(self) -> tuple[type, tuple[RuleSet, Options]]:
        return (Cleaner, (self.ruleset, self.options))

    def clean(self, doc: Document | str | bytes, *, source: str = "") -> Document:
        """Run every text stage over a Document, a str, or raw bytes (decoded first, as
        :meth:`clean_bytes` does).

        Anything else (None, a pandas NaN) is a :class:`CleanseError` saying what to pass;
        :meth:`clean_text` passes missing values through instead.
        """
        if isinstance(doc, bytes | bytearray | memoryview):
            return self.clean_bytes(bytes(doc), source=source)
        if isinstance(doc, str):
            doc = Document(text=doc, source=source)
        elif not isinstance(doc, Document):
            raise CleanseError(
                f"Cleaner.clean() takes a str, bytes or Document, not {type(doc).__name__}"
                f"{' (a missing value)' if _is_missing(doc) else ''}; "
                "use Cleaner.clean_text() to pass missing values through (pandas: "
                "df['text'].map(cleaner.clean_text))"
            )
        return self._run_stages(replace_lone_surrogates(doc))

    def decode(self, data: bytes, *, source: str = "") -> Document:
        """Bytes -> a Document with its encoding facts in ``meta``; raises DecodeError."""
        decoded = decode(data, forced=self.options.encoding)
        return Document(
            text=decoded.text,
            source=source,
            encoding=decoded.encoding,
            meta={
                "confidence": decoded.confidence,
                "decided_by": decoded.decided_by,
                "replacements": decoded.replacements,
                "bytes_in": len(data),
                "warnings": encoding_warnings(decoded),
            },
        )

    def clean_bytes(self, data: bytes, *, source: str = "") -> Document:
        """Decode, then clean. Raises DecodeError (``reason='binary'``) for binary data."""
        return flag_replacements(self.clean(self.decode(data, source=source)))

    def clean_text(self, value: Any) -> Any:
        """The cleaned text of a str (or bytes), for ``map``-style use on data frames and
        datasets: None and NaN (missing cells) come back unchanged, anything else that is
        not text is a :class:`CleanseError`."""
        if value is None or _is_missing(value):
            return value
        return self.clean(value).text


_DEFAULT: dict[tuple[Any, ...], Cleaner] = {}


def clean(
    text_or_bytes: str | bytes, *, rules: Iterable[str | Path] | None = None, **options: Any
) -> Document:
    """Clean one text (or raw bytes) with the default rules plus ``rules``.

    Convenient for one-off use; for many documents build a :class:`Cleaner` once.
    """
    key = (tuple(str(r) for r in rules or ()), tuple(sorted(options.items())))
    cleaner = _DEFAULT.get(key)
    if cleaner is None:
        cleaner = _DEFAULT[key] = Cleaner(rules, **options)
    if isinstance(text_or_bytes, bytes):
        return cleaner.clean_bytes(text_or_bytes)
    return cleaner.clean(text_or_bytes)
