"""What the emulator has served: requests by operation and status, deliveries by channel and
status, in-flight requests and server-side latency (HdrHistogram, microseconds).

Server-side latency runs from the request's head being parsed to the last response byte handed
to the kernel, so in ``realtime`` pacing it includes the simulated delivery time. Deliveries are
counted from the answers the service gave (per-recipient ``DeliveryStatus``); the channel of an
``Addresses`` recipient is its ``ChannelType``, that of an endpoint or user recipient is not in
the request or the answer and is counted under ``ENDPOINT``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import msgspec
from hdrh.histogram import HdrHistogram

LOWEST_US = 1
HIGHEST_US = 3_600_000_000  # one hour
SIGNIFICANT_DIGITS = 3
PERCENTILES = (50.0, 90.0, 99.0, 99.9, 100.0)
ENDPOINT_CHANNEL = "ENDPOINT"
STATS_VERSION = 1


class LatencySummary(msgspec.Struct, kw_only=True):
    count: int
    out_of_range: int
    mean_us: float
    percentiles_us: dict[str, int]
    """``"p50"``, ``"p90"``, ``"p99"``, ``"p99.9"``, ``"p100"`` (the max)."""


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
    """Operation (or ``_unrouted``, ``_protocol``, ``_pinsim``) -> HTTP status -> count."""
    deliveries: dict[str, dict[str, int]]
    """Channel type -> DeliveryStatus -> count."""
    latency_us: dict[str, LatencySummary]
    """Operation -> server-side latency; ``all`` covers every answered request."""


class _Result(msgspec.Struct):
    DeliveryStatus: str = ""


class _SendAnswer(msgspec.Struct):
    Result: dict[str, _Result] | None = None
    EndpointResult: dict[str, _Result] | None = None


class _SendUsersAnswer(msgspec.Struct):
    Result: dict[str, dict[str, _Result]] | None = None


class _Address(msgspec.Struct):
    ChannelType: str | None = None


class _SendRequest(msgspec.Struct):
    Addresses: dict[str, _Address] | None = None


_answer_decoder = msgspec.json.Decoder(_SendAnswer)
_users_answer_decoder = msgspec.json.Decoder(_SendUsersAnswer)
_request_decoder = msgspec.json.Decoder(_SendRequest)


class _Histogram:
    """hdrh histogram of microseconds that counts, rather than drops, out-of-range values."""

    def __init__(self) -> None:
        self.hdr: Any = HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)
        self.out_of_range = 0

    def record_s(self, latency_s: float) -> None:
        value_us = max(LOWEST_US, round(latency_s * 1e6))
        if value_us > HIGHEST_US:
            self.out_of_range += 1
            value_us = HIGHEST_US
        self.hdr.record_value(value_us)

    def summary(self) -> LatencySummary:
        hdr = self.hdr
        count = int(hdr.get_total_count())
        return LatencySummary(
            count=count, out_of_range=self.out_of_range,
            mean_us=float(hdr.get_mean_value()) if count else 0.0,
            percentiles_us={f"p{p:g}": int(hdr.get_value_at_percentile(p)) if count else 0
                            for p in PERCENTILES})


class EmulatorStats:
    """Counters and histograms of one server; reset only with the process (not /_pinsim/reset).

    Decision: ``POST /_pinsim/reset`` replaces the simulated account, not the record of what
    the server answered, so a load test's stats stay whole.
    """

    def __init__(self) -> None:
        self.requests: dict[str, dict[str, int]] = {}
        self.deliveries: dict[str, dict[str, int]] = {}
        self.in_flight = 0
        self.open_connections = 0
        self._latency: dict[str, _Histogram] = {"all": _Histogram()}

    def record_request(self, operation: str, status: int, latency_s: float) -> None:
        by_status = self.requests.setdefault(operation, {})
        key = str(status)
        by_status[key] = by_status.get(key, 0) + 1
        self._latency["all"].record_s(latency_s)
        histogram = self._latency.get(operation)
        if histogram is None:
            histogram = self._latency[operation] = _Histogram()
        histogram.record_s(latency_s)

    def record_send(self, operation: str, request_body: bytes, answer_body: bytes) -> None:
        """Count the per-recipient outcomes of a successful SendMessages / SendUsersMessages."""
        try:
            if operation == "SendUsersMessages":
                for by_endpoint in (_users_answer_decoder.decode(answer_body).Result or {}
                                    ).values():
                    for result in by_endpoint.values():
                        self._count_delivery(ENDPOINT_CHANNEL, result.DeliveryStatus)
                return
            answer = _answer_decoder.decode(answer_body)
            addresses = _request_decoder.decode(request_body).Addresses or {}
        except msgspec.DecodeError:
            return
        for address, result in (answer.Result or {}).items():
            spec = addresses.get(address)
            channel = spec.ChannelType if spec and spec.ChannelType else ENDPOINT_CHANNEL
            self._count_delivery(channel, result.DeliveryStatus)
        for result in (answer.EndpointResult or {}).values():
            self._count_delivery(ENDPOINT_CHANNEL, result.DeliveryStatus)

    def _count_delivery(self, channel: str, status: str) -> None:
        by_status = self.deliveries.setdefault(channel, {})
        by_status[status] = by_status.get(status, 0) + 1

    def report(self, *, run_id: str, pacing: str, quota_profile: str, auth: str,
               uptime_s: float, final: bool = False) -> StatsReport:
        return StatsReport(
            run_id=run_id, pacing=pacing, quota_profile=quota_profile, auth=auth,
            uptime_s=uptime_s, final=final, in_flight=self.in_flight,
            open_connections=self.open_connections,
            requests={op: dict(sorted(st.items())) for op, st in sorted(self.requests.items())},
            deliveries={ch: dict(sorted(st.items()))
                        for ch, st in sorted(self.deliveries.items())},
            latency_us={op: h.summary() for op, h in sorted(self._latency.items())})


def write_json_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
