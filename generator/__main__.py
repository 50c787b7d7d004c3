"""``python -m generator``: the okr-pages command line."""

from .cli import run

run()
