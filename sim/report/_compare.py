"""Comparing two runs figure by figure, and the regression verdict the CI gate acts on.

Only summary.json and histograms.hlog are read (latency figures are recomputed from the
histograms), so runs from any driver compare. A watched figure regresses when it moves the wrong
way by more than the tolerance; a watched figure the new run lacks fails too, since the gate
cannot vouch for it.
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ._figures import REQUEST_TAG, channel_histograms, latency_stats
from ._run_dir import LoadedRun
from ._summary import LatencyStats, Summary

Better = Literal["lower", "higher", "either"]
"""Which way is an improvement; ``either``: any change beyond the tolerance is flagged."""

DEFAULT_WATCH = ("*.p99_s", "achieved_deliveries_per_s", "error_ratio")
"""p99 of requests and of each channel, achieved throughput and error ratio."""
DEFAULT_MAX_REGRESSION = 0.10
ERROR_RATIO_SLACK = 0.001
"""Absolute rise in error ratio always tolerated, so a 0 % baseline does not fail on one error."""

_LATENCY_FIELDS = ("p50_s", "p90_s", "p99_s", "p999_s", "max_s", "mean_s")


@dataclass(frozen=True)
class Figure:
    value: float
    better: Better


@dataclass(frozen=True)
class ComparedFigure:
    """One row of the comparison."""

    name: str
    base: float | None
    new: float | None
    better: Better
    watched: bool
    regressed: bool

    @property
    def ratio(self) -> float | None:
        """new / base; None when either is missing, inf when only the base is 0."""
        if self.base is None or self.new is None:
            return None
        if self.base == 0:
            return 1.0 if self.new == 0 else math.inf
        return self.new / self.base


@dataclass(frozen=True)
class Comparison:
    base: Summary
    new: Summary
    rows: tuple[ComparedFigure, ...]
    max_regression: float
    warnings: tuple[str, ...]

    @property
    def regressions(self) -> tuple[ComparedFigure, ...]:
        return tuple(row for row in self.rows if row.regressed)

    @property
    def passed(self) -> bool:
        return not self.regressions


def parse_tolerance(text: str) -> float:
    """``"10%"`` or ``"0.1"`` -> 0.1; ValueError for a negative or unreadable value."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100.0 if raw.endswith("%") else float(raw)
    except ValueError:
        raise ValueError(f"tolerance {text!r} is not a number or a percentage") from None
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"tolerance {text!r} must be a finite value >= 0")
    return value


def _latency_figures(prefix: str, stats: LatencyStats) -> dict[str, Figure]:
    return {f"{prefix}.{name}": Figure(getattr(stats, name), "lower") for name in _LATENCY_FIELDS}


def run_figures(run: LoadedRun) -> dict[str, Figure]:
    """Every comparable figure of a run, by name (e.g. ``request.p99_s``, ``APNS.p99_s``)."""
    s = run.summary
    figures: dict[str, Figure] = {}
    if REQUEST_TAG in run.histograms:
        figures |= _latency_figures(REQUEST_TAG, latency_stats(run.histograms[REQUEST_TAG]))
    for channel, histogram in sorted(channel_histograms(run.histograms).items()):
        figures |= _latency_figures(channel, latency_stats(histogram))
    t = s.throughput
    figures |= {
        "achieved_deliveries_per_s": Figure(t.achieved_deliveries_per_s, "higher"),
        "achieved_requests_per_s": Figure(t.achieved_requests_per_s, "higher"),
        "offered_deliveries_per_s": Figure(t.offered_deliveries_per_s, "either"),
        "offered_requests_per_s": Figure(t.offered_requests_per_s, "either"),
        "error_ratio": Figure(s.error_ratio, "lower"),
        "completion_s": Figure(s.completion_s, "lower"),
        "requests": Figure(float(s.totals.requests), "either"),
        "recipients": Figure(float(s.totals.recipients), "either"),
        "retries": Figure(float(s.totals.retries), "lower"),
    }
    return figures


def _regressed(name: str, base: float, new: float, better: Better, tolerance: float) -> bool:
    slack = ERROR_RATIO_SLACK if name == "error_ratio" else 0.0
    if better == "lower":
        return new > base * (1.0 + tolerance) + slack
    if better == "higher":
        return new < base * (1.0 - tolerance)
    return abs(new - base) > abs(base) * tolerance


def compare_runs(
    base: LoadedRun,
    new: LoadedRun,
    *,
    max_regression: float = DEFAULT_MAX_REGRESSION,
    watch: Sequence[str] = DEFAULT_WATCH,
) -> Comparison:
    """Side-by-side figures of two runs; ``watch`` holds names or fnmatch patterns to gate on.

    ValueError when a watch pattern matches no figure of either run (a typo must not pass).
    """
    base_figures, new_figures = run_figures(base), run_figures(new)
    names = list(base_figures) + [n for n in new_figures if n not in base_figures]
    for pattern in watch:
        if not any(fnmatch.fnmatchcase(name, pattern) for name in names):
            raise ValueError(f"--metric {pattern!r} matches no figure (known: {', '.join(names)})")
    rows = []
    for name in names:
        old_figure, new_figure = base_figures.get(name), new_figures.get(name)
        better = (old_figure or new_figure or Figure(0.0, "either")).better
        watched = any(fnmatch.fnmatchcase(name, pattern) for pattern in watch)
        if old_figure is not None and new_figure is not None:
            regressed = _regressed(
                name, old_figure.value, new_figure.value, better, max_regression
            )
        else:
            regressed = new_figure is None  # the new run lost a figure the base had
        rows.append(
            ComparedFigure(
                name=name,
                base=old_figure.value if old_figure else None,
                new=new_figure.value if new_figure else None,
                better=better,
                watched=watched,
                regressed=watched and regressed,
            )
        )
    return Comparison(
        base=base.summary,
        new=new.summary,
        rows=tuple(rows),
        max_regression=max_regression,
        warnings=tuple(_warnings(base.summary, new.summary)),
    )


def _warnings(base: Summary, new: Summary) -> list[str]:
    found = []
    for label, summary in (("base", base), ("new", new)):
        if summary.partial:
            found.append(f"the {label} run is partial (stopped early)")
    if base.scenario != new.scenario:
        found.append(f"different scenarios: {base.scenario!r} vs {new.scenario!r}")
    if base.driver != new.driver:
        found.append(f"different drivers: {base.driver} vs {new.driver}")
    if base.seed != new.seed:
        found.append(f"different seeds: {base.seed} vs {new.seed}")
    if base.histogram_config != new.histogram_config:
        found.append("different histogram ranges or precision")
    return found
