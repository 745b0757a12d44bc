"""summary.json: one versioned msgspec Struct that every driver (engine, emulator, Locust) writes.

``pinsim compare`` and the CI gate read only this file and the hlog, so the shape is defined
once, here. Times are seconds, rates per second; latency figures come from the HdrHistograms
(values were recorded in microseconds). ``run_id``, ``created_utc`` and ``wall_s`` are the only
fields that differ between two runs of the same scenario, seed and code.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

SCHEMA_VERSION = 1
"""Bump when a field changes meaning or is removed; adding a defaulted field keeps it."""

Driver = Literal["engine", "emulator", "locust"]


class _Struct(msgspec.Struct, frozen=True, kw_only=True):
    """Unknown fields are ignored so a reader accepts files from a newer minor revision."""


class LatencyStats(_Struct, frozen=True, kw_only=True):
    """Percentiles of one latency histogram (HdrHistogram's answers, converted to seconds).

    Out-of-range values were clamped and recorded (so ``count`` is every observation) and are
    counted here: a negative latency as 0 s, one above the histogram's ceiling as the ceiling.
    """

    count: int
    mean_s: float
    min_s: float
    p50_s: float
    p90_s: float
    p99_s: float
    p999_s: float
    max_s: float
    below_range_count: int = 0
    above_range_count: int = 0


class SloCheck(_Struct, frozen=True, kw_only=True):
    """One SLO: ``measured`` against ``target`` with ``comparison`` ``"<="`` or ``">="``."""

    name: str
    target: float
    measured: float
    passed: bool
    comparison: Literal["<=", ">="]


class Totals(_Struct, frozen=True, kw_only=True):
    """How much work the run did.

    ``requests`` are logical sends (first attempts); ``failed_requests`` were answered with an
    error as a whole; ``recipients`` are the endpoints/addresses in them; ``attempts`` are
    deliveries handed to a channel, ``retries`` the attempts that were retries, sent in
    ``retry_requests`` requests. ``recipients`` counts final outcomes; an interrupted run also
    has ``unsent_retries``, attempts whose retry was due but never sent (their last status is in
    the attempt counts), so ``attempts == recipients + retries + unsent_retries``.
    """

    requests: int
    failed_requests: int = 0
    recipients: int
    attempts: int
    retries: int = 0
    retry_requests: int = 0
    unsent_retries: int = 0


class Throughput(_Struct, frozen=True, kw_only=True):
    """Offered load (the schedule) against what was achieved (reference/measurement.md)."""

    offered_requests_per_s: float
    """First attempts per second of the offered duration."""
    offered_deliveries_per_s: float
    """Recipients of first attempts per second of the offered duration."""
    achieved_requests_per_s: float
    """Answered requests per second of completion time."""
    achieved_deliveries_per_s: float
    """SUCCESSFUL recipients per second of completion time."""


class HistogramConfig(_Struct, frozen=True, kw_only=True):
    """The HdrHistogram range and precision every histogram of the run shares."""

    lowest_us: int
    highest_us: int
    significant_digits: int


class Summary(_Struct, frozen=True, kw_only=True):
    """Everything a comparison or a human needs about one run, without the raw histograms."""

    schema_version: int = SCHEMA_VERSION
    scenario: str
    run_id: str
    driver: Driver
    seed: int | None
    code_version: str
    """``sim.__version__``, plus ``+g<git short hash>`` (``.dirty`` if modified) when known."""
    partial: bool
    """True when the run was stopped early: figures cover only what had happened by then."""
    created_utc: str
    wall_s: float
    offered_duration_s: float
    """From 0 to the last first-attempt send."""
    completion_s: float
    """From 0 to the last answer of any attempt."""
    totals: Totals
    throughput: Throughput
    error_ratio: float
    """Recipients whose final status is a failure, over all recipients (0 when none)."""
    status_counts: dict[str, dict[str, int]]
    """Final status of each recipient: ``{channel: {status: recipients}}``."""
    attempt_status_counts: dict[str, dict[str, int]] = {}
    """Status of every attempt, retries included."""
    latency: dict[str, LatencyStats]
    """Per histogram tag: ``"<CHANNEL>/<STATUS>"`` deliveries and ``"request"``."""
    channel_latency: dict[str, LatencyStats]
    """Per channel, its SUCCESSFUL deliveries (the figure of the delivery_p99_s SLO)."""
    out_of_range_count: int
    """Latencies outside the histogram range over all tags (clamped and recorded, not lost)."""
    out_of_window_count: int = 0
    """Events outside the per-second series' time window (counted, not plotted)."""
    slo: tuple[SloCheck, ...] = ()
    slo_met: bool
    """Every SLO passed (true when none is configured)."""
    histogram_config: HistogramConfig
    notes: tuple[str, ...] = ()
    """Caveats a reader must see, e.g. latencies measured by a closed loop."""
    scenario_config: dict[str, Any] | None = None
    """The scenario exactly as it ran (profiles merged in), when the driver has it."""


class _VersionOnly(msgspec.Struct):
    schema_version: int = 0


_encoder = msgspec.json.Encoder(order="deterministic")
_version_decoder = msgspec.json.Decoder(_VersionOnly)
_summary_decoder = msgspec.json.Decoder(Summary)


def encode_summary(summary: Summary) -> bytes:
    """Indented JSON with sorted keys: same figures give the same bytes, diffs stay readable."""
    return msgspec.json.format(_encoder.encode(summary), indent=2) + b"\n"


def decode_summary(data: bytes | str) -> Summary:
    """A Summary from summary.json bytes; ValueError for another schema version or bad data."""
    try:
        version = _version_decoder.decode(data).schema_version
    except msgspec.DecodeError as exc:
        raise ValueError(f"not a pinsim summary: {exc}") from None
    if version != SCHEMA_VERSION:
        raise ValueError(
            f"summary schema_version {version} is not supported (this pinsim reads "
            f"{SCHEMA_VERSION})"
        )
    try:
        return _summary_decoder.decode(data)
    except msgspec.DecodeError as exc:
        raise ValueError(f"invalid pinsim summary: {exc}") from None
