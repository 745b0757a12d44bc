"""SendMessages requests whose Addresses give each address only its channel, decoded as such.

Why: nearly every send a load test makes is of this shape, and proving that none of 100
recipients has its own content (overrides, context, substitutions) costs a pass over 100
configs, about 8 us. Decoding into a type whose address config has only ``ChannelType``, and no
other field allowed, proves it during the decode, which is also a little faster.

``PlainMessageRequest`` is derived from ``MessageRequest`` (every other field, its type and
default, is MessageRequest's), so the two cannot drift apart. A body of any other shape (an
override, an explicit null, an unknown field, a missing or bad ``ChannelType``, bad JSON, JSON
nested too deeply) fails this decode and is decoded as a ``MessageRequest``, which gives the
same results or the same error (tests/core/test_plain_send.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Union, cast

import msgspec

from sim.api import ChannelType, MessageRequest, decode

from .channel_types import CODE_BY_NAME

PLAIN_ADDRESSES: tuple[type[msgspec.Struct], ...] = tuple(
    msgspec.defstruct(f"Plain{channel.value}Address", [], tag_field="ChannelType",
                      tag=channel.value, forbid_unknown_fields=True, gc=False)
    for channel in ChannelType)
"""An AddressConfiguration with nothing but its channel, one class per channel (a tagged
union on ``ChannelType``): the class is the channel, so no field is stored or read."""

CODE_BY_PLAIN_ADDRESS: dict[type, int] = {
    cls: CODE_BY_NAME[channel.value] for cls, channel in zip(PLAIN_ADDRESSES, ChannelType,
                                                             strict=True)}

PlainAddress = Union[PLAIN_ADDRESSES]  # type: ignore[valid-type]  # noqa: UP007

PlainMessageRequest = msgspec.defstruct(
    "PlainMessageRequest",
    [(f.name, dict[str, PlainAddress] | None if f.name == "Addresses" else f.type, f.default)
     for f in msgspec.structs.fields(MessageRequest)],
    kw_only=True, omit_defaults=True, gc=False)

_plain_decoder = msgspec.json.Decoder(PlainMessageRequest)


def decode_message_request(body: bytes) -> MessageRequest:
    """The request; if its addresses are plain, their configs are instances of
    ``PLAIN_ADDRESSES`` (with no fields: ``CODE_BY_PLAIN_ADDRESS`` gives their channel code)."""
    try:
        return cast(MessageRequest, _plain_decoder.decode(body))
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        return decode(MessageRequest, body)


def plain_addresses(configs: Iterable[object]) -> bool:
    """Whether address configs came from the plain decode (one decode makes all of them)."""
    return type(next(iter(configs), None)) in CODE_BY_PLAIN_ADDRESS


def escape_free(body: bytes) -> bool:
    """Whether every string decoded from the JSON ``body`` is ASCII that JSON writes as it is:
    without a backslash there is no escape sequence, and JSON allows neither a bare quote nor
    a control character inside a string (msgspec refuses them). One C-level scan of the body
    instead of a check of every address."""
    return body.isascii() and b"\\" not in body
