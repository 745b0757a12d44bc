"""Sampled gauge per time bin: queue depth, connections in use, tokens left.

A gauge is sampled, not counted, so each bin keeps the sample count, sum, minimum and maximum;
all four merge exactly across processes. Recording is chunked ``np.bincount`` and
``np.minimum.at`` / ``np.maximum.at`` over whole columns; binning is described in ``_time_axis``.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from ._arrays import f64_bytes, f64_from_bytes, float_column, i64_bytes, i64_from_bytes
from ._time_axis import DEFAULT_MAX_BINS, TimeAxis, grown
from ._wire import PerSecondGaugeWire


class PerSecondGauge:
    """Per-bin count, mean, minimum and maximum of gauge samples."""

    __slots__ = ("_axis", "_maximums", "_minimums", "_n_bins", "_sample_counts", "_sums")

    def __init__(
        self, origin_s: float = 0.0, bin_s: float = 1.0, max_bins: int = DEFAULT_MAX_BINS
    ) -> None:
        self._axis = TimeAxis(origin_s, bin_s, max_bins)
        self._sample_counts: npt.NDArray[np.int64] = np.zeros(64, dtype=np.int64)
        self._sums: npt.NDArray[np.float64] = np.zeros(64, dtype=np.float64)
        self._minimums: npt.NDArray[np.float64] = np.full(64, np.inf)
        self._maximums: npt.NDArray[np.float64] = np.full(64, -np.inf)
        self._n_bins = 0

    def add(self, times_s: npt.ArrayLike, values: npt.ArrayLike) -> None:
        """Record ``values[i]`` sampled at ``times_s[i]`` (NaN times or values are errors)."""
        times = float_column(times_s)
        samples = float_column(values)
        if len(samples) != len(times):
            raise ValueError(f"{len(samples)} values for {len(times)} times")
        if len(samples) and math.isnan(float(samples.min())):
            raise ValueError("gauge values contain NaN")
        for rows, keep, bins in self._axis.chunks(times):
            if not len(bins):
                continue
            chunk = samples[rows] if keep is None else samples[rows][keep]
            self._reserve(int(bins.max()) + 1)
            per_bin = np.bincount(bins)
            self._sample_counts[: len(per_bin)] += per_bin
            self._sums[: len(per_bin)] += np.bincount(bins, weights=chunk)
            np.minimum.at(self._minimums, bins, chunk)
            np.maximum.at(self._maximums, bins, chunk)

    def _reserve(self, n_bins: int) -> None:
        self._sample_counts = grown(self._sample_counts, n_bins, 0)
        self._sums = grown(self._sums, n_bins, 0.0)
        self._minimums = grown(self._minimums, n_bins, np.inf)
        self._maximums = grown(self._maximums, n_bins, -np.inf)
        self._n_bins = max(self._n_bins, n_bins)

    @property
    def sample_counts(self) -> npt.NDArray[np.int64]:
        """Samples per bin, up to the last bin that received any (a copy)."""
        return self._sample_counts[: self._n_bins].copy()

    @property
    def means(self) -> npt.NDArray[np.float64]:
        """Mean sample per bin; NaN where a bin has no samples."""
        counts = self._sample_counts[: self._n_bins]
        means = np.full(self._n_bins, np.nan)
        np.divide(self._sums[: self._n_bins], counts, out=means, where=counts > 0)
        return means

    @property
    def minimums(self) -> npt.NDArray[np.float64]:
        """Smallest sample per bin; NaN where a bin has no samples."""
        return self._empty_as_nan(self._minimums)

    @property
    def maximums(self) -> npt.NDArray[np.float64]:
        """Largest sample per bin; NaN where a bin has no samples."""
        return self._empty_as_nan(self._maximums)

    def _empty_as_nan(self, column: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.where(self._sample_counts[: self._n_bins] > 0, column[: self._n_bins], np.nan)

    @property
    def before_origin_count(self) -> int:
        """Samples taken before ``origin_s`` (not binned)."""
        return self._axis.before_origin

    @property
    def beyond_horizon_count(self) -> int:
        """Samples taken after the last of ``max_bins`` bins (not binned)."""
        return self._axis.beyond_horizon

    def merge(self, other: PerSecondGauge) -> None:
        """Combine ``other``'s samples bin by bin (same origin, bin width and horizon)."""
        self._axis.merge(other._axis)
        n = other._n_bins
        self._reserve(n)
        self._sample_counts[:n] += other._sample_counts[:n]
        self._sums[:n] += other._sums[:n]
        np.minimum(self._minimums[:n], other._minimums[:n], out=self._minimums[:n])
        np.maximum(self._maximums[:n], other._maximums[:n], out=self._maximums[:n])

    def to_wire(self) -> PerSecondGaugeWire:
        """Lossless compact form for another process."""
        origin_s, bin_s, max_bins = self._axis.key
        n = self._n_bins
        return PerSecondGaugeWire(
            origin_s=origin_s,
            bin_s=bin_s,
            max_bins=max_bins,
            sample_counts_i64=i64_bytes(self._sample_counts[:n]),
            sums_f64=f64_bytes(self._sums[:n]),
            minimums_f64=f64_bytes(self._minimums[:n]),
            maximums_f64=f64_bytes(self._maximums[:n]),
            before_origin_count=self._axis.before_origin,
            beyond_horizon_count=self._axis.beyond_horizon,
        )

    @classmethod
    def from_wire(cls, wire: PerSecondGaugeWire) -> PerSecondGauge:
        """Rebuild a gauge series from :meth:`to_wire` output."""
        series = cls(wire.origin_s, wire.bin_s, wire.max_bins)
        columns = (
            i64_from_bytes(wire.sample_counts_i64, "sample_counts_i64"),
            f64_from_bytes(wire.sums_f64, "sums_f64"),
            f64_from_bytes(wire.minimums_f64, "minimums_f64"),
            f64_from_bytes(wire.maximums_f64, "maximums_f64"),
        )
        n = len(columns[0])
        if any(len(column) != n for column in columns) or n > wire.max_bins:
            raise ValueError("gauge wire columns differ in length or exceed max_bins")
        series._reserve(n)
        series._sample_counts[:n], series._sums[:n] = columns[0], columns[1]
        series._minimums[:n], series._maximums[:n] = columns[2], columns[3]
        series._axis.before_origin = wire.before_origin_count
        series._axis.beyond_horizon = wire.beyond_horizon_count
        return series

    def merge_wire(self, wire: PerSecondGaugeWire) -> None:
        """Add a shipped series."""
        self.merge(PerSecondGauge.from_wire(wire))
