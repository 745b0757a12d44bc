"""Client retry backoff: exponential, capped, with optional jitter (RetryPolicy)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sim.channels import STATUS_CODES
from sim.scenario import RetryPolicy


def retryable_table(policy: RetryPolicy) -> npt.NDArray[np.bool_]:
    """``table[status]`` is True for the status codes the policy retries (a lookup per row is
    cheaper than ``np.isin``); indexed by sim.channels.status codes, 256 entries."""
    table = np.zeros(256, dtype=bool)
    table[[STATUS_CODES[name] for name in policy.statuses]] = True
    return table


def backoff_s(policy: RetryPolicy, retry_number: npt.NDArray[np.int32],
              rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Delay before the ``retry_number``-th retry (1 = first), one uniform draw per row."""
    exponent = (retry_number - 1).astype(np.float64)
    delay = np.minimum(policy.max_delay_s, policy.base_delay_s * policy.multiplier ** exponent)
    if policy.jitter == "none":
        return delay
    u = rng.random(len(delay))
    if policy.jitter == "full":
        return delay * u
    return 0.5 * delay * (1.0 + u)
