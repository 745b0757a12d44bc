"""The code version recorded in every summary, so a regression can be traced to a commit."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

import sim

_GIT_TIMEOUT_S = 5.0


def _git(*arguments: str) -> str | None:
    """Output of a git command run in the package's checkout; None outside one or without git."""
    try:
        done = subprocess.run(
            ["git", *arguments],
            cwd=Path(sim.__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=_GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


@functools.cache
def code_version() -> str:
    """``sim.__version__``, plus ``+g<short hash>`` and ``.dirty`` when run from a git checkout."""
    commit = _git("rev-parse", "--short", "HEAD")
    if not commit:
        return sim.__version__
    changed = _git("status", "--porcelain", "--untracked-files=no", "--", ".")
    return f"{sim.__version__}+g{commit}{'.dirty' if changed else ''}"
