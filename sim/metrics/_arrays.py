"""Input coercion and chunking shared by the bulk recorders.

Bulk work runs over fixed-size chunks so that numpy temporaries stay in cache: one temporary the
size of a 10 M-element input costs page faults that make numpy several times slower than the same
work done in 64 K-element chunks.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

CHUNK_LEN = 1 << 16


def float_column(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """``values`` as a flat float64 array (no copy when it already is one)."""
    return np.asarray(values, dtype=np.float64).reshape(-1)


def int_column(values: npt.ArrayLike, name: str) -> npt.NDArray[np.integer]:
    """``values`` as a flat integer array; floats are refused rather than silently truncated."""
    arr = np.asarray(values)
    if arr.size == 0:
        return np.empty(0, dtype=np.int64)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integers, got dtype {arr.dtype}")
    return arr.reshape(-1)


def i64_bytes(values: npt.NDArray[np.int64]) -> bytes:
    """Little-endian int64 bytes, the wire form of count columns."""
    return values.astype("<i8", copy=False).tobytes()


def i64_from_bytes(data: bytes, name: str) -> npt.NDArray[np.int64]:
    """A writable int64 array from :func:`i64_bytes` output."""
    return _column_from_bytes(data, "<i8", name).astype(np.int64)


def f64_bytes(values: npt.NDArray[np.float64]) -> bytes:
    """Little-endian float64 bytes."""
    return values.astype("<f8", copy=False).tobytes()


def f64_from_bytes(data: bytes, name: str) -> npt.NDArray[np.float64]:
    """A writable float64 array from :func:`f64_bytes` output."""
    return _column_from_bytes(data, "<f8", name).astype(np.float64)


def _column_from_bytes(data: bytes, wire_dtype: str, name: str) -> npt.NDArray[np.generic]:
    """The read-only little-endian column in ``data`` (8-byte values), checked for length."""
    if len(data) % 8:
        raise ValueError(f"{name}: {len(data)} bytes is not a whole number of "
                         f"{np.dtype(wire_dtype).name} values")
    return np.frombuffer(data, dtype=wire_dtype)
