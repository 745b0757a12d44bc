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
from collections.abc import Callable
from typing import Any

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
        slots = self.layout.counts_index(us)
        if len(slots) * 2 >= len(self.slots):
            self.slots += np.bincount(slots, minlength=len(self.slots))
        else:  # a small group: skip allocating and adding a whole counts-sized array
            np.add.at(self.slots, slots, 1)
        self.count += len(us)
        self.min_us = min(self.min_us, int(lo))
        self.max_us = max(self.max_us, int(hi))


def _seconds_to_us(values_s: npt.NDArray[np.float64], out: npt.NDArray[np.float64]) -> None:
    np.multiply(values_s, _US_PER_S, out=out)
    np.rint(out, out=out)


def _integers_to_us(values_us: npt.NDArray[np.integer], out: npt.NDArray[np.float64]) -> None:
    # Exact below 2**53; larger magnitudes round but stay beyond the range limits, so they are
    # still clamped and counted correctly.
    np.copyto(out, values_us)


_Converter = Callable[[npt.NDArray[Any], npt.NDArray[np.float64]], None]


def _batch(
    layout: HdrLayout, highest_us: int, values: npt.NDArray[Any], to_us: _Converter
) -> Batch:
    batch = Batch(layout, highest_us)
    buffer = np.empty(min(len(values), CHUNK_LEN), dtype=np.float64)
    for start in range(0, len(values), CHUNK_LEN):
        chunk = values[start : start + CHUNK_LEN]
        us = buffer[: len(chunk)]
        to_us(chunk, us)
        batch.add_whole_f64(us)
    return batch


def batch_from_seconds(layout: HdrLayout, highest_us: int, latency_s: npt.ArrayLike) -> Batch:
    """Counts for float seconds, rounded half-to-even to whole microseconds."""
    return _batch(layout, highest_us, float_column(latency_s), _seconds_to_us)


def batch_from_microseconds(layout: HdrLayout, highest_us: int, latency_us: npt.ArrayLike) -> Batch:
    """Counts for integer microseconds of any integer dtype."""
    return _batch(layout, highest_us, int_column(latency_us, "latency_us"), _integers_to_us)


def _grouped_batches(
    layout: HdrLayout,
    highest_us: int,
    n_groups: int,
    group_codes: npt.ArrayLike,
    values: npt.NDArray[Any],
    to_us: _Converter,
) -> dict[int, Batch]:
    """One batch per group code present; each chunk is sorted by code (a radix sort in cache)."""
    codes = int_column(group_codes, "group_codes")
    if len(codes) != len(values):
        raise ValueError(f"{len(codes)} group codes for {len(values)} latency values")
    if len(codes) and (int(codes.min()) < 0 or int(codes.max()) >= n_groups):
        raise ValueError(
            f"group codes span [{codes.min()}, {codes.max()}], outside [0, {n_groups})"
        )
    if n_groups <= 1 << 16:  # narrow codes make numpy's stable argsort a radix sort
        codes = codes.astype(np.uint8 if n_groups <= 1 << 8 else np.uint16, copy=False)
    batches: dict[int, Batch] = {}
    converted = np.empty(min(len(values), CHUNK_LEN), dtype=np.float64)
    by_group = np.empty_like(converted)
    for start in range(0, len(values), CHUNK_LEN):
        chunk_codes = codes[start : start + CHUNK_LEN]
        us, grouped = converted[: len(chunk_codes)], by_group[: len(chunk_codes)]
        to_us(values[start : start + CHUNK_LEN], us)
        np.take(us, np.argsort(chunk_codes, kind="stable"), out=grouped)
        group_sizes = np.bincount(chunk_codes, minlength=n_groups)
        group_ends = np.cumsum(group_sizes)
        for code in np.flatnonzero(group_sizes).tolist():
            end = int(group_ends[code])
            batch = batches.get(code)
            if batch is None:
                batch = batches[code] = Batch(layout, highest_us)
            batch.add_whole_f64(grouped[end - int(group_sizes[code]) : end])
    return batches


def grouped_batches_from_seconds(
    layout: HdrLayout,
    highest_us: int,
    n_groups: int,
    group_codes: npt.ArrayLike,
    latency_s: npt.ArrayLike,
) -> dict[int, Batch]:
    """``{group code: Batch}`` for float seconds split by a small-int group code column."""
    values = float_column(latency_s)
    return _grouped_batches(layout, highest_us, n_groups, group_codes, values, _seconds_to_us)


def grouped_batches_from_microseconds(
    layout: HdrLayout,
    highest_us: int,
    n_groups: int,
    group_codes: npt.ArrayLike,
    latency_us: npt.ArrayLike,
) -> dict[int, Batch]:
    """``{group code: Batch}`` for integer microseconds split by a group code column."""
    values = int_column(latency_us, "latency_us")
    return _grouped_batches(layout, highest_us, n_groups, group_codes, values, _integers_to_us)
