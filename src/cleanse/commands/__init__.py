"""One module per ``cleanse`` subcommand; shared option helpers live in ``cleanse.cli``."""
