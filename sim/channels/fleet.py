"""ChannelFleet: several channels whose deliveries are admitted together, in one kernel call.

A send request mixes channels (SMS, GCM, APNs...), and admitting it one channel at a time cost
more in per-call overhead than the work itself. A fleet keeps the state of all its channels
(*slots*) in flat arrays (bucket times, pool heaps, random values drawn ahead) so that
``kernels.admit`` can serve any mix of slots in one pass. ``ChannelModel`` is one slot of a
fleet, so a single channel and a fleet share every line of admission logic.

Random values: each slot has a latency stream and (when its failure mix has any probability)
an outcome stream, consumed one value per accepted delivery in delivery order. Values are
drawn ahead into a region of ``draws`` per stream; when the kernel meets a delivery whose
stream has run dry it stops before touching any state, the fleet draws more and the kernel
resumes where it stopped (decided deliveries are skipped). Numpy generates arrays value by
value, so the values and their order do not depend on how much is drawn at a time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import msgspec
import numpy as np

from . import kernels as k
from .kernels import F64, I16, I32, I64, U8
from .profile import ChannelProfile
from .status import STATUS_CODES, SUCCESSFUL, THROTTLED
from .streams import LatencySampler, child_streams

SUCCESS_STATUS_CODE = 200
BLOCK = 8192
"""Random values drawn ahead per stream at least (a request's deliveries then cost a read)."""
NO_F64: F64 = np.empty(0, dtype=np.float64)
NO_I64: I64 = np.empty(0, dtype=np.int64)
Streams = tuple[np.random.Generator, np.random.Generator]
"""A slot's (latency, outcome) generators."""


def seeded_streams(seed: np.random.SeedSequence | int) -> Streams:
    """The streams of a channel seeded ``seed``: child 0 for latency, child 1 for outcomes."""
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    latency, outcome = child_streams(seq, 2)
    return latency, outcome


class Admitted(NamedTuple):
    """What one ``ChannelFleet.admit`` call decided, besides the columns it wrote."""

    successful: int  # deliveries SUCCESSFUL (decided before or now): all but the unsuccessful
    unsuccessful: I64  # positions of every delivery not SUCCESSFUL (decided before or now)
    latest_end_s: float  # latest end of an accepted delivery; -inf if none


class ChannelFleet:
    """The admission state of ``profiles[s]`` for each slot s, drawing from ``streams[s]``."""

    def __init__(self, profiles: Sequence[ChannelProfile], streams: Sequence[Streams]) -> None:
        if len(profiles) != len(streams) or not 0 < len(profiles) <= k.UNDECIDED:
            raise ValueError(f"Expected 1 to {k.UNDECIDED} profiles, one stream pair each")
        self.profiles = tuple(profiles)
        n = len(profiles)
        self.config = np.zeros((n, k.CONFIG_COLUMNS), dtype=np.int64)
        self.limits = np.zeros((n, k.LIMIT_COLUMNS), dtype=np.float64)
        self.parts_by_slot = np.ones(n, dtype=np.int64)
        """Message weight of a delivery when the caller gives no ``parts`` column."""
        texts: dict[str, int] = {"": 0}
        rows: list[tuple[int, int, str]] = []
        bounds: list[float] = []
        keys = servers = 0
        for s, profile in enumerate(profiles):
            row = self.config[s]
            limit = profile.rate_limit
            if limit is not None:
                row[k.LIMITED], row[k.TAT_AT], row[k.KEYS] = 1, keys, limit.keys
                row[k.PART_COUNTED] = limit.unit == "part"
                row[k.QUEUED] = limit.mode == "queue"
                self.limits[s] = (limit.interval_s, limit.burst)
                keys += limit.keys
            if profile.pool is not None:
                row[k.POOLED], row[k.HEAP_AT], row[k.SERVERS] = 1, servers, profile.pool.servers
                servers += profile.pool.servers
            row[k.OUTCOME_AT], row[k.FAILURES], row[k.BOUNDS_AT] = (
                len(rows), len(profile.failures), len(bounds))
            rows += [(STATUS_CODES[f.status], f.status_code, f.status_message)
                     for f in profile.failures]
            rows.append((SUCCESSFUL, SUCCESS_STATUS_CODE, ""))
            rows.append((THROTTLED, limit.status_code, limit.status_message) if limit
                        else (THROTTLED, 429, ""))
            probabilities = [f.probability for f in profile.failures]
            bounds += np.cumsum(probabilities).tolist()
            row[k.DRAWS_OUTCOMES] = sum(probabilities) > 0
        self.outcome_status = np.array([r[0] for r in rows], dtype=np.uint8)
        self.outcome_code = np.array([r[1] for r in rows], dtype=np.int16)
        self.outcome_message = np.array([texts.setdefault(r[2], len(texts)) for r in rows],
                                        dtype=np.int32)
        self.messages: tuple[str, ...] = tuple(texts)
        """Status messages, indexed by the ``message`` column admission writes; 0 is ""."""
        self.boundaries = np.array(bounds, dtype=np.float64)
        self.tat_s = np.full(keys, -math.inf)
        self.server_free_s = np.zeros(servers)  # each pool's heap of booked servers
        self.booked = np.zeros(n, dtype=np.int64)  # how many servers each heap holds
        self._latency = [LatencySampler(p.latency, latency) for p, (latency, _) in
                         zip(profiles, streams, strict=True)]
        self._outcome = [outcome for _, outcome in streams]
        self.draws = NO_F64
        # Stream j of slot s owns draws[draw_start[s, j]:draw_end[s, j]] and its values drawn
        # ahead are the tail from draw_at[s, j] (empty at first: no region yet).
        self.draw_start: I64 = np.zeros((n, 2), dtype=np.int64)
        self.draw_at: I64 = np.zeros((n, 2), dtype=np.int64)
        self.draw_end: I64 = np.zeros((n, 2), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.profiles)

    def admit(self, slot: U8, status: U8, status_code: I16, message: I32, start_s: F64,
              end_s: F64, *, all_at_s: float = 0.0, arrival_s: F64 = NO_F64,
              parts: I64 = NO_I64, key: I64 = NO_I64, parts_by_slot: I64 | None = None
              ) -> Admitted:
        """Admit the deliveries whose ``status`` is UNDECIDED.

        Writes their ``status``, ``status_code``, ``message``, ``start_s`` and ``end_s``. Each
        arrives at ``arrival_s[i]`` (non-decreasing per slot) or, without that column, at
        ``all_at_s``. ``parts`` defaults to ``parts_by_slot`` (by default the fleet's),
        ``key`` (the rate-limit bucket, taken modulo the slot's keys) to 0. The caller checks
        the columns (``ChannelModel`` does); a delivery on a slot the fleet lacks must be
        decided (else ValueError).
        """
        latest_end_s, first, n_unsuccessful = -math.inf, 0, 0
        unsuccessful = np.empty(len(slot), dtype=np.int64)
        if parts_by_slot is None:
            parts_by_slot = self.parts_by_slot
        while True:
            stopped, end, n_unsuccessful = k.admit(
                arrival_s, all_at_s, slot, parts, parts_by_slot, key, self.config,
                self.limits, self.tat_s, self.server_free_s, self.booked, self.draws,
                self.draw_at, self.draw_end, self.boundaries, self.outcome_status,
                self.outcome_code, self.outcome_message, start_s, end_s, status, status_code,
                message, first, unsuccessful, n_unsuccessful)
            latest_end_s = max(latest_end_s, end)
            if stopped < 0:
                return Admitted(len(slot) - n_unsuccessful, unsuccessful[:n_unsuccessful],
                                latest_end_s)
            s, first = int(slot[stopped]), stopped
            self._draw_ahead(s, int(np.count_nonzero(slot[stopped:] == s)))

    def _draw_ahead(self, s: int, need: int) -> None:
        """At least ``need`` values (and a block) ahead in each stream of slot ``s``."""
        streams = (k.LATENCY_STREAM, k.OUTCOME_STREAM) if self.config[s, k.DRAWS_OUTCOMES] else (
            k.LATENCY_STREAM,)
        want = max(need, BLOCK)
        if any(self.draw_end[s, j] - self.draw_start[s, j] < want for j in streams):
            self._grow(s, streams, want)
        for j in streams:
            start, at, end = (int(self.draw_start[s, j]), int(self.draw_at[s, j]),
                              int(self.draw_end[s, j]))
            left = end - at  # move the values left to the front, draw after them
            self.draws[start:start + left] = self.draws[at:end].copy()
            self.draws[start + left:end] = (
                self._latency[s].draw(end - start - left) if j == k.LATENCY_STREAM
                else self._outcome[s].random(end - start - left))
            self.draw_at[s, j] = start

    def _grow(self, s: int, streams: tuple[int, ...], capacity: int) -> None:
        """Give the streams of slot ``s`` room for ``capacity`` values; keep undrawn values
        (at the end of each region, where the kernel reads them)."""
        capacities = self.draw_end - self.draw_start
        for j in streams:
            capacities[s, j] = max(capacity, 2 * int(capacities[s, j]))
        ends: I64 = np.cumsum(capacities.ravel()).reshape(capacities.shape)
        draws = np.empty(int(capacities.sum()), dtype=np.float64)
        left = self.draw_end - self.draw_at
        for s_, j in np.argwhere(left > 0).tolist():
            draws[ends[s_, j] - left[s_, j]:ends[s_, j]] = self.draws[
                self.draw_at[s_, j]:self.draw_end[s_, j]]
        self.draws, self.draw_start, self.draw_end = draws, ends - capacities, ends
        self.draw_at = ends - left

    def state(self, slot: int, now_s: float) -> ChannelState:
        """How busy slot ``slot`` is at ``now_s``: its pool and its rate-limit buckets."""
        row = self.config[slot]
        state = ChannelState()
        if row[k.POOLED]:
            at, servers = int(row[k.HEAP_AT]), int(row[k.SERVERS])
            free_s = self.server_free_s[at:at + int(self.booked[slot])]
            state.servers = servers
            state.busy_servers = int(np.count_nonzero(free_s > now_s))
            if state.busy_servers == servers:
                state.server_wait_s = float(free_s[0]) - now_s  # the heap's minimum
        if row[k.LIMITED]:
            keys = int(row[k.KEYS])
            tat_s = self.tat_s[int(row[k.TAT_AT]):int(row[k.TAT_AT]) + keys]
            interval_s = float(self.limits[slot, k.INTERVAL_S])
            burst = float(self.limits[slot, k.BURST])
            behind_s = np.maximum(tat_s - now_s, 0.0)
            state.bucket_keys = keys
            state.tokens = float(np.clip(burst - behind_s / interval_s, 0.0, burst).min())
            state.bucket_wait_s = float(np.maximum(behind_s - (burst - 1.0) * interval_s,
                                                   0.0).max())
        return state


class ChannelState(msgspec.Struct, kw_only=True):
    """A channel's load at one instant (``GET /_pinsim/stats`` reports one per channel).

    ``busy_servers`` of ``servers`` hold a delivery (or are booked for a queued one) and a
    delivery arriving now waits ``server_wait_s`` for one. ``tokens`` is the fewest in any of
    the ``bucket_keys`` buckets and ``bucket_wait_s`` the longest time until a bucket has a
    whole token: in queue mode how long a delivery arriving now waits (a backlog builds it up),
    in reject mode how long deliveries arriving now are THROTTLED (at most one token's
    interval). None and 0 where the channel has no pool or no rate limit.
    """

    servers: int | None = None
    busy_servers: int = 0
    server_wait_s: float = 0.0
    bucket_keys: int = 0
    tokens: float | None = None
    bucket_wait_s: float = 0.0
