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

    def add_rounded_f64(self, us: npt.NDArray[np.float64]) -> None:
        """Add whole-microsecond floats (clamped in place)."""
        lo, hi = float(us.min()), float(us.max())
        if math.isnan(lo) or math.isnan(hi):
            raise ValueError("latency values contain NaN")
        if lo < 0 or hi > self.highest_us:
            self.below += int(np.count_nonzero(us < 0))
            self.above += int(np.count_nonzero(us > self.highest_us))
            np.clip(us, 0, self.highest_us, out=us)
            lo, hi = min(max(lo, 0.0), self.highest_us), max(min(hi, self.highest_us), 0.0)
        self._add(us, int(lo), int(hi))

    def add_i64(self, us: npt.NDArray[np.int64]) -> None:
        """Add integer microseconds (clamped in place)."""
        lo, hi = int(us.min()), int(us.max())
        if lo < 0 or hi > self.highest_us:
            self.below += int(np.count_nonzero(us < 0))
            self.above += int(np.count_nonzero(us > self.highest_us))
            np.clip(us, 0, self.highest_us, out=us)
            lo, hi = min(max(lo, 0), self.highest_us), max(min(hi, self.highest_us), 0)
        self._add(us.astype(np.float64), lo, hi)

    def _add(self, us_f64: npt.NDArray[np.float64], lo: int, hi: int) -> None:
        slots = self.layout.counts_index(us_f64)
        self.slots += np.bincount(slots, minlength=self.layout.counts_len)
        self.count += len(us_f64)
        self.min_us = min(self.min_us, lo)
        self.max_us = max(self.max_us, hi)


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
        batch.add_rounded_f64(us)
    return batch


def batch_from_microseconds(layout: HdrLayout, highest_us: int, latency_us: npt.ArrayLike) -> Batch:
    """Counts for integer microseconds of any integer dtype."""
    values = int_column(latency_us, "latency_us")
    batch = Batch(layout, highest_us)
    buffer = np.empty(min(len(values), CHUNK_LEN), dtype=np.int64)
    for start in range(0, len(values), CHUNK_LEN):
        chunk = values[start : start + CHUNK_LEN]
        us = buffer[: len(chunk)]
        if chunk.dtype == np.uint64:  # could wrap negative in int64: clamp while unsigned
            batch.above += int(np.count_nonzero(chunk > highest_us))
            np.minimum(chunk, np.uint64(highest_us), out=us, casting="unsafe")
        else:
            np.copyto(us, chunk)
        batch.add_i64(us)
    return batch
