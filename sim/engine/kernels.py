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
def count_per_second(arrival_s: npt.NDArray[np.float64], start_s: npt.NDArray[np.float64],
                     end_s: npt.NDArray[np.float64], success: npt.NDArray[np.bool_],
                     row: npt.NDArray[np.int64], first_second: int,
                     out: npt.NDArray[np.int64]) -> None:
    """Add each delivery to ``out[kind, row, second - first_second]``.

    Kinds: 0 arrival, 1 start, 2 end, 3 end of a success. Times are >= 0, so truncation is the
    floor, and every second lies in ``out``'s span (the caller sizes it).
    """
    for i in range(arrival_s.shape[0]):
        r = row[i]
        out[0, r, np.int64(arrival_s[i]) - first_second] += 1
        out[1, r, np.int64(start_s[i]) - first_second] += 1
        second = np.int64(end_s[i]) - first_second
        out[2, r, second] += 1
        if success[i]:
            out[3, r, second] += 1


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
