"""What the emulator has served: requests by operation and status, deliveries by channel and
status, in-flight requests, server-side latency and simulated latency (HdrHistogram, us).

Server-side latency runs from the request's head being parsed to the last response byte handed
to the kernel, so in ``realtime`` pacing it includes the simulated delivery time. Simulated
latency is the model's, in every pacing (``instant`` answers at once but still reports it): per
send operation, from a send's arrival to its last delivery's completion (how long a
``realtime`` answer waits), and per channel, each delivery's time from the request's arrival to
its provider's answer, for the deliveries that took simulated time (a delivery decided without
the channel, such as DUPLICATE or OPT_OUT, or on an instant channel, takes none). Deliveries
are counted from each send's trace (per-recipient channel and DeliveryStatus) when the service
decides them, before a real-time answer is held; a recipient with no channel (an unknown
endpoint id) is counted under ``NONE``.
"""

from __future__ import annotations

from collections import defaultdict

import msgspec
import numpy as np
import numpy.typing as npt

from sim.channels import STATUS_NAMES, ChannelState
from sim.core.channel_types import CHANNEL_TYPES
from sim.core.service import SendTrace
from sim.metrics import HistogramSet, LatencyHistogram

U8 = npt.NDArray[np.uint8]
F64 = npt.NDArray[np.float64]
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
    simulated_latency_us: dict[str, LatencySummary] = {}
    """Send operation -> arrival to last delivery's completion, in the model's time."""
    delivery_latency_us: dict[str, LatencySummary] = {}
    """Channel type -> each delivery's simulated time (those that took any)."""
    channels: dict[str, ChannelState] = {}
    """Configured channel type -> its pool and rate-limit buckets at report time (simulated
    time: in ``realtime`` pacing the real clock; a send arriving now would wait
    ``server_wait_s`` for a server and ``bucket_wait_s`` for a token)."""


