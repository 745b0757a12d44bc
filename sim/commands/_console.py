"""Terminal output shared by the commands: one console, progress only where a human watches."""

from __future__ import annotations

import os
import sys
from typing import TextIO

from rich.console import Console

_PIPE_WIDTH = 120
"""Tables written to a pipe or a CI log: wide enough that no figure column is squeezed."""


def interactive(stream: TextIO | None = None) -> bool:
    """True when ``stream`` (stdout) is a terminal and CI is not set: progress bars help there."""
    stream = stream or sys.stdout
    ci = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
    return stream.isatty() and not ci


def make_console(stream: TextIO | None = None) -> Console:
    """A rich console on ``stream``; plain and fixed-width when it is not a terminal."""
    stream = stream or sys.stdout
    if stream.isatty():
        return Console(file=stream)
    return Console(file=stream, width=_PIPE_WIDTH, no_color=True, highlight=False)


def error(command: str, message: str) -> None:
    """One line on stderr, prefixed with the command, for input the command cannot use."""
    print(f"pinsim {command}: {message}", file=sys.stderr)
