"""What the emulator has served: requests by operation and status, deliveries by channel and
status, in-flight requests and server-side latency (HdrHistogram, microseconds).

Server-side latency runs from the request's head being parsed to the last response byte handed
to the kernel, so in ``realtime`` pacing it includes the simulated delivery time. Deliveries are
counted from each send's trace (per-recipient channel and DeliveryStatus, as the service decided
them); a recipient with no channel (an unknown endpoint id) is counted under ``NONE``.
"""

from __future__ import annotations

import msgspec
import numpy as np

from sim.channels import STATUS_NAMES
from sim.core.channel_types import CHANNEL_TYPES
from sim.core.service import SendTrace
from sim.metrics import HistogramSet, LatencyHistogram

PERCENTILES = (50.0, 90.0, 99.0, 99.9, 100.0)
NO_CHANNEL = "NONE"
STATS_VERSION = 1


class LatencySummary(msgspec.Struct, kw_only=True):
    count: int
    above_range: int
    """Answers slower than the histogram's one-hour ceiling (recorded at the ceiling)."""
    mean_us: float
    percentiles_us: dict[str, int]
    """``"p50"``, ``"p90"``, ``"p99"``, ``"p99.9"``, ``"p100"`` (the max)."""

    @classmethod
    def of(cls, histogram: LatencyHistogram) -> LatencySummary:
        values = histogram.percentiles_us(PERCENTILES).tolist()
        return cls(count=histogram.count, above_range=histogram.above_range_count,
                   mean_us=histogram.mean_us,
                   percentiles_us={f"p{p:g}": int(v) for p, v in zip(PERCENTILES, values,
                                                                     strict=True)})


class StatsReport(msgspec.Struct, kw_only=True):
    """``GET /_pinsim/stats`` and ``results/emulator/<run-id>/stats.json``."""

    version: int = STATS_VERSION
    run_id: str
    pacing: str
    quota_profile: str
    auth: str
    uptime_s: float
    final: bool
    in_flight: int
    open_connections: int
    requests: dict[str, dict[str, int]]
    """Operation -> HTTP status -> count; ``_unrouted`` (no operation matched), ``_protocol``
    (malformed or timed-out HTTP), ``_pinsim`` (operations endpoints), ``_shutdown`` (503)."""
    deliveries: dict[str, dict[str, int]]
    """Channel type -> DeliveryStatus -> count."""
    latency_us: dict[str, LatencySummary]
    """Operation -> server-side latency; ``all`` covers every answered request."""


class EmulatorStats:
    """Counters and histograms of one server; reset only with the process (not /_pinsim/reset).

    Decision: ``POST /_pinsim/reset`` replaces the simulated account, not the record of what
    the server answered, so a load test's stats stay whole.
    """

    def __init__(self) -> None:
        self.requests: dict[str, dict[str, int]] = {}
        # (channel code, status code) counts; channel row len(CHANNEL_TYPES) is "no channel"
        self._deliveries = np.zeros((len(CHANNEL_TYPES) + 1) * len(STATUS_NAMES), np.int64)
        self.in_flight = 0
        self.open_connections = 0
        self._latency = HistogramSet()  # microseconds, 1 us .. 1 h, 3 significant digits

    def record_request(self, operation: str, status: int, latency_s: float | None) -> None:
        """Count one answer; its latency too unless None (HTTP that never parsed)."""
        by_status = self.requests.setdefault(operation, {})
        key = str(status)
        by_status[key] = by_status.get(key, 0) + 1
        if latency_s is None:
            return
        latency_us = round(latency_s * 1e6)
        self._latency.histogram("all").record_value_us(latency_us)
        self._latency.histogram(operation).record_value_us(latency_us)

    def record_send(self, trace: SendTrace) -> None:
        """Count the per-recipient outcomes of a send by channel and DeliveryStatus."""
        channel = np.minimum(trace.channel_codes, len(CHANNEL_TYPES)).astype(np.int64)
        self._deliveries += np.bincount(channel * len(STATUS_NAMES) + trace.status_codes,
                                        minlength=len(self._deliveries))

    @property
    def deliveries(self) -> dict[str, dict[str, int]]:
        """Channel type -> DeliveryStatus -> count (cells with a count only)."""
        names = [*(c.value for c in CHANNEL_TYPES), NO_CHANNEL]
        table = self._deliveries.reshape(len(names), len(STATUS_NAMES))
        return {names[c]: {STATUS_NAMES[s]: int(table[c, s]) for s in np.flatnonzero(table[c])}
                for c in np.flatnonzero(table.sum(axis=1))}

    def report(self, *, run_id: str, pacing: str, quota_profile: str, auth: str,
               uptime_s: float, final: bool = False) -> StatsReport:
        return StatsReport(
            run_id=run_id, pacing=pacing, quota_profile=quota_profile, auth=auth,
            uptime_s=uptime_s, final=final, in_flight=self.in_flight,
            open_connections=self.open_connections,
            requests={op: dict(sorted(st.items())) for op, st in sorted(self.requests.items())},
            deliveries={ch: dict(sorted(st.items()))
                        for ch, st in sorted(self.deliveries.items())},
            latency_us={op: LatencySummary.of(h) for op, h in self._latency.items()})
