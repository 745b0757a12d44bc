"""Synthetic run records with known contents, so report tests need no engine."""

from __future__ import annotations

import numpy as np

from sim.metrics import CounterTable, HistogramSet
from sim.report import RunRecord, RunSeries, SloCheck, Throughput, Totals

STATUSES = ("SUCCESSFUL", "THROTTLED", "PERMANENT_FAILURE", "OPT_OUT")


def make_record(
    *,
    scenario: str = "synthetic",
    latency_scale: float = 1.0,
    achieved_deliveries_per_s: float = 900.0,
    throttled: int = 20,
    channels: tuple[str, ...] = ("APNS", "SMS"),
    out_of_range_s: tuple[float, ...] = (),
    seed: int = 7,
    partial: bool = False,
) -> RunRecord:
    """Exponential latencies (mean 0.2 s x ``latency_scale``) for each channel and requests."""
    rng = np.random.default_rng(seed)
    histograms = HistogramSet()
    counts = CounterTable(channels, STATUSES)
    for channel in channels:
        histograms.record_s(f"{channel}/SUCCESSFUL", rng.exponential(0.2 * latency_scale, 2_000))
        histograms.record_s(f"{channel}/THROTTLED", rng.exponential(0.01, throttled))
        histograms.record_s(f"{channel}/OPT_OUT", np.zeros(30))
        counts.increment(channel, "SUCCESSFUL", 2_000)
        counts.increment(channel, "THROTTLED", throttled)
        counts.increment(channel, "OPT_OUT", 30)
    histograms.record_s("request", rng.exponential(0.3 * latency_scale, 1_000))
    if out_of_range_s:
        histograms.record_s("request", np.asarray(out_of_range_s))
    recipients = counts.total
    return RunRecord(
        scenario=scenario,
        driver="engine",
        seed=seed,
        partial=partial,
        offered_duration_s=10.0,
        completion_s=10.5,
        wall_s=0.25,
        totals=Totals(requests=1_000, recipients=recipients, attempts=recipients),
        throughput=Throughput(
            offered_requests_per_s=100.0,
            offered_deliveries_per_s=recipients / 10.0,
            achieved_requests_per_s=95.0,
            achieved_deliveries_per_s=achieved_deliveries_per_s,
        ),
        counts=counts,
        histograms=histograms,
        slo=(SloCheck(name="request_p99_s", target=2.0, measured=1.4, passed=True,
                      comparison="<="),),
        series=RunSeries(
            offered_requests=rng.poisson(100, 10).astype(np.int64),
            completed_requests=rng.poisson(95, 11).astype(np.int64),
            channel_successes={c: rng.poisson(400, 11).astype(np.int64) for c in channels},
            channel_queue_depth={c: rng.poisson(5, 11).astype(np.int64) for c in channels},
        ),
        scenario_config={"name": scenario, "seed": seed},
    )
