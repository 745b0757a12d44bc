"""ChannelRouter: which channel model serves each channel type, and which types cannot send.

All channel types share one ``sim.channels.ChannelFleet`` (slot = channel code), so one kernel
call admits a whole request whatever its mix of channels.

Decisions where reference §3 is silent (each tested):
- A channel type without a configured profile is served by an ideal channel (instant,
  SUCCESSFUL); APNS_SANDBOX, APNS_VOIP and APNS_VOIP_SANDBOX use the APNS profile unless they
  have their own. A channel listed in ``ServiceConfig.disabled_channels`` answers
  PERMANENT_FAILURE 400 "Channel is not enabled".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from sim.channels import (
    ChannelFleet,
    ChannelProfile,
    ConstantLatency,
    child_seed,
    seeded_streams,
)

from .channel_types import CHANNEL_TYPES, CODE_BY_NAME, NOT_SENDABLE
from .messages import SharedMessages
from .store import NO_CHANNEL

#: A channel with no profile: instant and always SUCCESSFUL (deterministic tests of user code).
IDEAL_PROFILE = ChannelProfile(latency=ConstantLatency(value_s=0.0),
                               note="ideal: no profile configured for this channel")


class ChannelRouter:
    """The channel model of each channel type, each seeded ``child_seed(seed, code)``.

    Seeding by channel code (not by creation order) lets the engine build the same models and
    get the same draws as the service for the same seed.
    """

    def __init__(self, profiles: Mapping[str, ChannelProfile], seed: np.random.SeedSequence,
                 disabled: Iterable[str] = ()) -> None:
        by_code: list[ChannelProfile] = []  # the fleet's slot is the channel code
        for channel_type in CHANNEL_TYPES:
            profile = profiles.get(channel_type.value)
            if profile is None and channel_type.value.startswith("APNS"):
                profile = profiles.get("APNS")
            by_code.append(profile or IDEAL_PROFILE)
        self.fleet = ChannelFleet(
            by_code, [seeded_streams(child_seed(seed, code)) for code in range(len(by_code))])
        self.messages = SharedMessages.of(self.fleet.messages)
        off = frozenset(CODE_BY_NAME[name] for name in disabled)
        self.blocked = {code: reason for code in [*range(len(by_code)), NO_CHANNEL]
                        if (reason := _blocked_reason(code, off)) is not None}
        """Channel code -> why no delivery of it can be attempted, for the codes that can't."""
        self.keyed = frozenset(code for code, p in enumerate(by_code)
                               if p.rate_limit is not None and p.rate_limit.keys > 1)
        """Channels whose rate limit has several keys (senders): a recipient's key is a hash
        of its address, which the fleet takes modulo the keys (sticky sender)."""



def _blocked_reason(code: int, disabled: frozenset[int]) -> str | None:
    """Why no delivery of channel ``code`` can be attempted at all, if none can."""
    if code == NO_CHANNEL:
        return "Endpoint has no channel type"
    if CHANNEL_TYPES[code] in NOT_SENDABLE:
        return f"Channel type {CHANNEL_TYPES[code].value} cannot be sent to directly"
    if code in disabled:
        return "Channel is not enabled"
    return None
