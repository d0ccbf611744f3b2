"""Loaded by data-juicer through ``custom_operator_paths``: importing the integration
registers the ``cleanse_mapper`` op (needs ``pip install 'cleanse[datajuicer]'``)."""

from cleanse.integrations.datajuicer import CleanseMapper

__all__ = ["CleanseMapper"]
