"""Writing a file so that a reader sees the old contents or the new, never half of the new.

The bytes go to a temporary file in the same folder, are flushed to disk, then renamed over the
target (a rename within one file system is atomic). Used for every results file the project
writes (bench JSON, emulator stats, HdrHistogram logs). ``safe_name`` checks a user-given name
of one results folder level (a run id), so that it cannot climb out of the results folder.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def safe_name(name: str, what: str) -> str:
    """``name`` if it can name one directory level (no separators, no leading dot)."""
    if not _SAFE_NAME.fullmatch(name):
        raise ValueError(f"{what} {name!r} must match {_SAFE_NAME.pattern} (it names a directory)")
    return name


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` (creating its folder); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target
