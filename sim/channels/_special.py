"""Scalar special functions for exact quantiles, in pure Python (scipy is not a runtime dependency).

Only theory checks and reports call these, one value at a time; sampling never does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

_EPS = 1e-16
_MAX_ITER = 10_000
STANDARD_NORMAL = NormalDist()


def normal_quantile(q: float) -> float:
    """Phi^-1(q), with the infinite ends instead of the stdlib's error at 0 and 1."""
    if q <= 0.0:
        return -math.inf
    if q >= 1.0:
        return math.inf
    return STANDARD_NORMAL.inv_cdf(q)


def regularized_gamma_p(shape: float, x: float) -> float:
    """P(a, x), the CDF of a unit-scale gamma; series below a + 1, continued fraction above."""
    if x <= 0.0:
        return 0.0
    if math.isinf(x):
        return 1.0
    log_prefix = -x + shape * math.log(x) - math.lgamma(shape)
    if x < shape + 1.0:
        term = total = 1.0 / shape
        a = shape
        for _ in range(_MAX_ITER):
            a += 1.0
            term *= x / a
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return min(1.0, total * math.exp(log_prefix))
    # Modified Lentz for Q(a, x) = 1 - P(a, x).
    tiny = 1e-300
    b = x + 1.0 - shape
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, _MAX_ITER):
        an = -i * (i - shape)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return max(0.0, 1.0 - math.exp(log_prefix) * h)


def invert_cdf(cdf: Callable[[float], float], q: float, lo: float, hi: float) -> float:
    """Smallest x in [lo, hi] with cdf(x) >= q, by bisection (hi is doubled until it brackets q)."""
    while cdf(hi) < q:
        lo, hi = hi, hi * 2.0 if hi > 0.0 else 1.0
        if math.isinf(hi):
            return math.inf
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if cdf(mid) >= q:
            hi = mid
        else:
            lo = mid
    return hi
