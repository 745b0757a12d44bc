"""Aggregates kept windows into sim.metrics objects, then into an :class:`EngineResult`.

Recording is columnar: one grouped histogram call, bincounts for the tables and the per-second
series, per window. Nothing is kept per recipient, so memory stays flat however long the run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from sim.channels import STATUS_NAMES, SUCCESSFUL
from sim.core.channel_types import CHANNEL_TYPES, CODE_BY_NAME
from sim.metrics import CounterTable, HistogramSet, PerSecondCounts
from sim.scenario import Scenario

from .columns import F64, Bools, Groups, Recipients
from .kernels import summarize
from .result import REQUEST_TAG, ChannelSeries, EngineResult
from .slo import evaluate_slos
from .window import WindowOutcome

N_STATUSES = len(STATUS_NAMES)
DELIVERY_TAGS = tuple(f"{ct.value}/{name}" for ct in CHANNEL_TYPES for name in STATUS_NAMES)
"""Histogram tag of channel code c and status s at index ``c * N_STATUSES + s``."""


FLUSH_RECIPIENTS = 1 << 20


@dataclass(frozen=True, slots=True)
class _Held:
    """Several kept windows as one (group indices shifted), for one recording pass."""

    groups: Groups
    recipients: Recipients
    start_s: F64
    end_s: F64
    status: npt.NDArray[np.uint8]
    completion_s: F64
    retried: Bools
    done: Bools
    empty: Bools

    @classmethod
    def of(cls, outcomes: list[WindowOutcome]) -> _Held:
        if len(outcomes) == 1:
            o = outcomes[0]
            return cls(o.groups, o.recipients, o.start_s, o.end_s, o.status, o.completion_s,
                       o.retried, o.done, o.empty)
        recipients = Recipients.concat([o.recipients for o in outcomes])
        offsets = np.cumsum([0] + [len(o.groups) for o in outcomes[:-1]])
        recipients.group += np.repeat(offsets, [len(o.recipients) for o in outcomes])

        def cat(name: str) -> Any:
            return np.concatenate([getattr(o, name) for o in outcomes])

        return cls(Groups.concat([o.groups for o in outcomes]), recipients,
                   cat("start_s"), cat("end_s"), cat("status"), cat("completion_s"),
                   cat("retried"), cat("done"), cat("empty"))


def _add_table(table: CounterTable, counts: npt.NDArray[np.int64]) -> None:
    rows, columns = np.nonzero(counts)
    if len(rows):
        table.add(rows, columns, counts[rows, columns])


class Recorder:
    """Running totals of one engine run."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.scenario, self.seed = scenario, seed
        names = list(scenario.population.channel_mix)
        self._row_of_code = np.zeros(len(CHANNEL_TYPES), dtype=np.int64)
        for row, name in enumerate(names):
            self._row_of_code[CODE_BY_NAME[name]] = row
        self.counts = CounterTable(names, STATUS_NAMES)
        self.attempt_counts = CounterTable(names, STATUS_NAMES)
        self.histograms = HistogramSet()
        self.requests_offered = PerSecondCounts()
        self.requests_completed = PerSecondCounts()
        self.series = {name: ChannelSeries(PerSecondCounts(), PerSecondCounts(),
                                           PerSecondCounts(), PerSecondCounts())
                       for name in names}
        self.requests = self.failed_requests = self.recipients = self.attempts = 0
        self.retries = self.retry_requests = self.successes = 0
        self.offered_until_s = self.completion_s = 0.0
        self._held: list[WindowOutcome] = []
        self._held_recipients = 0

    def record(self, outcome: WindowOutcome) -> None:
        """Count a kept window now; aggregate it with the next ones (fixed costs per flush)."""
        groups = outcome.groups
        self.requests += int(groups.fresh.sum())
        self.retry_requests += int((~groups.fresh).sum())
        self.attempts += len(outcome.recipients)
        self._held.append(outcome)
        self._held_recipients += len(outcome.recipients)
        if self._held_recipients >= FLUSH_RECIPIENTS:
            self.flush()

    def flush(self) -> None:
        """Record every held window in one pass."""
        if not self._held:
            return
        held = _Held.of(self._held)
        self._held, self._held_recipients = [], 0
        groups, recipients = held.groups, held.recipients
        fresh = groups.fresh
        if fresh.any():
            intended = groups.intended_s[fresh]
            self.requests_offered.add(intended)
            self.offered_until_s = max(self.offered_until_s, float(intended.max()))
        self.failed_requests += int(held.empty.sum())
        answered = held.done & ~held.empty
        if answered.any():
            latency_s = held.completion_s[answered] - groups.intended_s[answered]
            self.histograms.record_s(REQUEST_TAG, latency_s)
            self.requests_completed.add(held.completion_s[answered])
        if len(groups):
            self.completion_s = max(self.completion_s, float(held.completion_s.max()))
        if not len(recipients):
            return
        n_rows = len(self.series)
        first = int(groups.time_s.min())
        span = int(held.end_s.max()) - first + 1  # starts and arrivals are not later than ends
        attempt_table = np.zeros((n_rows, N_STATUSES), dtype=np.int64)
        final_table = np.zeros((n_rows, N_STATUSES), dtype=np.int64)
        per_second = np.zeros((4, n_rows, span), dtype=np.int64)
        codes = np.empty(len(recipients), dtype=np.int64)
        latency_s = np.empty(len(recipients), dtype=np.float64)
        finals, retries = summarize(
            recipients.channel, held.status, held.retried, recipients.group, held.start_s,
            held.end_s, groups.time_s, groups.intended_s, groups.attempt, self._row_of_code,
            N_STATUSES, SUCCESSFUL, first, attempt_table, final_table, per_second, codes,
            latency_s)
        _add_table(self.attempt_counts, attempt_table)
        _add_table(self.counts, final_table)
        self.retries += retries
        self.recipients += finals
        self.successes += int(attempt_table[:, SUCCESSFUL].sum())
        self.histograms.record_grouped_s(DELIVERY_TAGS, codes[:finals], latency_s[:finals])
        self._add_series(per_second, first)

    def _add_series(self, per_second: npt.NDArray[np.int64], first_second: int) -> None:
        bins = np.flatnonzero(per_second.any(axis=(0, 1)))
        centres_s = first_second + bins + 0.5
        for row, series in enumerate(self.series.values()):
            for kind, counts in enumerate(per_second[:, row, bins]):
                if counts.any():
                    (series.arrivals, series.starts, series.ends, series.successes)[kind].add(
                        centres_s, counts)

    def result(self, *, partial: bool, wall_s: float) -> EngineResult:
        self.flush()
        offered_s = self.offered_until_s
        completion_s = self.completion_s
        first_recipients = int(self.recipients)
        result = EngineResult(
            scenario=self.scenario, seed=self.seed, partial=partial,
            offered_duration_s=offered_s, completion_s=completion_s,
            requests=self.requests, failed_requests=self.failed_requests,
            recipients=first_recipients, attempts=self.attempts, retries=self.retries,
            retry_requests=self.retry_requests,
            offered_requests_per_s=self.requests / offered_s if offered_s > 0 else 0.0,
            offered_deliveries_per_s=first_recipients / offered_s if offered_s > 0 else 0.0,
            achieved_deliveries_per_s=(self.successes / completion_s if completion_s > 0
                                       else 0.0),
            counts=self.counts, attempt_counts=self.attempt_counts, histograms=self.histograms,
            requests_offered=self.requests_offered, requests_completed=self.requests_completed,
            channel_series=self.series, slo_verdicts=(), wall_s=wall_s)
        verdicts = evaluate_slos(result)
        return EngineResult(**{**{f: getattr(result, f) for f in result.__slots__},
                               "slo_verdicts": verdicts})
