"""data-juicer: the ``cleanse_mapper`` op, a batched Mapper that cleans the text field.

Importing this module registers the op in data-juicer's operator registry; a recipe loads it
with ``custom_operator_paths`` (see ``examples/datajuicer/``) and configures it like any
built-in op::

    process:
      - cleanse_mapper:
          rules: ["my-site.toml"]       # added to the default rules (like --rules)
          disable: ["ads.qq-group"]      # like --disable
          placeholders: flag             # flag | mark | off
          report_key: cleanse            # a column with each sample's report entry (JSON)

The text and report of each sample are those of ``cleanse run --format jsonl`` for the same
record (``path`` being the sample's position in its batch: data-juicer gives samples no id,
so carry your own id field to join reports back); a sample whose text is missing or whose
cleaning fails is left as it was and reported, never dropped, so the op never stops a recipe.
"""

from __future__ import annotations

import json
from typing import Any

from ..pipeline import Cleaner
from .records import build_cleaner, clean_value, needs

_base_op = needs("data_juicer.ops.base_op", "datajuicer", "cleanse.integrations.datajuicer")

OP_NAME = "cleanse_mapper"


@_base_op.OPERATORS.register_module(OP_NAME)
class CleanseMapper(_base_op.Mapper):  # type: ignore[misc, name-defined]
    """Clean ``text_key`` with cleanse: encodings aside, ads out, punctuation and whitespace
    normalized, placeholders flagged (see the cleanse README)."""

    _batched_op = True

    def __init__(
        self,
        rules: list[str] | None = None,
        disable: list[str] | None = None,
        enable: list[str] | None = None,
        placeholders: str = "flag",
        report_key: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        """
        :param rules: rule files or folders added to the default rules.
        :param disable: rule ids turned off.
        :param enable: off-by-default rule ids turned on.
        :param placeholders: ``flag`` (report them), ``mark`` (wrap them) or ``off``.
        :param report_key: if set, a field of that name holds each sample's report entry
            as a JSON string (the entry of ``cleanse run --report``).
        """
        super().__init__(*args, **kwargs)
        self.rules = list(rules or ())
        self.disable = list(disable or ())
        self.enable = list(enable or ())
        self.placeholders = placeholders
        self.report_key = report_key
        self._cleaner: Cleaner | None = self._build()  # a bad rule file fails when the recipe loads

    def _build(self) -> Cleaner:
        return build_cleaner(
            rules=self.rules, disable=self.disable, enable=self.enable, placeholders=self.placeholders
        )

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_cleaner"] = None  # each worker process builds its own Cleaner once
        return state

    def process_batched(self, samples: dict[str, list[Any]]) -> dict[str, list[Any]]:
        if self._cleaner is None:
            self._cleaner = self._build()
        texts, reports = [], []
        for i, value in enumerate(samples[self.text_key]):
            text, entry = clean_value(self._cleaner, value, str(i))
            texts.append(text)
            reports.append(json.dumps(entry, ensure_ascii=False))
        samples[self.text_key] = texts
        if self.report_key:
            samples[self.report_key] = reports
        return samples
