"""Latency histogram: hdrh's HdrHistogram with numpy bulk recording and percentile lookup.

hdrh records about one value per microsecond from Python; the engine produces millions of
latencies per second of wall time. Bulk recording maps values to counts-array slots with numpy and
adds a bincount into hdrh's own counts array, updating hdrh's total, min and max exactly as
``record_value`` would, so hdrh's ``encode()``, ``add()``, percentiles and log writer keep
working on the same object (hdrhistogram is pinned because of this).

Out-of-range values are clamped and counted, never dropped: a negative latency is recorded as 0
and counted in ``below_range_count``; one above ``highest_us`` is recorded as ``highest_us`` and
counted in ``above_range_count``. Clamping rather than excluding keeps ``count`` equal to the
number of observations and keeps an overloaded run's p99 at the ceiling instead of looking
healthy. Values in ``[0, lowest_us)`` are in range (hdrh resolves them to its first slot).
"""

from __future__ import annotations

import operator
import sys
import zlib
from typing import Any

import numpy as np
import numpy.typing as npt
from hdrh.codec import HdrCookieException, HdrLengthException
from hdrh.histogram import HdrHistogram

from ._arrays import float_column
from ._bulk_recording import Batch, batch_from_microseconds, batch_from_seconds
from ._hdr_layout import MAX_TRACKABLE_US, HdrLayout
from ._wire import HistogramWire

DEFAULT_LOWEST_US = 1
DEFAULT_HIGHEST_US = 3_600_000_000  # one hour
DEFAULT_SIGNIFICANT_DIGITS = 3
_INT64_LIMIT = 1 << 63


def _decode_hdr(hdr_base64: str) -> Any:
    """hdrh's decode, with its assorted failures turned into one ValueError."""
    try:
        return HdrHistogram.decode(hdr_base64)
    except (
        ValueError,
        TypeError,
        RuntimeError,
        zlib.error,
        HdrCookieException,
        HdrLengthException,
    ) as exc:
        raise ValueError(f"not an HdrHistogram V2 base64 payload: {exc!r}") from exc


