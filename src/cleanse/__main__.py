"""``python -m cleanse``."""

from .cli import main

main()
