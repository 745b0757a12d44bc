"""Atomic results directories: write into a hidden sibling, rename into place at the end.

A crash, a full disk or a second Ctrl-C then never leaves a directory that looks like a result
but lacks files: a reader sees a whole run or none.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def write_file_durably(path: Path, data: bytes) -> None:
    """Write and fsync, so the rename that publishes the directory publishes the bytes too."""
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def staged_directory(final: Path) -> Iterator[Path]:
    """Yield an empty staging directory that becomes ``final`` when the block succeeds.

    On any exception (KeyboardInterrupt included) the staging directory is removed and
    ``final`` is left untouched; an existing ``final`` is never overwritten.
    """
    if final.exists():
        raise FileExistsError(f"results directory {str(final)!r} already exists")
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = final.parent / f".{final.name}.{secrets.token_hex(4)}.tmp"
    staging.mkdir()
    try:
        yield staging
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
