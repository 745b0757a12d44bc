"""ChannelModel: what happens to deliveries handed to one channel's provider.

In order: a token bucket per key (throttle or delay), a FIFO pool of servers, a latency per
delivery and an outcome from the failure mix. State (bucket and server times, random streams)
carries over between calls, so the emulator can admit each request as it comes in real time and
the engine whole batches in virtual time, with the same result for the same deliveries.
"""

from __future__ import annotations

import math

import numpy as np

from . import kernels
from .batch import Admission, DeliveryBatch
from .profile import ChannelProfile
from .status import STATUS_CODES, SUCCESSFUL, THROTTLED
from .streams import BlockDraws, LatencySampler, child_seed

SUCCESS_STATUS_CODE = 200
_NO_ROWS_F64 = np.empty(0, dtype=np.float64)
_NO_ROWS_I64 = np.empty(0, dtype=np.int64)
_NO_ROWS_BOOL = np.empty(0, dtype=np.bool_)


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
            seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
            latency_rng = np.random.default_rng(child_seed(seq, 0))
            outcome_rng = np.random.default_rng(child_seed(seq, 1))
        if latency_rng is None or outcome_rng is None:
            raise ValueError("Give `seed`, or both `latency_rng` and `outcome_rng`")
        self.profile = profile
        self._latency = LatencySampler(profile.latency, latency_rng)
        self._outcome_u = BlockDraws(outcome_rng.random)
        self._build_outcome_tables()
        limit = profile.rate_limit
        self._bucket_tat_s = np.full(limit.keys if limit else 0, -math.inf, dtype=np.float64)
        servers = profile.pool.servers if profile.pool else 0
        self._server_free_s = np.full(servers + 1, -math.inf, dtype=np.float64)
        self._server_free_s[-1] = math.inf  # sentinel, see kernels.serve
        self._now = -math.inf
        self._last_arrival_s = -math.inf

    def _build_outcome_tables(self) -> None:
        """Outcome k < len(failures) is rule k; then success; then throttled."""
        profile = self.profile
        messages: dict[str, int] = {"": 0}
        rows = [(STATUS_CODES[r.status], r.status_code, r.status_message) for r in profile.failures]
        rows.append((SUCCESSFUL, SUCCESS_STATUS_CODE, ""))
        limit = profile.rate_limit
        rows.append(
            (THROTTLED, limit.status_code, limit.status_message) if limit else (THROTTLED, 429, "")
        )
        self._outcome_status = np.array([r[0] for r in rows], dtype=np.uint8)
        self._outcome_code = np.array([r[1] for r in rows], dtype=np.int16)
        self._outcome_message = np.array(
            [messages.setdefault(r[2], len(messages)) for r in rows], dtype=np.int16
        )
        self.messages: tuple[str, ...] = tuple(messages)
        probabilities = np.array([r.probability for r in profile.failures], dtype=np.float64)
        self._outcome_boundaries = np.ascontiguousarray(np.cumsum(probabilities))
        self._draw_outcomes = bool(probabilities.sum() > 0)

    @property
    def servers(self) -> int | None:
        """Concurrent deliveries the pool allows; None when unlimited."""
        return self.profile.pool.servers if self.profile.pool else None

    def admit(self, now: float, batch: DeliveryBatch) -> Admission:
        """Admit ``batch`` at time ``now`` (seconds); every arrival must be <= now.

        ``now`` never goes back between calls, and a batch's arrivals follow the previous one's.
        Splitting deliveries into batches differently does not change any result.
        """
        n = len(batch)
        self._check(now, batch)
        arrival_s = batch.arrival_s
        limit = self.profile.rate_limit
        ready_s, accepted, n_accepted = arrival_s, _NO_ROWS_BOOL, n
        if limit is not None:
            ready_s = np.empty(n, dtype=np.float64)
            accepted = np.empty(n, dtype=np.bool_)
            count_parts = limit.unit == "part" and batch.parts is not None
            n_accepted = kernels.token_bucket(
                arrival_s,
                batch.parts if count_parts and batch.parts is not None else _NO_ROWS_I64,
                batch.key if batch.key is not None else _NO_ROWS_I64,
                count_parts,
                batch.key is not None,
                limit.mode == "queue",
                float(limit.interval_s),
                float(limit.burst),
                self._bucket_tat_s,
                ready_s,
                accepted,
            )
        latency_s = self._latency.draw(n_accepted)
        outcome_u = self._outcome_u.take(n_accepted) if self._draw_outcomes else _NO_ROWS_F64
        admission = Admission(
            start_s=np.empty(n, dtype=np.float64),
            end_s=np.empty(n, dtype=np.float64),
            status=np.empty(n, dtype=np.uint8),
            status_code=np.empty(n, dtype=np.int16),
            message=np.empty(n, dtype=np.int16),
        )
        kernels.serve(
            ready_s,
            accepted,
            n_accepted == n,
            latency_s,
            outcome_u,
            self._outcome_boundaries,
            self._outcome_status,
            self._outcome_code,
            self._outcome_message,
            len(self._outcome_status) - 1,
            self.profile.pool is not None,
            self._server_free_s,
            admission.start_s,
            admission.end_s,
            admission.status,
            admission.status_code,
            admission.message,
        )
        self._now = now
        if n:
            self._last_arrival_s = (batch.all_at_s if batch.all_at_s is not None
                                    else float(arrival_s[-1]))
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
