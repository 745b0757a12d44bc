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
