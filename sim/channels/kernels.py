"""The inherently sequential part of admission, compiled with numba: one loop for all channels.

A token bucket and a FIFO pool carry state from one delivery to the next, so they cannot be
vectorised with numpy; a Python loop would cost microseconds per delivery. ``admit`` runs that
loop for the deliveries of any number of channels (a *fleet*, see ``fleet.py``) in one call:
one request of the emulator touches three or four channels, and a call per channel cost more
than the work itself. Channels share nothing, so serving deliveries in request order gives
each channel exactly what a call per channel would. ``tests/channels/reference.py`` holds a
plain heapq version that the tests compare against exactly. ``cache=True`` keeps the one-off
compile (a few seconds) out of later processes.

A fleet's configuration is a table with one row per channel (*slot*); the column indices are
the constants below. State lives in flat arrays that rows point into.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

from .status import SUCCESSFUL

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
I16 = npt.NDArray[np.int16]
U8 = npt.NDArray[np.uint8]

UNDECIDED = 255
"""Status of a delivery still to be admitted; ``admit`` leaves every other delivery alone."""

# Integer configuration columns (ChannelFleet.config).
LIMITED = 0  # 1: a token bucket applies
PART_COUNTED = 1  # 1: the bucket counts message parts, not messages
QUEUED = 2  # 1: wait for tokens; 0: THROTTLED without them
TAT_AT = 3  # first of the slot's per-key theoretical arrival times in ``tat_s``
POOLED = 4  # 1: a FIFO pool of servers applies
HEAP_AT = 5  # the slot's min-heap of booked servers' free times in ``server_free_s``
SERVERS = 6  # its capacity: the pool's servers
OUTCOME_AT = 7  # first outcome row: failures, then success, then throttled
FAILURES = 8  # number of failure rules
BOUNDS_AT = 9  # first of the failures' cumulative probabilities in ``boundaries``
DRAWS_OUTCOMES = 10  # 1: failures have probability, so each delivery draws a uniform
KEYS = 11  # rate-limit buckets (keys) of the slot
CONFIG_COLUMNS = 12
# Float configuration columns (ChannelFleet.limits).
INTERVAL_S = 0  # seconds one token takes to refill
BURST = 1  # tokens the bucket holds when full
LIMIT_COLUMNS = 2
# Random streams of a slot (columns of ``draw_at`` / ``draw_end``).
LATENCY_STREAM = 0
OUTCOME_STREAM = 1

_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def _jit(fn: _Fn) -> _Fn:
    """numba.njit with the Python signature kept for mypy."""
    return cast(_Fn, numba.njit(cache=True, nogil=True)(fn))


@_jit
def admit(
    arrival_s: F64,
    all_at_s: float,
    slot: U8,
    parts: I64,
    parts_by_slot: I64,
    key: I64,
    config: I64,
    limits: F64,
    tat_s: F64,
    server_free_s: F64,
    booked: I64,
    draws: F64,
    draw_at: I64,
    draw_end: I64,
    boundaries: F64,
    outcome_status: U8,
    outcome_code: I16,
    outcome_message: I32,
    start_s: F64,
    end_s: F64,
    status: U8,
    status_code: I16,
    message: I32,
    first: int,
    unsuccessful: I64,
    n_unsuccessful: int,
) -> tuple[int, float, int]:
    """Admit every delivery from ``first`` on whose ``status`` is UNDECIDED, in order; returns
    (-1, latest end, unsuccessful count), or the same so far with ``i`` instead of -1 when
    delivery i finds a random stream of its slot dry (call again with ``first=i``). The
    positions of deliveries that end up (or already were) anything but SUCCESSFUL are appended
    to ``unsuccessful`` after the ``n_unsuccessful`` already there.

    Delivery i arrives at ``arrival_s[i]`` (or ``all_at_s`` when ``arrival_s`` is empty) on
    channel ``slot[i]``, weighs ``parts[i]`` (or ``parts_by_slot[slot]``) and uses bucket key
    ``key[i]`` modulo the slot's keys (or 0). Bucket: GCRA (virtual scheduling) per key;
    ``tat_s[k]`` is key k's theoretical arrival time, so the bucket holds
    ``burst - max(tat - t, 0) / interval`` tokens at time t. A delivery of weight w needs
    min(w, burst) tokens (a message heavier than the burst waits for a full bucket instead of
    forever) and consumes w. Pool: it starts when
    ready and the earliest server is free. Each pool keeps a binary min-heap of the free times
    of its ``booked[s]`` booked servers; the others are idle. Arrivals never go back, so a
    server free by an arrival is idle for every later delivery: it leaves the heap, which
    then holds only the servers still busy (a few, not thousands, at moderate load). An
    accepted delivery takes the next value of its latency stream and, when the slot draws
    outcomes, of its outcome stream: outcome k is the number of boundaries <= u. Values drawn
    ahead lie in ``draws[draw_at[s, j]:draw_end[s, j]]`` for slot s and stream j. A throttled
    delivery ends when it arrives and consumes no random value.
    """
    latest_end_s = -np.inf
    timed = arrival_s.shape[0] > 0
    weighed = parts.shape[0] > 0
    keyed = key.shape[0] > 0
    for i in range(first, slot.shape[0]):
        if status[i] != UNDECIDED:
            if status[i] != SUCCESSFUL:
                unsuccessful[n_unsuccessful] = i
                n_unsuccessful += 1
            continue
        s = slot[i]
        if s >= config.shape[0]:
            raise ValueError("An undecided delivery names a slot the fleet does not have")
        if draw_at[s, LATENCY_STREAM] >= draw_end[s, LATENCY_STREAM] or (
                config[s, DRAWS_OUTCOMES]
                and draw_at[s, OUTCOME_STREAM] >= draw_end[s, OUTCOME_STREAM]):
            # before any state changes: the caller draws more and calls again
            return i, latest_end_s, n_unsuccessful
        t = arrival_s[i] if timed else all_at_s
        ready = t
        accepted = True
        if config[s, LIMITED]:
            k = config[s, TAT_AT]
            if keyed and config[s, KEYS] > 1:
                k += key[i] % config[s, KEYS]  # never outside the slot's buckets
            w = 1.0
            if config[s, PART_COUNTED]:
                w = float(parts[i] if weighed else parts_by_slot[s])
            interval = limits[s, INTERVAL_S]
            burst = limits[s, BURST]
            need = w if w < burst else burst
            tat = tat_s[k]
            earliest = tat - (burst - need) * interval
            if t >= earliest or config[s, QUEUED]:
                if t < earliest:
                    ready = earliest
                tat_s[k] = (tat if tat > ready else ready) + w * interval
            else:
                accepted = False
        row = config[s, OUTCOME_AT] + config[s, FAILURES]  # success
        if not accepted:
            start_s[i] = t
            end_s[i] = t
            row += 1  # throttled
        else:
            p = draw_at[s, LATENCY_STREAM]
            draw_at[s, LATENCY_STREAM] = p + 1
            start = ready
            end = start + draws[p]
            if config[s, POOLED]:
                at = config[s, HEAP_AT]
                size = booked[s]
                while size > 0 and server_free_s[at] <= t:  # free by now: idle from here on
                    size -= 1
                    _sift_down(server_free_s, at, size, server_free_s[at + size])
                if size < config[s, SERVERS]:  # an idle server: start when ready
                    _sift_up(server_free_s, at, size, end)
                    size += 1
                else:  # every server booked: the earliest to free up takes it
                    if server_free_s[at] > start:
                        start = server_free_s[at]
                        end = start + draws[p]
                    _sift_down(server_free_s, at, size, end)
                booked[s] = size
            start_s[i] = start
            end_s[i] = end
            if end > latest_end_s:
                latest_end_s = end
            if config[s, DRAWS_OUTCOMES]:
                p = draw_at[s, OUTCOME_STREAM]
                draw_at[s, OUTCOME_STREAM] = p + 1
                u = draws[p]
                at = config[s, BOUNDS_AT]
                outcome = 0
                while outcome < config[s, FAILURES] and boundaries[at + outcome] <= u:
                    outcome += 1
                row = config[s, OUTCOME_AT] + outcome
        st = outcome_status[row]
        status[i] = st
        status_code[i] = outcome_code[row]
        message[i] = outcome_message[row]
        if st != SUCCESSFUL:
            unsuccessful[n_unsuccessful] = i
            n_unsuccessful += 1
    return -1, latest_end_s, n_unsuccessful


@_jit
def _sift_down(heap: F64, at: int, size: int, value: float) -> None:
    """Put ``value`` at the root of the ``size``-element min-heap at ``heap[at:]``."""
    pos = 0
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and heap[at + child + 1] < heap[at + child]:
            child += 1
        if heap[at + child] >= value:
            break
        heap[at + pos] = heap[at + child]
        pos = child
    heap[at + pos] = value


@_jit
def _sift_up(heap: F64, at: int, size: int, value: float) -> None:
    """Add ``value`` to the ``size``-element min-heap at ``heap[at:]`` (room for one more)."""
    pos = size
    while pos > 0:
        parent = (pos - 1) >> 1
        if heap[at + parent] <= value:
            break
        heap[at + pos] = heap[at + parent]
        pos = parent
    heap[at + pos] = value
