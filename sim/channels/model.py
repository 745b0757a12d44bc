"""ChannelModel: what happens to deliveries handed to one channel's provider.

In order: a token bucket per key (throttle or delay), a FIFO pool of servers, a latency per
delivery and an outcome from the failure mix. State (bucket and server times, random streams)
carries over between calls, so the emulator can admit each request as it comes in real time and
the engine whole batches in virtual time, with the same result for the same deliveries. A model
is a fleet of one channel (``ChannelFleet``), so it shares every line of admission logic with the
service, which admits all channels of a request in one fleet call.
"""

from __future__ import annotations

import math

import numpy as np

from .batch import Admission, DeliveryBatch
from .fleet import (
    NO_F64,
    NO_I64,
    ChannelFleet,
    ChannelState,
    seeded_streams,
)
from .kernels import UNDECIDED
from .profile import ChannelProfile

__all__ = ["ChannelModel"]


class ChannelModel:
    """Admits batches of deliveries for one channel; deterministic for a given seed.

    Give either ``seed`` (streams are derived from it: child 0 latency, child 1 outcomes) or
    both ``latency_rng`` and ``outcome_rng``. ``messages`` holds the status messages that
    ``Admission.message`` indexes; index 0 is the empty message of a success (sim.core adds
    the MessageId).
    """

    def __init__(
        self,
        profile: ChannelProfile,
        seed: np.random.SeedSequence | int | None = None,
        *,
        latency_rng: np.random.Generator | None = None,
        outcome_rng: np.random.Generator | None = None,
    ) -> None:
        if seed is not None and (latency_rng is not None or outcome_rng is not None):
            raise ValueError("Give either `seed` or `latency_rng` and `outcome_rng`, not both")
        if seed is not None:
            latency_rng, outcome_rng = seeded_streams(seed)
        if latency_rng is None or outcome_rng is None:
            raise ValueError("Give `seed`, or both `latency_rng` and `outcome_rng`")
        self._fleet = ChannelFleet([profile], [(latency_rng, outcome_rng)])
        self.profile = profile
        self.messages = self._fleet.messages
        self._now = -math.inf
        self._last_arrival_s = -math.inf

    @property
    def servers(self) -> int | None:
        """Concurrent deliveries the pool allows; None when unlimited."""
        return self.profile.pool.servers if self.profile.pool else None

    def state(self, now: float) -> ChannelState:
        """How busy the channel is at ``now``: its pool and rate-limit buckets."""
        return self._fleet.state(0, now)

    def admit(self, now: float, batch: DeliveryBatch) -> Admission:
        """Admit ``batch`` at time ``now`` (seconds); every arrival must be <= now.

        ``now`` never goes back between calls, and a batch's arrivals follow the previous one's.
        Splitting deliveries into batches differently does not change any result.
        """
        n = len(batch)
        self._check(now, batch)
        admission = Admission(
            start_s=np.empty(n, dtype=np.float64),
            end_s=np.empty(n, dtype=np.float64),
            status=np.full(n, UNDECIDED, dtype=np.uint8),
            status_code=np.empty(n, dtype=np.int16),
            message=np.empty(n, dtype=np.int32),
        )
        timed = batch.all_at_s is None
        self._fleet.admit(
            np.zeros(n, dtype=np.uint8), admission.status, admission.status_code,
            admission.message, admission.start_s, admission.end_s,
            all_at_s=batch.all_at_s or 0.0, arrival_s=batch.arrival_s if timed else NO_F64,
            parts=NO_I64 if batch.parts is None else batch.parts,
            key=NO_I64 if batch.key is None else batch.key)
        self._now = now
        if n:
            self._last_arrival_s = (batch.all_at_s if batch.all_at_s is not None
                                    else float(batch.arrival_s[-1]))
        return admission

    def _check(self, now: float, batch: DeliveryBatch) -> None:
        if not (math.isfinite(now) and now >= self._now):
            raise ValueError(
                f"Expected `now` finite and >= the previous now {self._now}, got {now}"
            )
        arrival_s = batch.arrival_s
        if len(batch) == 0:
            return
        if batch.all_at_s is not None:
            first = last = batch.all_at_s
        else:
            first, last = float(arrival_s[0]), float(arrival_s[-1])
        if not (math.isfinite(first) and first >= self._last_arrival_s):
            raise ValueError(
                f"Expected `arrival_s[0]` >= the previous batch's last arrival "
                f"{self._last_arrival_s}, got {first}"
            )
        if not last <= now:
            raise ValueError(f"Expected every `arrival_s` <= now ({now}), got {last}")
        if batch.all_at_s is None and np.any(arrival_s[1:] < arrival_s[:-1]):
            raise ValueError("Expected `arrival_s` non-decreasing")
        if batch.parts is not None and np.any(batch.parts < 1):
            raise ValueError("Expected every `parts` >= 1")
        limit = self.profile.rate_limit
        if limit is None:
            return
        if batch.key is None:
            if limit.keys > 1:
                raise ValueError(f"Expected a `key` column: the rate limit has {limit.keys} keys")
        elif np.any(batch.key < 0) or np.any(batch.key >= limit.keys):
            raise ValueError(f"Expected every `key` in [0, {limit.keys})")