class EmulatorStats:
    """Counters and histograms of one server; reset only with the process (not /_pinsim/reset).

    Decision: ``POST /_pinsim/reset`` replaces the simulated account, not the record of what
    the server answered, so a load test's stats stay whole.

    Recording is on every request's path, so it only appends: latencies and send outcomes wait
    in lists and go into the histograms and the delivery table in one numpy pass per
    ``FLUSH_EVERY`` of them, or when a report is made (one ``record_value`` or ``bincount``
    per request would cost microseconds each).
    """

    FLUSH_EVERY = 4096

    def __init__(self) -> None:
        self._answers: dict[str, dict[int, int]] = {}  # operation -> HTTP status -> count
        # (channel code, status code) counts; channel row len(CHANNEL_TYPES) is "no channel"
        self._deliveries = np.zeros((len(CHANNEL_TYPES) + 1) * len(STATUS_NAMES), np.int64)
        self.in_flight = 0
        self.open_connections = 0
        self._latency = HistogramSet()  # microseconds, 1 us .. 1 h, 3 significant digits
        self._simulated = HistogramSet()  # by send operation
        self._delivery = HistogramSet()  # by channel type
        self._pending_latency_s: defaultdict[str, list[float]] = defaultdict(list)
        self._pending_latencies = 0
        # the traces' arrays themselves (a SendTrace is a value its maker does not reuse), not
        # the traces: those hold every recipient's address, megabytes over a flush period
        self._pending_sends: list[tuple[U8, U8, F64]] = []
        self._pending_completion_s: defaultdict[str, list[float]] = defaultdict(list)
        self._pending_recipients = 0

    def record_request(self, operation: str, status: int, latency_s: float | None) -> None:
        """Count one answer; its latency too unless None (HTTP that never parsed)."""
        by_status = self._answers.get(operation)
        if by_status is None:
            by_status = self._answers[operation] = {}
        by_status[status] = by_status.get(status, 0) + 1
        if latency_s is None:
            return
        self._pending_latency_s[operation].append(latency_s)
        self._pending_latencies += 1
        if self._pending_latencies >= self.FLUSH_EVERY:
            self._flush_latencies()

    def record_send(self, operation: str, trace: SendTrace) -> None:
        """Count the per-recipient outcomes of a send by channel and DeliveryStatus, and its
        simulated latencies."""
        self._pending_sends.append((trace.channel_codes, trace.status_codes, trace.latency_s))
        self._pending_completion_s[operation].append(trace.completion_s - trace.started_s)
        self._pending_recipients += len(trace.status_codes)
        if self._pending_recipients >= self.FLUSH_EVERY * 16:
            self._flush_sends()

    def _flush_latencies(self) -> None:
        _record_pending(self._latency, self._pending_latency_s,
                        also=self._latency.histogram("all"))
        self._pending_latencies = 0

    def _flush_sends(self) -> None:
        _record_pending(self._simulated, self._pending_completion_s)
        if not self._pending_sends:
            return
        channel = np.concatenate([c for c, _, _ in self._pending_sends])
        status = np.concatenate([s for _, s, _ in self._pending_sends])
        latency_s = np.concatenate([t for _, _, t in self._pending_sends])
        cell = np.minimum(channel, len(CHANNEL_TYPES)).astype(np.int64) * len(STATUS_NAMES)
        self._deliveries += np.bincount(cell + status, minlength=len(self._deliveries))
        took_time = latency_s > 0.0
        for code in np.unique(channel[took_time]).tolist():
            if code < len(CHANNEL_TYPES):
                self._delivery.histogram(CHANNEL_TYPES[code].value).record_s(
                    latency_s[took_time & (channel == code)])
        self._pending_sends.clear()
        self._pending_recipients = 0

    @property
    def requests(self) -> dict[str, dict[str, int]]:
        """Operation -> HTTP status (as text) -> count, both sorted."""
        return {op: {str(status): n for status, n in sorted(by_status.items())}
                for op, by_status in sorted(self._answers.items())}

    @property
    def deliveries(self) -> dict[str, dict[str, int]]:
        """Channel type -> DeliveryStatus -> count (cells with a count only)."""
        self._flush_sends()
        names = [*(c.value for c in CHANNEL_TYPES), NO_CHANNEL]
        table = self._deliveries.reshape(len(names), len(STATUS_NAMES))
        return {names[c]: {STATUS_NAMES[s]: int(table[c, s]) for s in np.flatnonzero(table[c])}
                for c in np.flatnonzero(table.sum(axis=1))}

    def report(self, *, run_id: str, pacing: str, quota_profile: str, auth: str,
               uptime_s: float, final: bool = False,
               channels: dict[str, ChannelState] | None = None) -> StatsReport:
        self._flush_latencies()
        self._flush_sends()
        return StatsReport(
            run_id=run_id, pacing=pacing, quota_profile=quota_profile, auth=auth,
            uptime_s=uptime_s, final=final, in_flight=self.in_flight, channels=channels or {},
            open_connections=self.open_connections,
            requests=self.requests,
            deliveries={ch: dict(sorted(st.items()))
                        for ch, st in sorted(self.deliveries.items())},
            latency_us={op: LatencySummary.of(h) for op, h in self._latency.items()},
            simulated_latency_us={op: LatencySummary.of(h) for op, h in self._simulated.items()},
            delivery_latency_us={ch: LatencySummary.of(h) for ch, h in self._delivery.items()})


def _record_pending(histograms: HistogramSet, pending_s: dict[str, list[float]], *,
                    also: LatencyHistogram | None = None) -> None:
    """Record each key's pending latencies (seconds) in its histogram, and in ``also``, in one
    numpy pass per key; then empty them."""
    for key, pending in pending_s.items():
        if pending:
            latency_s = np.array(pending, dtype=np.float64)
            histograms.histogram(key).record_s(latency_s)
            if also is not None:
                also.record_s(latency_s)
            pending.clear()
