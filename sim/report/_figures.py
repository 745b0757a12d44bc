"""Figures derived from histograms and counts, computed the same way for every driver."""

from __future__ import annotations

import math
from collections.abc import Mapping

from sim.metrics import HistogramSet, LatencyHistogram

from ._record import RunRecord
from ._summary import HistogramConfig, LatencyStats, Summary

REQUEST_TAG = "request"
"""Histogram tag of whole-request latency; every other tag is ``"<CHANNEL>/<STATUS>"``."""

FAILURE_STATUSES = frozenset(
    {"THROTTLED", "TEMPORARY_FAILURE", "PERMANENT_FAILURE", "UNKNOWN_FAILURE"}
)
"""Final statuses counted as errors; OPT_OUT and DUPLICATE are the caller's data, not errors."""

CHANNEL_STATUS = "SUCCESSFUL"
"""Per-channel latency is that of SUCCESSFUL deliveries, as in the engine's delivery_p99_s SLO:
fast failures or rule outcomes (0 s) would otherwise make a degraded channel look faster."""

_PERCENTILES = (50.0, 90.0, 99.0, 99.9)
_US_PER_S = 1e6


def latency_stats(histogram: LatencyHistogram) -> LatencyStats:
    """Count, mean, min, p50/p90/p99/p99.9 and max of one histogram, in seconds."""
    p50, p90, p99, p999 = (int(v) for v in histogram.percentiles_us(_PERCENTILES))
    return LatencyStats(
        count=histogram.count,
        mean_s=histogram.mean_us / _US_PER_S,
        min_s=histogram.min_us / _US_PER_S,
        p50_s=p50 / _US_PER_S,
        p90_s=p90 / _US_PER_S,
        p99_s=p99 / _US_PER_S,
        p999_s=p999 / _US_PER_S,
        max_s=histogram.max_us / _US_PER_S,
        below_range_count=histogram.below_range_count,
        above_range_count=histogram.above_range_count,
    )


def split_tag(tag: str) -> tuple[str, str] | None:
    """``(channel, status)`` of a delivery tag, None for ``"request"`` or foreign tags."""
    channel, slash, status = tag.partition("/")
    return (channel, status) if slash and channel and status else None


def channel_histograms(histograms: HistogramSet) -> dict[str, LatencyHistogram]:
    """Per channel, the histogram of its SUCCESSFUL deliveries (channels without any left out)."""
    found: dict[str, LatencyHistogram] = {}
    for tag, histogram in histograms.items():
        parts = split_tag(tag)
        if parts is not None and parts[1] == CHANNEL_STATUS and histogram.count:
            found[parts[0]] = histogram
    return found


def error_ratio(status_counts: Mapping[str, Mapping[str, int]]) -> float:
    """Fraction of recipients whose final status is in :data:`FAILURE_STATUSES`."""
    total = sum(sum(row.values()) for row in status_counts.values())
    failed = sum(
        count
        for row in status_counts.values()
        for status, count in row.items()
        if status in FAILURE_STATUSES
    )
    return failed / total if total else 0.0


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{what} must be finite, got {value}")
    return float(value)


def summarize(record: RunRecord, *, run_id: str, created_utc: str, code_version: str) -> Summary:
    """The summary.json figures of ``record``."""
    status_counts = record.counts.to_dict()
    attempts = record.attempt_counts.to_dict() if record.attempt_counts is not None else {}
    histograms = record.histograms
    lowest_us, highest_us, digits = histograms.config
    for name, value in (
        ("offered_duration_s", record.offered_duration_s),
        ("completion_s", record.completion_s),
        ("wall_s", record.wall_s),
        *((f"throughput.{k}", v) for k, v in _struct_items(record.throughput)),
    ):
        _finite(value, name)
    return Summary(
        scenario=record.scenario,
        run_id=run_id,
        driver=record.driver,
        seed=record.seed,
        code_version=code_version,
        partial=record.partial,
        created_utc=created_utc,
        wall_s=record.wall_s,
        offered_duration_s=record.offered_duration_s,
        completion_s=record.completion_s,
        totals=record.totals,
        throughput=record.throughput,
        error_ratio=error_ratio(status_counts),
        status_counts=status_counts,
        attempt_status_counts=attempts,
        latency={tag: latency_stats(h) for tag, h in histograms.items()},
        channel_latency={
            channel: latency_stats(h) for channel, h in channel_histograms(histograms).items()
        },
        out_of_range_count=sum(
            h.below_range_count + h.above_range_count for _, h in histograms.items()
        ),
        out_of_window_count=record.series.out_of_window_count,
        slo=tuple(record.slo),
        slo_met=all(check.passed for check in record.slo),
        histogram_config=HistogramConfig(
            lowest_us=lowest_us, highest_us=highest_us, significant_digits=digits
        ),
        notes=tuple(record.notes),
        scenario_config=dict(record.scenario_config) if record.scenario_config else None,
    )


def _struct_items(struct: object) -> list[tuple[str, float]]:
    fields: tuple[str, ...] = getattr(struct, "__struct_fields__", ())
    return [(name, float(getattr(struct, name))) for name in fields]
