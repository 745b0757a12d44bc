"""Bulk recording: numpy arrays of latencies to per-slot counts for an hdrh counts array.

Work runs in chunks so temporaries stay in cache, and everything lands in a :class:`Batch` that
the histogram commits only after the whole input was read, so a NaN halfway through an array
raises without leaving half of it recorded. Clamping rules are described in
``_latency_histogram``; counts are identical to calling hdrh's ``record_value`` on the clamped
values one by one (tested).
"""

from __future__ import annotations

import math
import sys

import numpy as np
import numpy.typing as npt

from ._arrays import CHUNK_LEN, float_column, int_column
from ._hdr_layout import HdrLayout

_US_PER_S = 1e6


class Batch:
    """What one bulk call adds, committed only if the whole input was valid."""

    __slots__ = ("above", "below", "count", "highest_us", "layout", "max_us", "min_us", "slots")

    def __init__(self, layout: HdrLayout, highest_us: int) -> None:
        self.layout = layout
        self.highest_us = highest_us
        self.slots = np.zeros(layout.counts_len, dtype=np.int64)
        self.count = self.below = self.above = 0
        self.min_us = sys.maxsize
        self.max_us = 0

    def add_whole_f64(self, us: npt.NDArray[np.float64]) -> None:
        """Add whole microseconds held as float64 (clamped in place)."""
        lo, hi = float(us.min()), float(us.max())
        if math.isnan(lo) or math.isnan(hi):
            raise ValueError("latency values contain NaN")
        if lo < 0 or hi > self.highest_us:
            self.below += int(np.count_nonzero(us < 0))
            self.above += int(np.count_nonzero(us > self.highest_us))
            np.clip(us, 0, self.highest_us, out=us)
            lo, hi = min(max(lo, 0.0), self.highest_us), max(min(hi, self.highest_us), 0.0)
        self.slots += np.bincount(self.layout.counts_index(us), minlength=self.layout.counts_len)
        self.count += len(us)
        self.min_us = min(self.min_us, int(lo))
        self.max_us = max(self.max_us, int(hi))


def batch_from_seconds(layout: HdrLayout, highest_us: int, latency_s: npt.ArrayLike) -> Batch:
    """Counts for float seconds, rounded half-to-even to whole microseconds."""
    values_s = float_column(latency_s)
    batch = Batch(layout, highest_us)
    buffer = np.empty(min(len(values_s), CHUNK_LEN), dtype=np.float64)
    for start in range(0, len(values_s), CHUNK_LEN):
        chunk = values_s[start : start + CHUNK_LEN]
        us = buffer[: len(chunk)]
        np.multiply(chunk, _US_PER_S, out=us)
        np.rint(us, out=us)
        batch.add_whole_f64(us)
    return batch


def batch_from_microseconds(layout: HdrLayout, highest_us: int, latency_us: npt.ArrayLike) -> Batch:
    """Counts for integer microseconds of any integer dtype.

    Integers go through the float64 path: exact below 2**53, and larger magnitudes (rounded)
    stay beyond the range limits, so they are still clamped and counted correctly.
    """
    values = int_column(latency_us, "latency_us")
    batch = Batch(layout, highest_us)
    buffer = np.empty(min(len(values), CHUNK_LEN), dtype=np.float64)
    for start in range(0, len(values), CHUNK_LEN):
        chunk = values[start : start + CHUNK_LEN]
        us = buffer[: len(chunk)]
        np.copyto(us, chunk)
        batch.add_whole_f64(us)
    return batch
