"""JSON codecs, built once per type (msgspec's decoders are compiled per type).

``decode`` turns any msgspec failure into :class:`BadRequest` whose message carries msgspec's
path to the bad member (``$.Addresses[...].ChannelType``), so a malformed request is a
Pinpoint-shaped 400 naming the field, never a 500. JSON nested deeper than the interpreter's
recursion limit lets msgspec go (about 1,000 levels, a little less the deeper the caller's stack)
is a 400 too: msgspec raises RecursionError there.
"""

from __future__ import annotations

import sys
from typing import Any, TypeVar

import msgspec

from .errors import BadRequest

T = TypeVar("T")

encoder = msgspec.json.Encoder()
encode = encoder.encode


_decoders: dict[Any, Any] = {}


def decoder(type_: type[T]) -> msgspec.json.Decoder[T]:
    """The one decoder of ``type_`` (built on first use)."""
    found: msgspec.json.Decoder[T] | None = _decoders.get(type_)
    if found is None:
        found = _decoders[type_] = msgspec.json.Decoder(type_)
    return found


def decode(type_: type[T], body: bytes | bytearray | memoryview | str) -> T:
    """Decode ``body`` as ``type_``; any malformed input raises BadRequest naming the path."""
    try:
        return decoder(type_).decode(body)
    except msgspec.ValidationError as exc:
        raise BadRequest(f"Invalid request body: {exc}") from None
    except msgspec.DecodeError as exc:
        raise BadRequest(f"Malformed JSON in request body: {exc}") from None
    except RecursionError:
        raise BadRequest("Malformed JSON in request body: arrays and objects nested more than "
                         f"about {sys.getrecursionlimit()} levels deep") from None


def to_builtins(value: Any) -> Any:
    """A Struct as the plain dicts, lists and strings that boto3 returns."""
    return msgspec.to_builtins(value)
