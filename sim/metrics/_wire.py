"""Wire forms of the mergeable metrics, for shipping between processes.

The Locust master merges worker reports and the engine may merge shards, so every mergeable
object has a msgspec Struct of plain strings, bytes and ints. Histograms travel in HdrHistogram's
standard compressed base64 form, readable by any HdrHistogram implementation; count columns travel
as little-endian int64 (float64 for sums) bytes.
"""

from __future__ import annotations

import msgspec


class HistogramWire(msgspec.Struct, frozen=True):
    """One latency histogram: hdrh ``encode()`` output plus the out-of-range counts it lacks."""

    hdr_base64: str
    below_range_count: int = 0
    above_range_count: int = 0


class HistogramSetWire(msgspec.Struct, frozen=True):
    """Tagged histograms sharing one configuration (kept so an empty set round-trips)."""

    lowest_us: int
    highest_us: int
    significant_digits: int
    histograms: dict[str, HistogramWire] = {}


class PerSecondCountsWire(msgspec.Struct, frozen=True):
    """Event counts per time bin."""

    origin_s: float
    bin_s: float
    max_bins: int
    counts_i64: bytes
    before_origin_count: int = 0
    beyond_horizon_count: int = 0


class PerSecondGaugeWire(msgspec.Struct, frozen=True):
    """Sampled-gauge statistics per time bin; empty bins hold +inf minimum and -inf maximum."""

    origin_s: float
    bin_s: float
    max_bins: int
    sample_counts_i64: bytes
    sums_f64: bytes
    minimums_f64: bytes
    maximums_f64: bytes
    before_origin_count: int = 0
    beyond_horizon_count: int = 0


class CounterTableWire(msgspec.Struct, frozen=True):
    """A labelled 2-D count table, counts flattened row by row."""

    row_labels: list[str]
    column_labels: list[str]
    counts: list[int]
