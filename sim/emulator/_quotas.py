"""Per-operation request-rate quotas (reference §6): one token bucket per operation.

Decision: a bucket holds ``burst_s`` seconds of its rate (default 1 s, at least one token) and
starts full; a request takes one token or is refused with 429 TooManyRequestsException (no
Retry-After, as AWS). Requests the router rejects (404, 405, ...) take no token. The buckets run
on the server's clock, so with trio's MockClock a test controls refill exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ._config import QuotaProfileName

DEFAULT_RATE_PER_S = 300.0
"""'everything else' in both published tables."""

QUOTA_PROFILES: dict[QuotaProfileName, Mapping[str, float]] = {
    "aws-2023": {
        "SendMessages": 4000.0,
        "SendUsersMessages": 6000.0,
        "UpdateEndpoint": 5000.0,
        "UpdateEndpointsBatch": 5000.0,
        "GetEndpoint": 7000.0,
        "DeleteEndpoint": 1000.0,
    },
    "aws-2026": {
        "SendMessages": 4000.0,
        "SendUsersMessages": 6000.0,
        "UpdateEndpoint": 10.0,
        "UpdateEndpointsBatch": 2.0,
        "GetEndpoint": 10.0,
        "DeleteEndpoint": 5.0,
    },
    "unlimited": {},
}


def rate_per_s(profile: QuotaProfileName, operation: str) -> float:
    """The quota of one operation under a profile, in requests per second (inf: none)."""
    if profile == "unlimited":
        return math.inf
    return QUOTA_PROFILES[profile].get(operation, DEFAULT_RATE_PER_S)


class TokenBucket:
    """``rate_per_s`` tokens a second, at most ``capacity`` banked; starts full."""

    def __init__(self, rate_per_s: float, capacity: float, now_s: float) -> None:
        self.rate_per_s = rate_per_s
        self.capacity = capacity
        self.tokens = capacity
        self.updated_s = now_s

    def try_take(self, now_s: float) -> bool:
        """Take one token if there is one at ``now_s``."""
        elapsed_s = max(0.0, now_s - self.updated_s)
        self.tokens = min(self.capacity, self.tokens + elapsed_s * self.rate_per_s)
        self.updated_s = max(self.updated_s, now_s)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class OperationQuotas:
    """The buckets of one quota profile, created on first use of each operation."""

    def __init__(self, profile: QuotaProfileName, burst_s: float = 1.0) -> None:
        self.profile = profile
        self.burst_s = burst_s
        self._unlimited = profile == "unlimited"
        self._buckets: dict[str, TokenBucket] = {}

    def admit(self, operation: str, now_s: float) -> bool:
        """Whether ``operation`` may run at ``now_s`` (taking a token if so)."""
        if self._unlimited:  # (a check per request, not a quota lookup)
            return True
        bucket = self._buckets.get(operation)
        if bucket is None:
            rate = rate_per_s(self.profile, operation)
            if math.isinf(rate):
                return True
            bucket = TokenBucket(rate, max(1.0, rate * self.burst_s), now_s)
            self._buckets[operation] = bucket
        return bucket.try_take(now_s)
