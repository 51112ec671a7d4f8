"""Command-line interface. Importing a command module registers its command on ``app``."""
from __future__ import annotations

import importlib

from nlp.cli.app import app

# One module per command (or command group); add a name here when you add a command.
COMMAND_MODULES = (
    "nlp.cli.parse",
    "nlp.cli.run",
    "nlp.cli.compare",
    "nlp.cli.score",
    "nlp.cli.report",
    "nlp.cli.export",
    "nlp.cli.check",
    "nlp.cli.facts",
    "nlp.cli.statements",
    "nlp.cli.themes",
)

for _name in COMMAND_MODULES:
    importlib.import_module(_name)


def main() -> None:
    app()


__all__ = ["app", "main"]
