"""The adapter from the engine's :class:`EngineResult` to the report's generic :class:`RunRecord`.

It lives here, not in sim.report, because sim.report must not import the engine.
"""

from __future__ import annotations

import math

import msgspec

from sim.engine import EngineResult, SloVerdict
from sim.metrics import PerSecondCounts
from sim.report import RunRecord, RunSeries, SloCheck, Throughput, Totals
from sim.scenario import ClosedArrivals


def _out_of_window(*series: PerSecondCounts) -> int:
    return sum(s.before_origin_count + s.beyond_horizon_count for s in series)


def _notes(result: EngineResult) -> list[str]:
    notes = []
    arrival = result.scenario.workload.arrival
    if isinstance(arrival, ClosedArrivals):
        notes.append(
            f"closed workload ({arrival.clients} clients): latencies come from a closed loop, "
            "so coordinated omission applies (reference/measurement.md)"
        )
    if result.partial:
        notes.append("stopped early: figures cover only the requests answered by then")
    return notes


def slo_check(verdict: SloVerdict) -> SloCheck:
    """The report's form of one engine SLO verdict."""
    if verdict.comparison not in ("<=", ">="):
        raise ValueError(f"SLO {verdict.name!r} has unknown comparison {verdict.comparison!r}")
    return SloCheck(
        name=verdict.name,
        target=verdict.target,
        measured=verdict.measured,
        passed=verdict.passed,
        comparison="<=" if verdict.comparison == "<=" else ">=",
    )


def record_from_engine(result: EngineResult) -> RunRecord:
    """Everything the report needs from one engine run (histograms are shared, not copied)."""
    n_bins = max(1, math.ceil(result.completion_s))
    channels = result.channel_series
    window = _out_of_window(result.requests_offered, result.requests_completed)
    for series in channels.values():
        window += _out_of_window(series.arrivals, series.starts, series.ends, series.successes)
    answered = result.requests_completed.total
    return RunRecord(
        scenario=result.scenario.name,
        driver="engine",
        seed=result.seed,
        partial=result.partial,
        offered_duration_s=result.offered_duration_s,
        completion_s=result.completion_s,
        wall_s=result.wall_s,
        totals=Totals(
            requests=result.requests,
            failed_requests=result.failed_requests,
            recipients=result.recipients,
            attempts=result.attempts,
            retries=result.retries,
            retry_requests=result.retry_requests,
            unsent_retries=result.unsent_retries,
        ),
        throughput=Throughput(
            offered_requests_per_s=result.offered_requests_per_s,
            offered_deliveries_per_s=result.offered_deliveries_per_s,
            achieved_requests_per_s=answered / result.completion_s if result.completion_s else 0.0,
            achieved_deliveries_per_s=result.achieved_deliveries_per_s,
        ),
        counts=result.counts,
        attempt_counts=result.attempt_counts,
        histograms=result.histograms,
        slo=tuple(slo_check(verdict) for verdict in result.slo_verdicts),
        series=RunSeries(
            bin_s=1.0,
            offered_requests=result.requests_offered.counts_for_bins(n_bins),
            completed_requests=result.requests_completed.counts_for_bins(n_bins),
            channel_successes={
                ch: s.successes.counts_for_bins(n_bins) for ch, s in sorted(channels.items())
            },
            channel_queue_depth={ch: s.queue_depth() for ch, s in sorted(channels.items())},
            channel_in_flight={ch: s.in_flight() for ch, s in sorted(channels.items())},
            out_of_window_count=window,
        ),
        notes=tuple(_notes(result)),
        scenario_config=msgspec.to_builtins(result.scenario),
    )
