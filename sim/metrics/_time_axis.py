"""Time bins shared by the per-second series.

Times are float seconds on any clock (virtual time, ``trio.current_time()``); bin ``k`` covers
``[origin_s + k * bin_s, origin_s + (k + 1) * bin_s)``. Events before ``origin_s`` or past
``max_bins`` are not binned but counted (``before_origin_count``, ``beyond_horizon_count``) so
nothing is lost quietly; a NaN time is an error.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from ._arrays import CHUNK_LEN

_Scalar = TypeVar("_Scalar", bound=np.generic)

DEFAULT_MAX_BINS = 7 * 86_400  # a week of seconds: 4.8 MB per int64 column at most


class TimeAxis:
    """Bin arithmetic and the out-of-window tallies shared by both series."""

    __slots__ = ("before_origin", "beyond_horizon", "bin_s", "max_bins", "origin_s")

    def __init__(self, origin_s: float, bin_s: float, max_bins: int) -> None:
        if not math.isfinite(origin_s):
            raise ValueError(f"origin_s must be finite, got {origin_s}")
        if not (math.isfinite(bin_s) and bin_s > 0):
            raise ValueError(f"bin_s must be positive, got {bin_s}")
        if max_bins < 1:
            raise ValueError(f"max_bins must be >= 1, got {max_bins}")
        self.origin_s, self.bin_s, self.max_bins = float(origin_s), float(bin_s), int(max_bins)
        self.before_origin = self.beyond_horizon = 0

    @property
    def key(self) -> tuple[float, float, int]:
        return self.origin_s, self.bin_s, self.max_bins

    def check_same(self, other: TimeAxis) -> None:
        if other.key != self.key:
            raise ValueError(f"cannot merge series with axis {other.key} into {self.key}")

    def merge(self, other: TimeAxis) -> None:
        """Add ``other``'s out-of-window tallies (same axis, else ValueError and no change);
        the series merges its bins."""
        self.check_same(other)
        self.before_origin += other.before_origin
        self.beyond_horizon += other.beyond_horizon

    def chunks(
        self, times_s: npt.NDArray[np.float64], weights: npt.NDArray[np.int64] | None = None
    ) -> Iterator[tuple[slice, npt.NDArray[np.bool_] | None, npt.NDArray[np.intp]]]:
        """``(chunk slice, kept rows or None for all, bin of each kept row)`` per chunk.

        Rows outside the window are tallied here, weighted by ``weights`` when given.
        """
        if len(times_s) and math.isnan(float(times_s.min())):  # before anything is counted
            raise ValueError("times contain NaN")
        for start in range(0, len(times_s), CHUNK_LEN):
            rows = slice(start, start + CHUNK_LEN)
            bins = np.floor((times_s[rows] - self.origin_s) / self.bin_s)
            if float(bins.min()) >= 0 and float(bins.max()) < self.max_bins:
                yield rows, None, bins.astype(np.intp)
                continue
            before, beyond = bins < 0, bins >= self.max_bins
            chunk_weights = None if weights is None else weights[rows]
            self.before_origin += _tally(before, chunk_weights)
            self.beyond_horizon += _tally(beyond, chunk_weights)
            keep = ~(before | beyond)
            yield rows, keep, bins[keep].astype(np.intp)


def _tally(mask: npt.NDArray[np.bool_], weights: npt.NDArray[np.int64] | None) -> int:
    return int(np.count_nonzero(mask) if weights is None else weights[mask].sum())


def grown(column: npt.NDArray[_Scalar], length: int, fill: float) -> npt.NDArray[_Scalar]:
    """``column`` padded with ``fill`` to at least ``length`` (capacity doubles)."""
    if length <= len(column):
        return column
    grown = np.full(max(length, 2 * len(column)), fill, dtype=column.dtype)
    grown[: len(column)] = column
    return grown