class LatencyHistogram:
    """Latencies in integer microseconds, HdrHistogram-compatible, recordable in bulk."""

    __slots__ = ("_above_range", "_below_range", "_config", "_counts", "_hdr", "_layout")

    def __init__(
        self,
        lowest_us: int = DEFAULT_LOWEST_US,
        highest_us: int = DEFAULT_HIGHEST_US,
        significant_digits: int = DEFAULT_SIGNIFICANT_DIGITS,
    ) -> None:
        if lowest_us < 1:
            raise ValueError(f"lowest_us must be >= 1, got {lowest_us}")
        if not 2 * lowest_us <= highest_us <= MAX_TRACKABLE_US:
            raise ValueError(f"highest_us must be in [2 * lowest_us, 2**53), got {highest_us}")
        if not 1 <= significant_digits <= 5:
            raise ValueError(f"significant_digits must be 1..5, got {significant_digits}")
        self._hdr: Any = HdrHistogram(lowest_us, highest_us, significant_digits)
        self._config = (lowest_us, highest_us, significant_digits)
        self._layout = HdrLayout.of(self._hdr)
        self._counts: npt.NDArray[np.uint64] = np.ctypeslib.as_array(self._hdr.counts)
        self._below_range = 0
        self._above_range = 0

    # --- configuration and raw access -------------------------------------------------------

    @property
    def config(self) -> tuple[int, int, int]:
        """``(lowest_us, highest_us, significant_digits)``; merging needs equal configs."""
        return self._config

    @property
    def hdr(self) -> Any:
        """The underlying ``hdrh.histogram.HdrHistogram``, for hdrh tools (read, don't record)."""
        return self._hdr

    @property
    def counts(self) -> npt.NDArray[np.uint64]:
        """Read-only view of hdrh's counts array."""
        view = self._counts.view()
        view.flags.writeable = False
        return view

    # --- recording --------------------------------------------------------------------------

    def record_s(self, latency_s: npt.ArrayLike) -> None:
        """Record latencies in seconds, rounded to the nearest microsecond (NaN is an error)."""
        self._commit(batch_from_seconds(self._layout, self._config[1], latency_s))

    def record_us(self, latency_us: npt.ArrayLike) -> None:
        """Record integer latencies in microseconds (any integer dtype; floats are refused)."""
        self._commit(batch_from_microseconds(self._layout, self._config[1], latency_us))

    def record_value_us(self, latency_us: int, count: int = 1) -> None:
        """Record one value ``count`` times, with the same clamping as the bulk methods."""
        value = operator.index(latency_us)
        if count < 1:
            raise ValueError(f"count must be >= 1, got {count}")
        highest_us = self._config[1]
        if value < 0:
            self._below_range += count
            value = 0
        elif value > highest_us:
            self._above_range += count
            value = highest_us
        self._hdr.record_value(value, count)

    def _commit(self, batch: Batch) -> None:
        if not batch.count:
            return
        np.add(self._counts, batch.slots.view(np.uint64), out=self._counts)
        hdr = self._hdr
        hdr.total_count += batch.count
        hdr.min_value = min(hdr.min_value, batch.min_us)
        hdr.max_value = max(hdr.max_value, batch.max_us)
        self._below_range += batch.below
        self._above_range += batch.above

    def reset(self) -> None:
        """Forget everything recorded (e.g. after shipping an interval)."""
        self._counts[:] = 0
        self._hdr.total_count = 0
        self._hdr.min_value = sys.maxsize
        self._hdr.max_value = 0
        self._below_range = self._above_range = 0

    # --- statistics (all in microseconds, equal to hdrh's own answers) ----------------------

    @property
    def count(self) -> int:
        """Values recorded, including clamped out-of-range ones."""
        return int(self._hdr.total_count)

    @property
    def below_range_count(self) -> int:
        """Negative values, recorded as 0."""
        return self._below_range

    @property
    def above_range_count(self) -> int:
        """Values above ``highest_us``, recorded as ``highest_us``."""
        return self._above_range

    @property
    def min_us(self) -> int:
        """Lowest equivalent value of the smallest recorded value (0 when empty)."""
        return int(self._hdr.get_min_value()) if self.count else 0

    @property
    def max_us(self) -> int:
        """Highest equivalent value of the largest recorded value (0 when empty)."""
        return int(self._hdr.get_max_value())

    @property
    def mean_us(self) -> float:
        """Mean over slot midpoints, exactly as hdrh's ``get_mean_value``."""
        total = self.count
        if not total:
            return 0.0
        slots = np.flatnonzero(self._counts)
        counts = self._counts[slots].astype(np.int64)
        medians = self._layout.median_value_at(slots.astype(np.int64))
        if total * int(medians[-1]) < _INT64_LIMIT:
            weighted = int(np.dot(counts, medians))
        else:  # int64 would overflow: exact Python integers over the non-empty slots only
            weighted = sum(c * m for c, m in zip(counts.tolist(), medians.tolist(), strict=True))
        return float(weighted) / total

    def percentiles_us(self, percentiles: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Values at many percentiles (0..100) at once, equal to hdrh's get_value_at_percentile."""
        wanted = float_column(percentiles)
        if not bool(np.all((wanted >= 0.0) & (wanted <= 100.0))):
            raise ValueError(f"percentiles must be within [0, 100], got {wanted.tolist()}")
        total = self.count
        if not total:
            return np.zeros(len(wanted), dtype=np.int64)
        targets = np.maximum(np.floor(wanted * float(total) / 100.0 + 0.5), 1.0)
        cumulative = np.cumsum(self._counts)
        slots = np.searchsorted(cumulative, targets.astype(np.uint64), side="left")
        found = slots < self._layout.counts_len
        slots = np.where(found, slots, 0).astype(np.int64)
        values = np.where(
            wanted == 0.0, self._layout.lowest_value_at(slots), self._layout.highest_value_at(slots)
        )
        return np.where(found, values, 0)

    def percentile_us(self, percentile: float) -> int:
        """Value at one percentile (0..100)."""
        return int(self.percentiles_us([percentile])[0])

    # --- merging and shipping ----------------------------------------------------------------

    def merge(self, other: LatencyHistogram) -> None:
        """Add ``other``'s counts (same config required), via hdrh's ``add``."""
        self.merge_hdr(other._hdr, other._below_range, other._above_range)

    def copy(self) -> LatencyHistogram:
        """An independent histogram with the same contents."""
        twin = LatencyHistogram(*self.config)
        twin.merge(self)
        return twin

    def to_wire(self) -> HistogramWire:
        """Lossless compact form (hdrh ``encode()``) plus the out-of-range counts."""
        return HistogramWire(
            hdr_base64=self._hdr.encode().decode("ascii"),
            below_range_count=self._below_range,
            above_range_count=self._above_range,
        )

    @classmethod
    def from_wire(cls, wire: HistogramWire) -> LatencyHistogram:
        """Rebuild a histogram from :meth:`to_wire` output (config comes from the payload)."""
        decoded = _decode_hdr(wire.hdr_base64)
        histogram = cls(
            int(decoded.lowest_trackable_value),
            int(decoded.highest_trackable_value),
            int(decoded.significant_figures),
        )
        histogram.merge_hdr(decoded, wire.below_range_count, wire.above_range_count)
        return histogram

    def merge_wire(self, wire: HistogramWire) -> None:
        """Add a shipped histogram (hdrh's ``decode_and_add``, with the config checked)."""
        self.merge_hdr(_decode_hdr(wire.hdr_base64), wire.below_range_count, wire.above_range_count)

    def merge_hdr(self, other_hdr: Any, below_range: int = 0, above_range: int = 0) -> None:
        """Add an ``hdrh`` HdrHistogram (e.g. from hdrh's log reader) and out-of-range counts."""
        other_config = (
            int(other_hdr.lowest_trackable_value),
            int(other_hdr.highest_trackable_value),
            int(other_hdr.significant_figures),
        )
        if other_config != self.config:
            raise ValueError(
                f"cannot merge histogram with config {other_config} into {self.config}"
            )
        if below_range < 0 or above_range < 0:
            raise ValueError("out-of-range counts cannot be negative")
        # hdrh's add() of an empty histogram would set min to 0, so skip empty ones.
        if other_hdr.total_count:
            self._hdr.add(other_hdr)
        self._below_range += below_range
        self._above_range += above_range

    def __repr__(self) -> str:
        return (
            f"LatencyHistogram(count={self.count}, min_us={self.min_us}, max_us={self.max_us}, "
            f"below_range={self._below_range}, above_range={self._above_range})"
        )
