"""Where and on what a benchmark ran: code version and machine."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path

import msgspec

import sim

from ._schema import Machine

REPO_ROOT = Path(sim.__file__).resolve().parent.parent
"""The checkout that holds the ``sim`` package (when it is run from source)."""


def python_env() -> dict[str, str]:
    """This environment with the checkout on PYTHONPATH, so ``-m sim...`` finds this code."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def git_commit(repo: Path = REPO_ROOT) -> str | None:
    """``git rev-parse --short HEAD`` of ``repo``, or None when git or the checkout is missing."""
    try:
        done = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None


def git_dirty(repo: Path = REPO_ROOT) -> bool | None:
    """Whether tracked files under ``sim/`` differ from HEAD (None when git cannot tell)."""
    try:
        done = subprocess.run(["git", "-C", str(repo), "status", "--porcelain",
                               "--untracked-files=no", "--", "sim"],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(done.stdout.strip()) if done.returncode == 0 else None


def code_version(commit: str | None, dirty: bool | None = False) -> str:
    if not commit:
        return sim.__version__
    return f"{sim.__version__}+g{commit}{'.dirty' if dirty else ''}"


def _version_of(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def machine() -> Machine:
    import numpy as np  # here, so that building the pinsim parser does not load numpy

    return Machine(cpu_count=os.cpu_count() or 1, python=sys.version.split()[0],
                   numpy=np.__version__, msgspec=msgspec.__version__,
                   numba=_version_of("numba"), platform=platform.platform())
