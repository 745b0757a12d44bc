"""Event counts per time bin: offered arrivals, completed deliveries, per second.

Recording is chunked ``np.bincount`` (``np.add.at`` when each time carries a count) over whole
columns, with no per-value Python; see ``_time_axis`` for binning and out-of-window tallies.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._arrays import float_column, i64_bytes, i64_from_bytes, int_column
from ._time_axis import DEFAULT_MAX_BINS, TimeAxis, grown
from ._wire import PerSecondCountsWire


class PerSecondCounts:
    """How many events fell in each time bin, e.g. offered arrivals or completed deliveries."""

    __slots__ = ("_axis", "_counts", "_n_bins")

    def __init__(
        self, origin_s: float = 0.0, bin_s: float = 1.0, max_bins: int = DEFAULT_MAX_BINS
    ) -> None:
        self._axis = TimeAxis(origin_s, bin_s, max_bins)
        self._counts: npt.NDArray[np.int64] = np.zeros(64, dtype=np.int64)
        self._n_bins = 0

    def add(self, times_s: npt.ArrayLike, counts: npt.ArrayLike | None = None) -> None:
        """Count one event at each time, or ``counts[i]`` events at ``times_s[i]``."""
        times = float_column(times_s)
        weights = None
        if counts is not None:
            weights = int_column(counts, "counts").astype(np.int64, copy=False)
            if len(weights) != len(times):
                raise ValueError(f"{len(weights)} counts for {len(times)} times")
            if len(weights) and int(weights.min()) < 0:
                raise ValueError("counts must be non-negative")
        for rows, keep, bins in self._axis.chunks(times, weights):
            if not len(bins):
                continue
            self._reserve(int(bins.max()) + 1)
            if weights is None:
                per_bin = np.bincount(bins)
                self._counts[: len(per_bin)] += per_bin
            else:
                chunk_weights = weights[rows] if keep is None else weights[rows][keep]
                np.add.at(self._counts, bins, chunk_weights)

    def _reserve(self, n_bins: int) -> None:
        self._counts = grown(self._counts, n_bins, 0)
        self._n_bins = max(self._n_bins, n_bins)

    @property
    def counts(self) -> npt.NDArray[np.int64]:
        """Events per bin, bin 0 first, up to the last bin that received any (a copy)."""
        return self._counts[: self._n_bins].copy()

    def counts_for_bins(self, n_bins: int) -> npt.NDArray[np.int64]:
        """Exactly ``n_bins`` counts: zero-padded (quiet trailing seconds) or cut off."""
        if n_bins < 0:
            raise ValueError(f"n_bins must be >= 0, got {n_bins}")
        result = np.zeros(n_bins, dtype=np.int64)
        kept = min(n_bins, self._n_bins)
        result[:kept] = self._counts[:kept]
        return result

    @property
    def rate_per_s(self) -> npt.NDArray[np.float64]:
        """Events per second in each bin."""
        return self.counts / self._axis.bin_s

    @property
    def total(self) -> int:
        """Events binned (excludes the out-of-window tallies)."""
        return int(self._counts.sum())

    @property
    def before_origin_count(self) -> int:
        """Events before ``origin_s`` (not binned)."""
        return self._axis.before_origin

    @property
    def beyond_horizon_count(self) -> int:
        """Events after the last of ``max_bins`` bins (not binned)."""
        return self._axis.beyond_horizon

    def merge(self, other: PerSecondCounts) -> None:
        """Add ``other``'s counts bin by bin (same origin, bin width and horizon)."""
        self._axis.merge(other._axis)
        self._reserve(other._n_bins)
        self._counts[: other._n_bins] += other._counts[: other._n_bins]

    def to_wire(self) -> PerSecondCountsWire:
        """Lossless compact form for another process."""
        origin_s, bin_s, max_bins = self._axis.key
        return PerSecondCountsWire(
            origin_s=origin_s,
            bin_s=bin_s,
            max_bins=max_bins,
            counts_i64=i64_bytes(self._counts[: self._n_bins]),
            before_origin_count=self._axis.before_origin,
            beyond_horizon_count=self._axis.beyond_horizon,
        )

    @classmethod
    def from_wire(cls, wire: PerSecondCountsWire) -> PerSecondCounts:
        """Rebuild a count series from :meth:`to_wire` output."""
        series = cls(wire.origin_s, wire.bin_s, wire.max_bins)
        counts = i64_from_bytes(wire.counts_i64, "counts_i64")
        if len(counts) > wire.max_bins:
            raise ValueError(f"{len(counts)} bins exceed max_bins={wire.max_bins}")
        series._reserve(len(counts))
        series._counts[: len(counts)] = counts
        series._axis.before_origin = wire.before_origin_count
        series._axis.beyond_horizon = wire.beyond_horizon_count
        return series

    def merge_wire(self, wire: PerSecondCountsWire) -> None:
        """Add a shipped series."""
        self.merge(PerSecondCounts.from_wire(wire))
