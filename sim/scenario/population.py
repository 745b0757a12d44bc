"""The app's endpoints and users as numpy columns, generated from the scenario's rates.

Endpoints are stored grouped by user (user u owns rows ``user_start[u]:user_start[u + 1]``, in
store order). Each endpoint has its own address; its address id is its row. Categories are
exclusive: opted out, INACTIVE, invalid address (SMS/VOICE/EMAIL only: push tokens are not
format-checked) or fine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sim.core.channel_types import CODE_BY_NAME

from .schema import Population

#: Channels whose addresses sim.core checks (E.164 phone numbers, email addresses).
ADDRESS_CHECKED = frozenset({CODE_BY_NAME["SMS"], CODE_BY_NAME["VOICE"], CODE_BY_NAME["EMAIL"]})

I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class EndpointTable:
    """Columns of every endpoint (row = address id) and each user's slice of rows."""

    user_start: I64
    """len(users) + 1 offsets into the endpoint rows."""
    channel: npt.NDArray[np.uint8]
    opted_out: Bools
    inactive: Bools
    invalid_address: Bools

    @property
    def users(self) -> int:
        return len(self.user_start) - 1

    @property
    def endpoints(self) -> int:
        return len(self.channel)

    @property
    def endpoints_per_user(self) -> I64:
        counts: I64 = np.diff(self.user_start)
        return counts


def build_population(population: Population, rng: np.random.Generator) -> EndpointTable:
    """Draw endpoints per user, each endpoint's channel and its category, in blocks."""
    per_user = population.endpoints_per_user.sample(rng, population.users)
    user_start = np.zeros(population.users + 1, dtype=np.int64)
    np.cumsum(per_user, out=user_start[1:])
    n = int(user_start[-1])
    names = list(population.channel_mix)
    shares = np.array([population.channel_mix[c] for c in names], dtype=np.float64)
    codes = np.array([CODE_BY_NAME[c] for c in names], dtype=np.uint8)
    boundaries = np.cumsum(shares / shares.sum())[:-1]
    channel = codes[np.searchsorted(boundaries, rng.random(n), side="right")]
    category = rng.random(n)
    opt_out_end = population.opt_out_rate
    inactive_end = opt_out_end + population.inactive_rate
    invalid_end = inactive_end + population.invalid_address_rate
    checked = np.isin(channel, np.array(sorted(ADDRESS_CHECKED), dtype=np.uint8))
    return EndpointTable(
        user_start=user_start,
        channel=channel,
        opted_out=category < opt_out_end,
        inactive=(category >= opt_out_end) & (category < inactive_end),
        invalid_address=(category >= inactive_end) & (category < invalid_end) & checked,
    )
