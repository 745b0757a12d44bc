"""SLO verdicts of a run: each configured target against the measured figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.channels import STATUS_CODES

from .result import REQUEST_TAG, SloVerdict

if TYPE_CHECKING:
    from .result import EngineResult

#: Final statuses that count as errors; OPT_OUT and DUPLICATE are the caller's data.
ERROR_STATUSES = ("THROTTLED", "TEMPORARY_FAILURE", "PERMANENT_FAILURE", "UNKNOWN_FAILURE")
_US_PER_S = 1e6


def _p99_s(result: EngineResult, tags: list[str]) -> float:
    histograms = [result.histograms[t] for t in tags if t in result.histograms]
    if not histograms:
        return 0.0
    merged = histograms[0].copy()
    for other in histograms[1:]:
        merged.merge(other)
    return merged.percentile_us(99.0) / _US_PER_S


def error_ratio(result: EngineResult) -> float:
    """Recipients whose final status is an error, over all recipients."""
    counts = result.counts.counts
    errors = sum(int(counts[:, STATUS_CODES[s]].sum()) for s in ERROR_STATUSES)
    total = int(counts.sum())
    return errors / total if total else 0.0


def evaluate_slos(result: EngineResult) -> tuple[SloVerdict, ...]:
    """One verdict per SLO the scenario sets.

    A channel's delivery p99 is over its SUCCESSFUL recipients (a failure answered fast, or a
    recipient stopped by a rule at 0 s, would otherwise pull the figure down).
    """
    slo = result.scenario.slo
    verdicts: list[SloVerdict] = []

    def check(name: str, target: float, measured: float, at_most: bool) -> None:
        passed = measured <= target if at_most else measured >= target
        verdicts.append(SloVerdict(name=name, target=target, measured=measured, passed=passed,
                                   comparison="<=" if at_most else ">="))

    if slo.request_p99_s is not None:
        check("request_p99_s", slo.request_p99_s, _p99_s(result, [REQUEST_TAG]), True)
    for channel, target in slo.delivery_p99_s.items():
        check(f"delivery_p99_s.{channel}", target,
              _p99_s(result, [f"{channel}/SUCCESSFUL"]), True)
    if slo.completion_s is not None:
        check("completion_s", slo.completion_s, result.completion_s, True)
    if slo.error_ratio is not None:
        check("error_ratio", slo.error_ratio, error_ratio(result), True)
    if slo.min_throughput_per_s is not None:
        check("min_throughput_per_s", slo.min_throughput_per_s,
              result.achieved_deliveries_per_s, False)
    return tuple(verdicts)
