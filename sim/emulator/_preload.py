"""A scenario's population loaded into the emulator's app, so load tests have endpoints to hit.

The population is drawn by the engine's columnar generator (``sim.engine.population``) from
the scenario's rates and seed, then written to the store in one pass. Names are predictable so a
load test can address them without listing anything: endpoint ``endpoint-00000042``, user
``user-00000007`` (users own consecutive endpoints), addresses ``+12000000042`` (SMS, VOICE),
``user42@example.com`` (EMAIL), ``gcm-00000000002a``-style tokens (push). An endpoint drawn
"invalid" gets ``invalid-42``; an opted-out one has OptOut ALL (and an SMS number is also on the
account's opt-out list); an inactive one is INACTIVE.
"""

from __future__ import annotations

import numpy as np

from sim.core.channel_types import CHANNEL_TYPES, CODE_BY_NAME
from sim.core.service import Service
from sim.scenario import Population
from sim.scenario.population import build_population

_PHONE = frozenset({CODE_BY_NAME["SMS"], CODE_BY_NAME["VOICE"]})
_EMAIL = CODE_BY_NAME["EMAIL"]
_SMS = CODE_BY_NAME["SMS"]


def endpoint_id(row: int) -> str:
    return f"endpoint-{row:08d}"


def user_id(user: int) -> str:
    return f"user-{user:08d}"


def address(channel: int, row: int, invalid: bool) -> str:
    if invalid:
        return f"invalid-{row}"
    if channel in _PHONE:
        return f"+1{2_000_000_000 + row}"
    if channel == _EMAIL:
        return f"user{row}@example.com"
    return f"{CHANNEL_TYPES[channel].value.lower()}-{row:012x}"


def preload_population(service: Service, app_id: str, population: Population, seed: int,
                       now_s: float) -> int:
    """Generate ``population`` (deterministic for ``seed``) into ``app_id``; returns endpoints."""
    table = build_population(population, np.random.default_rng(np.random.SeedSequence(seed)))
    channels = table.channel.tolist()
    invalid = table.invalid_address.tolist()
    addresses = [address(c, row, bad) for row, (c, bad) in enumerate(zip(channels, invalid,
                                                                         strict=True))]
    user_of_row = np.repeat(np.arange(table.users, dtype=np.int64), table.endpoints_per_user)
    service.app(app_id).bulk_load(
        [endpoint_id(r) for r in range(table.endpoints)], table.channel, addresses,
        [user_id(u) for u in range(table.users)], user_of_row, table.opted_out, ~table.inactive,
        now_s)
    opted_sms = np.flatnonzero(table.opted_out & (table.channel == _SMS)).tolist()
    service.sms_opt_out.update(addresses[r] for r in opted_sms)
    return table.endpoints
