"""Realistic, reproducible endpoint ids and addresses for the benchmarks.

Ids are lower-case UUID-4 strings (36 characters), as the AWS SDKs' examples and most apps use.
Addresses look like production ones: E.164 US numbers for SMS, FCM registration tokens
(``<22 chars>:APA91b<134 chars>``, 163 characters) for GCM, and 64-hex-digit APNs device tokens.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np

from sim.api import ChannelType

CHANNEL_MIX: tuple[tuple[ChannelType, int], ...] = (
    (ChannelType.SMS, 34), (ChannelType.GCM, 33), (ChannelType.APNS, 33))
"""Channel of each recipient out of every 100: 34 SMS, 33 GCM, 33 APNS."""

_E164_SPAN = 8_000_000_000  # 10-digit numbers from 2000000000: first digit 2-9, as in NANP
_E164_STRIDE = 104_729  # a prime coprime to the span, so consecutive draws never repeat


def channel_mix(count: int) -> list[ChannelType]:
    """The channels of ``count`` recipients, repeating the 100-recipient CHANNEL_MIX."""
    pattern = [channel for channel, share in CHANNEL_MIX for _ in range(share)]
    return [pattern[i % len(pattern)] for i in range(count)]


class Population:
    """A stream of ids and addresses; the same seed gives the same stream."""

    def __init__(self, seed: int) -> None:
        self._rng = np.random.default_rng(seed)
        self._sms_next = int(self._rng.integers(_E164_SPAN))

    def uuids(self, count: int) -> list[str]:
        raw = self._rng.bytes(16 * count).hex()
        out = []
        for i in range(0, 32 * count, 32):
            h = raw[i:i + 32]
            out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}"
                       f"-{h[20:32]}")
        return out

    def sms_numbers(self, count: int) -> list[str]:
        start = self._sms_next
        self._sms_next += count
        return [f"+1{2_000_000_000 + (k * _E164_STRIDE) % _E164_SPAN}"
                for k in range(start, start + count)]

    def fcm_tokens(self, count: int) -> list[str]:
        text = base64.urlsafe_b64encode(self._rng.bytes(120 * count)).decode()
        return [f"{text[i:i + 22]}:APA91b{text[i + 22:i + 156]}"
                for i in range(0, 160 * count, 160)]

    def apns_tokens(self, count: int) -> list[str]:
        raw = self._rng.bytes(32 * count).hex()
        return [raw[i:i + 64] for i in range(0, 64 * count, 64)]

    def addresses(self, channels: Sequence[ChannelType]) -> list[str]:
        """One fresh address per channel, in order."""
        makers = {ChannelType.SMS: self.sms_numbers, ChannelType.GCM: self.fcm_tokens,
                  ChannelType.APNS: self.apns_tokens}
        pools = {ch: iter(makers[ch](sum(1 for c in channels if c == ch)))
                 for ch in set(channels)}
        return [next(pools[ch]) for ch in channels]
