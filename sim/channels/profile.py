"""The channel profile schema: latency, failure mix, rate limit and connection pool.

Profiles are data (TOML scenario and profile files decode into these Structs), so every field
name carries its unit and bad values fail at decode time with the path of the field.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import msgspec

from ._validate import require, require_finite_positive, require_probability
from .latency import LatencyDistribution
from .status import FailureStatusName

PROBABILITY_SUM_SLACK = 1e-9
"""Rounding allowed when failure probabilities are meant to sum to exactly 1."""

ProviderCode = Annotated[int, msgspec.Meta(ge=100, le=599)]
Probability = Annotated[float, msgspec.Meta(ge=0, le=1)]


class _Schema(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    pass


class FailureRule(_Schema, frozen=True):
    """A provider outcome other than success, drawn independently for each delivery attempt."""

    status: FailureStatusName
    probability: Probability
    status_code: ProviderCode
    status_message: str = ""

    def __post_init__(self) -> None:
        require_probability("probability", self.probability)
        require(100 <= self.status_code <= 599, "status_code", "in [100, 599]", self.status_code)


class RateLimit(_Schema, frozen=True):
    """A token bucket per key: ``rate_per_s`` tokens a second, at most ``burst`` banked.

    ``mode = "reject"`` answers THROTTLED when no token is left; ``"queue"`` holds the delivery
    until one is. ``unit = "part"`` counts SMS message parts (MPS) instead of messages. ``keys``
    independent buckets model e.g. several SMS origination numbers.
    """

    rate_per_s: Annotated[float, msgspec.Meta(gt=0)]
    burst: Annotated[float, msgspec.Meta(ge=1)] = 1.0
    mode: Literal["reject", "queue"] = "reject"
    unit: Literal["message", "part"] = "message"
    keys: Annotated[int, msgspec.Meta(ge=1)] = 1
    status_code: ProviderCode = 429
    status_message: str = "Rate exceeded"

    def __post_init__(self) -> None:
        require_finite_positive("rate_per_s", self.rate_per_s)
        require(
            math.isfinite(self.burst) and self.burst >= 1, "burst", ">= 1 and finite", self.burst
        )
        require(self.keys >= 1, "keys", ">= 1", self.keys)
        require(100 <= self.status_code <= 599, "status_code", "in [100, 599]", self.status_code)

    @property
    def interval_s(self) -> float:
        """Seconds one token (one message or part) takes to refill: 1 / rate_per_s."""
        return 1.0 / self.rate_per_s


class Pool(_Schema, frozen=True):
    """Concurrency limit: ``connections * streams_per_connection`` FIFO servers."""

    connections: Annotated[int, msgspec.Meta(ge=1)]
    streams_per_connection: Annotated[int, msgspec.Meta(ge=1)] = 1

    def __post_init__(self) -> None:
        require(self.connections >= 1, "connections", ">= 1", self.connections)
        require(
            self.streams_per_connection >= 1,
            "streams_per_connection",
            ">= 1",
            self.streams_per_connection,
        )

    @property
    def servers(self) -> int:
        return self.connections * self.streams_per_connection


class ChannelProfile(_Schema, frozen=True):
    """Everything ChannelModel needs to know about one channel; no pool means unlimited."""

    latency: LatencyDistribution
    failures: tuple[FailureRule, ...] = ()
    rate_limit: RateLimit | None = None
    pool: Pool | None = None
    note: str = ""
    """Where the numbers come from (a source, or "assumption")."""

    def __post_init__(self) -> None:
        total = math.fsum(rule.probability for rule in self.failures)
        require(
            total <= 1.0 + PROBABILITY_SUM_SLACK, "failures", "probabilities to sum to <= 1", total
        )
