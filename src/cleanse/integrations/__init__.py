"""cleanse as one step in the pipelines people already run.

Each integration is a module of its own with an optional extra, imported only when used, so
``import cleanse.integrations`` pulls in none of the libraries:

- :mod:`cleanse.integrations.datatrove` (``cleanse[datatrove]``): ``CleanseFormatter``, a
  datatrove formatter step with per-rule stats, the report in ``doc.metadata`` and optional
  dropping of empty or flagged documents.
- :mod:`cleanse.integrations.datajuicer` (``cleanse[datajuicer]``): the ``cleanse_mapper``
  data-juicer op, usable from a YAML recipe.
- :mod:`cleanse.integrations.hf` (``cleanse[hf]``): ``clean_dataset`` for Hugging Face datasets.
- :mod:`cleanse.integrations.pandas` (``cleanse[pandas]``): ``clean_series`` and the
  ``.cleanse`` Series accessor.

Every one cleans each text through :func:`cleanse.integrations.records.clean_value`, the very
function ``cleanse run --format jsonl`` uses for a record, so its texts and report entries are
byte-identical to the command line's on the same records.

Nothing is imported here: ``import cleanse.integrations`` stays as quick as ``import cleanse``.
"""
