"""Per-delivery loops of the engine's own bookkeeping, compiled with numba.

Each replaces several numpy passes (and their temporaries) over millions of rows with one.
``cache=True`` keeps the compile out of later processes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
import numpy.typing as npt

_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def _jit(fn: _Fn) -> _Fn:
    """numba.njit with the Python signature kept for mypy."""
    return cast(_Fn, numba.njit(cache=True, nogil=True)(fn))


@_jit
def expand_endpoints(counts: npt.NDArray[np.int64], copies: npt.NDArray[np.int64],
                     first: npt.NDArray[np.int64], group_index: npt.NDArray[np.int64],
                     n_endpoints: int, exact_keys: bool, sms_code: int,
                     endpoint_channel: npt.NDArray[np.uint8],
                     endpoint_opted: npt.NDArray[np.bool_],
                     endpoint_inactive: npt.NDArray[np.bool_],
                     endpoint_invalid: npt.NDArray[np.bool_],
                     group: npt.NDArray[np.int64], channel: npt.NDArray[np.uint8],
                     row: npt.NDArray[np.int64], is_copy: npt.NDArray[np.bool_],
                     keyed: npt.NDArray[np.bool_], opted: npt.NDArray[np.bool_],
                     inactive: npt.NDArray[np.bool_], invalid: npt.NDArray[np.bool_]) -> None:
    """Recipient columns of SendMessages requests (see sim.engine.recipients).

    Request g lists ``counts[g]`` entries: ``copies[g]`` Addresses entries repeating the
    addresses of its first endpoints, then its endpoints ``first[g], first[g] + 1, ...``
    (wrapping at ``n_endpoints``). An Addresses entry is opted out only through the SMS opt-out
    list and is never INACTIVE; it shares its endpoint's address, hence its validity.
    """
    i = 0
    for g in range(counts.shape[0]):
        n_copies = copies[g]
        for j in range(counts[g]):
            copy = j < n_copies
            r = (first[g] + (j if copy else j - n_copies)) % n_endpoints
            ch = endpoint_channel[r]
            group[i] = group_index[g]
            channel[i] = ch
            row[i] = r
            is_copy[i] = copy
            keyed[i] = exact_keys or j < 2 * n_copies
            opted[i] = endpoint_opted[r] and (not copy or ch == sms_code)
            inactive[i] = endpoint_inactive[r] and not copy
            invalid[i] = endpoint_invalid[r]
            i += 1


@_jit
def summarize(channel: npt.NDArray[np.uint8], status: npt.NDArray[np.uint8],
              retried: npt.NDArray[np.bool_], group: npt.NDArray[np.int64],
              start_s: npt.NDArray[np.float64], end_s: npt.NDArray[np.float64],
              group_time_s: npt.NDArray[np.float64], group_intended_s: npt.NDArray[np.float64],
              group_attempt: npt.NDArray[np.int32], row_of_code: npt.NDArray[np.int64],
              n_statuses: int, success_status: int, first_second: int,
              attempt_table: npt.NDArray[np.int64], final_table: npt.NDArray[np.int64],
              per_second: npt.NDArray[np.int64], final_code: npt.NDArray[np.int64],
              final_latency_s: npt.NDArray[np.float64]) -> tuple[int, int]:
    """Every per-attempt tally of a batch of windows in one pass; returns (finals, retries).

    ``attempt_table`` and ``final_table`` count (channel row, status) of all attempts and of
    final ones; ``per_second[kind, row, second]`` counts arrivals, starts, ends and successful
    ends (times >= 0, so truncation is the floor); the final attempts' histogram codes
    (``channel * n_statuses + status``) and latencies from the intended send time are written
    to the front of ``final_code`` and ``final_latency_s``.
    """
    finals = 0
    retries = 0
    for i in range(channel.shape[0]):
        g = group[i]
        r = row_of_code[channel[i]]
        st = status[i]
        attempt_table[r, st] += 1
        if group_attempt[g] > 1:
            retries += 1
        per_second[0, r, np.int64(group_time_s[g]) - first_second] += 1
        per_second[1, r, np.int64(start_s[i]) - first_second] += 1
        second = np.int64(end_s[i]) - first_second
        per_second[2, r, second] += 1
        if st == success_status:
            per_second[3, r, second] += 1
        if not retried[i]:
            final_table[r, st] += 1
            final_code[finals] = np.int64(channel[i]) * n_statuses + st
            final_latency_s[finals] = end_s[i] - group_intended_s[g]
            finals += 1
    return finals, retries
