"""The inherently sequential parts of admission, compiled with numba.

A token bucket and a FIFO pool carry state from one delivery to the next, so they cannot be
vectorised with numpy; a Python loop would cost microseconds per delivery. These kernels run
the same loop at engine speed. ``tests/channels/reference.py`` holds a plain heapq version that
the tests compare against exactly. ``cache=True`` keeps the one-off compile (about a second here)
out of later processes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
I16 = npt.NDArray[np.int16]
U8 = npt.NDArray[np.uint8]
Bools = npt.NDArray[np.bool_]

_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def _jit(fn: _Fn) -> _Fn:
    """numba.njit with the Python signature kept for mypy."""
    return cast(_Fn, numba.njit(cache=True, nogil=True)(fn))


@_jit
def token_bucket(
    arrival_s: F64,
    parts: I64,
    key: I64,
    count_parts: bool,
    keyed: bool,
    queue: bool,
    interval_s: float,
    burst: float,
    tat_s: F64,
    ready_s: F64,
    accepted: Bools,
) -> int:
    """GCRA (virtual scheduling) per key; returns how many deliveries were accepted.

    ``tat_s[k]`` is key k's theoretical arrival time: the bucket holds
    ``burst - max(tat - t, 0) / interval`` tokens at time t. A delivery of weight w needs
    min(w, burst) tokens (so a message heavier than the burst waits for a full bucket instead of
    waiting forever) and consumes w. Reject mode throttles when the tokens are not there; queue
    mode starts the delivery once they are. ``tat_s`` is updated in place.
    """
    n_accepted = 0
    for i in range(arrival_s.shape[0]):
        k = key[i] if keyed else 0
        w = float(parts[i]) if count_parts else 1.0
        need = w if w < burst else burst
        t = arrival_s[i]
        tat = tat_s[k]
        earliest = tat - (burst - need) * interval_s
        if t >= earliest or queue:
            start = t if t >= earliest else earliest
            tat_s[k] = (tat if tat > start else start) + w * interval_s
            ready_s[i] = start
            accepted[i] = True
            n_accepted += 1
        else:
            ready_s[i] = t
            accepted[i] = False
    return n_accepted


@_jit
def serve(
    ready_s: F64,
    accepted: Bools,
    all_accepted: bool,
    latency_s: F64,
    outcome_u: F64,
    outcome_boundaries: F64,
    outcome_status: U8,
    outcome_code: I16,
    outcome_message: I16,
    throttle_outcome: int,
    pooled: bool,
    server_free_s: F64,
    start_s: F64,
    end_s: F64,
    status: U8,
    status_code: I16,
    message: I16,
) -> None:
    """FIFO pool, latency and outcome for each delivery, in batch order.

    The j-th accepted delivery takes ``latency_s[j]`` and outcome ``outcome_u[j]`` (an empty
    ``outcome_u`` means every delivery succeeds). It starts when it is ready and the earliest
    server is free; ``server_free_s`` is a binary min-heap of free times followed by one +inf
    sentinel (so every node has a right child to compare), updated in place.
    Outcome k is the number of ``outcome_boundaries`` <= u; the tables map k to the columns.
    A throttled delivery ends when it arrives and gets outcome ``throttle_outcome``.
    """
    servers = server_free_s.shape[0] - 1
    n_boundaries = outcome_boundaries.shape[0]
    draw_outcomes = outcome_u.shape[0] > 0
    j = 0
    for i in range(ready_s.shape[0]):
        ready = ready_s[i]
        if not all_accepted and not accepted[i]:
            start_s[i] = ready
            end_s[i] = ready
            outcome = throttle_outcome
        else:
            start = ready
            if pooled:
                free = server_free_s[0]
                if free > start:
                    start = free
            end = start + latency_s[j]
            if pooled:
                # heapreplace, bottom-up: move the smaller child up to a leaf, then sift the
                # new free time up from there (it usually belongs near the bottom).
                pos = 0
                child = 1
                while child < servers:
                    child += server_free_s[child + 1] < server_free_s[child]
                    server_free_s[pos] = server_free_s[child]
                    pos = child
                    child = 2 * pos + 1
                while pos > 0:
                    parent = (pos - 1) >> 1
                    if server_free_s[parent] <= end:
                        break
                    server_free_s[pos] = server_free_s[parent]
                    pos = parent
                server_free_s[pos] = end
            start_s[i] = start
            end_s[i] = end
            outcome = n_boundaries
            if draw_outcomes:
                u = outcome_u[j]
                outcome = 0
                while outcome < n_boundaries and outcome_boundaries[outcome] <= u:
                    outcome += 1
            j += 1
        status[i] = outcome_status[outcome]
        status_code[i] = outcome_code[outcome]
        message[i] = outcome_message[outcome]
