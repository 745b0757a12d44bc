"""What a driver hands to the report: generic figures, sim.metrics objects and numpy series.

sim.report must not import the engine (the Locust side imports sim.report), so each driver fills
a :class:`RunRecord` from its own result type; sim.commands does it for the engine.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.metrics import CounterTable, HistogramSet

from ._summary import Driver, SloCheck, Throughput, Totals

IntSeries = npt.NDArray[np.int64]


@dataclass(frozen=True, kw_only=True)
class RunSeries:
    """Per-bin series for the plots; bin ``k`` covers ``[k * bin_s, (k + 1) * bin_s)``.

    Counts are events per bin (divided by ``bin_s`` when plotted as rates); ``queue_depth`` is
    deliveries waiting for a token or a server at the end of each bin. Any mapping may be empty
    when the driver cannot observe it (its plot is then left out, never faked).
    """

    bin_s: float = 1.0
    offered_requests: IntSeries = field(default_factory=lambda: np.zeros(0, np.int64))
    completed_requests: IntSeries = field(default_factory=lambda: np.zeros(0, np.int64))
    channel_successes: Mapping[str, IntSeries] = field(default_factory=dict)
    channel_queue_depth: Mapping[str, IntSeries] = field(default_factory=dict)
    channel_in_flight: Mapping[str, IntSeries] = field(default_factory=dict)
    out_of_window_count: int = 0
    """Events the series could not bin (before time 0 or past their horizon)."""

    @property
    def has_throughput(self) -> bool:
        return bool(
            len(self.offered_requests)
            or len(self.completed_requests)
            or any(len(s) for s in self.channel_successes.values())
        )

    @property
    def has_queue_depth(self) -> bool:
        return any(len(s) for s in self.channel_queue_depth.values())


@dataclass(frozen=True, kw_only=True)
class RunRecord:
    """One finished (or interrupted) run, from any driver, ready to summarise and write.

    ``histograms`` are tagged ``"<CHANNEL>/<STATUS>"`` and ``"request"``; ``counts`` holds the
    final status of each recipient (rows channels, columns statuses) and ``attempt_counts`` the
    status of every attempt when the driver tracks retries.
    """

    scenario: str
    driver: Driver
    seed: int | None
    partial: bool
    offered_duration_s: float
    completion_s: float
    wall_s: float
    totals: Totals
    throughput: Throughput
    counts: CounterTable
    histograms: HistogramSet
    attempt_counts: CounterTable | None = None
    slo: Sequence[SloCheck] = ()
    series: RunSeries = field(default_factory=RunSeries)
    notes: Sequence[str] = ()
    scenario_config: Mapping[str, Any] | None = None
