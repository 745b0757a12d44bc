"""Whether an address can receive a channel's messages (a per-recipient PERMANENT_FAILURE if not).

Phone channels (SMS, VOICE) need E.164 numbers and EMAIL an address with one ``@``; other
channels' addresses (device tokens) are opaque. A request's addresses of one channel are checked
with one regex pass over all of them; only when that fails is each looked at for its message.
"""

from __future__ import annotations

import re

from sim.api import ChannelType

from .channel_types import CODE

_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_E164_LINES = re.compile(r"(?:\+[1-9][0-9]{1,14}+\n)*+")  # possessive: no backtracking
_EMAIL_LINES = re.compile(r"(?:[^@\s]++@[^@\s]++\n)*+")
PHONE_CHANNELS = frozenset({CODE[ChannelType.SMS], CODE[ChannelType.VOICE]})
EMAIL_CHANNEL = CODE[ChannelType.EMAIL]
CHECKED_ADDRESS_CHANNELS = PHONE_CHANNELS | {EMAIL_CHANNEL}


def all_valid(channel: int, addresses: list[str | None]) -> bool:
    """Every address present and well-formed for ``channel`` (a CHECKED_ADDRESS_CHANNELS)."""
    if not addresses:
        return True
    lines = _E164_LINES if channel in PHONE_CHANNELS else _EMAIL_LINES
    try:
        joined = "\n".join(addresses) + "\n"  # type: ignore[arg-type]
    except TypeError:  # an endpoint without an address
        return False
    return joined.count("\n") == len(addresses) and lines.fullmatch(joined) is not None


def address_problem(channel: int, address: str | None) -> str | None:
    """Why a delivery cannot go to ``address``, if it can't."""
    if address is None:
        return "Endpoint has no address"
    if channel in PHONE_CHANNELS and _E164.fullmatch(address) is None:
        return f"Address {address!r} is not an E.164 phone number"
    if channel == EMAIL_CHANNEL and _EMAIL.fullmatch(address) is None:
        return f"Address {address!r} is not an email address"
    return None
