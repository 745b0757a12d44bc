"""Small-int codes for ChannelType, so channels travel as uint8 columns.

Codes follow the order of ``sim.api.ChannelType``. Decisions (reference/pinpoint.md is silent):
the DUPLICATE rule compares addresses within a *family*, which is the channel type itself except
that APNS, APNS_SANDBOX, APNS_VOIP and APNS_VOIP_SANDBOX share one family (one device token);
an SMS and a VOICE message to the same number are different deliveries, not duplicates.
"""

from __future__ import annotations

import numpy as np

from sim.api import ChannelType

CHANNEL_TYPES: tuple[ChannelType, ...] = tuple(ChannelType)
CODE: dict[ChannelType, int] = {ct: i for i, ct in enumerate(CHANNEL_TYPES)}
CODE_BY_NAME: dict[str, int] = {ct.value: i for i, ct in enumerate(CHANNEL_TYPES)}

PUSH_TYPES = frozenset(
    {
        ChannelType.GCM,
        ChannelType.APNS,
        ChannelType.APNS_SANDBOX,
        ChannelType.APNS_VOIP,
        ChannelType.APNS_VOIP_SANDBOX,
        ChannelType.ADM,
        ChannelType.BAIDU,
    }
)
#: Channel types that cannot be sent to directly (reference §4: per-recipient PERMANENT_FAILURE).
NOT_SENDABLE = frozenset({ChannelType.PUSH, ChannelType.IN_APP})

IS_PUSH = np.array([ct in PUSH_TYPES for ct in CHANNEL_TYPES], dtype=bool)
FAMILY = np.array(
    [CODE[ChannelType.APNS] if ct.value.startswith("APNS") else i
     for i, ct in enumerate(CHANNEL_TYPES)],
    dtype=np.uint8,
)
