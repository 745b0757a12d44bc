"""What one engine run produces: the figures summary.json, the hlog and the plots are built from.

Latency histograms are keyed ``"<CHANNEL>/<STATUS>"`` (one per channel and final delivery
status, e.g. ``"SMS/THROTTLED"``) plus ``"request"``. Definitions:

- a *request* is one logical send: its first attempt and any retries. Its latency runs from its
  intended send time to the answer of its last attempt;
- a *recipient* is one endpoint or address in a request; its final status is that of its last
  attempt, and its delivery latency runs from the request's intended send time to the provider's
  answer on that attempt (0 for recipients stopped by a rule before any provider call);
- an *attempt* is one delivery handed to the rules and a channel; retries add attempts. A retry
  is a SendMessages request listing the request's retryable recipients (endpoint ids and
  addresses), also after a SendUsersMessages, which could only re-send to all of a user's
  endpoints.

Times are virtual seconds from the start of the run (time 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
import numpy as np
import numpy.typing as npt

from sim.metrics import CounterTable, HistogramSet, PerSecondCounts
from sim.scenario import Scenario

REQUEST_TAG = "request"


class SloVerdict(msgspec.Struct, frozen=True, kw_only=True):
    """One SLO check: ``measured`` against ``target``; ``passed`` says which way it went."""

    name: str
    """e.g. ``request_p99_s``, ``delivery_p99_s.APNS``, ``error_ratio``."""
    target: float
    measured: float
    passed: bool
    comparison: str
    """``"<="`` (measured must not exceed target) or ``">="``."""


@dataclass(frozen=True, slots=True)
class ChannelSeries:
    """Per-second counts of one channel's delivery attempts (bin k covers [k, k + 1) s).

    ``arrivals`` counts attempts by the time they reached the channel (including those a rule
    stopped, which start and end on arrival), ``starts`` by when a server took them, ``ends``
    by the provider's answer and ``successes`` the SUCCESSFUL ones by answer time.
    """

    arrivals: PerSecondCounts
    starts: PerSecondCounts
    ends: PerSecondCounts
    successes: PerSecondCounts

    def queue_depth(self) -> npt.NDArray[np.int64]:
        """Attempts waiting (for a token or a server) at the end of each bin."""
        return self._running_difference(self.arrivals, self.starts)

    def in_flight(self) -> npt.NDArray[np.int64]:
        """Attempts held by a server (awaiting the provider) at the end of each bin."""
        return self._running_difference(self.starts, self.ends)

    def _running_difference(self, entered: PerSecondCounts, left: PerSecondCounts
                            ) -> npt.NDArray[np.int64]:
        """Cumulative ``entered - left``, over the bins of all four series (equal lengths)."""
        n = max(len(s.counts) for s in (self.arrivals, self.starts, self.ends, self.successes))
        a, b = entered.counts, left.counts
        depth: npt.NDArray[np.int64] = np.cumsum(np.pad(a, (0, n - len(a)))) - np.cumsum(
            np.pad(b, (0, n - len(b))))
        return depth


@dataclass(frozen=True, slots=True)
class EngineResult:
    """Figures of one run of :func:`sim.engine.run`; ``partial`` when stopped early."""

    scenario: Scenario
    seed: int
    partial: bool
    offered_duration_s: float
    """Virtual time from 0 to the last first-attempt send."""
    completion_s: float
    """Virtual time from 0 to the last answer (of any attempt)."""
    requests: int
    """Logical requests sent (first attempts)."""
    failed_requests: int
    """Requests answered with an error for the whole request (SendUsersMessages where no listed
    user has an endpoint: 404); they have no recipients."""
    recipients: int
    """Recipients with a final outcome (in ``counts``)."""
    attempts: int
    retries: int
    """Attempts that were retries (attempts - recipients - unsent_retries)."""
    retry_requests: int
    """Retry requests sent (each holds one request's retryable recipients)."""
    offered_requests_per_s: float
    offered_deliveries_per_s: float
    """Recipients of first attempts per second of ``offered_duration_s``."""
    achieved_deliveries_per_s: float
    """SUCCESSFUL recipients per second of ``completion_s``."""
    counts: CounterTable
    """Final status of each recipient: rows are channels, columns delivery statuses."""
    attempt_counts: CounterTable
    """Status of every attempt, retries included: rows are channels, columns statuses."""
    histograms: HistogramSet
    """Delivery latency per ``"<CHANNEL>/<STATUS>"`` and request latency as ``"request"``."""
    requests_offered: PerSecondCounts
    """First attempts per second of intended send time."""
    requests_completed: PerSecondCounts
    """Requests per second of their final answer."""
    channel_series: dict[str, ChannelSeries]
    slo_verdicts: tuple[SloVerdict, ...]
    wall_s: float
    """Wall-clock seconds the run took (not deterministic; everything else is)."""

    @property
    def unsent_retries(self) -> int:
        """Attempts whose retry was scheduled but not sent because the run stopped early (0
        for a whole run): their status is in ``attempt_counts``, and they have no final
        outcome in ``counts``. Every attempt is one of the three: a final outcome, a retry
        sent, or this (so it is computed as what the other two leave)."""
        return self.attempts - self.recipients - self.retries

    @property
    def slo_met(self) -> bool:
        """True when every configured SLO passed (and vacuously when none is configured)."""
        return all(verdict.passed for verdict in self.slo_verdicts)

    @property
    def final_counts(self) -> dict[str, dict[str, int]]:
        """``{channel: {status: recipients}}`` without zero cells (JSON-ready)."""
        return self.counts.to_dict()
