"""Requests and responses as the HTTP layer hands them over, and the AWS error shape.

boto3 finds the error class only in ``x-amzn-ErrorType`` and the request id only in
``x-amzn-RequestId`` (reference §2), so every response, success or error, carries both headers
it needs and ``Content-Type: application/json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import msgspec

from sim.api.errors import PinpointError

SERVER_NAME = b"pinsim"
REQUEST_TIMEOUT_TYPE = "RequestTimeoutException"
SERVICE_UNAVAILABLE_TYPE = "ServiceUnavailableException"
HTTP_VERSION_TYPE = "HttpVersionNotSupportedException"


class IncomingRequest(NamedTuple):
    """One complete request: method and target as sent, headers in order, the whole body."""

    method: str
    target: str
    headers: Sequence[tuple[bytes, bytes]]
    """As h11 parsed them: lower-case names, raw values (decoded only if SigV4 needs them)."""
    body: bytes
    received_s: float
    """trio time at which the request head was parsed."""


class OutgoingResponse(NamedTuple):
    status: int
    headers: list[tuple[bytes, bytes]]
    """Every header to send, ``content-length`` included."""
    body: bytes
    stats_key: str
    """Operation name (or ``_unrouted``, ``_protocol``, ``_pinsim``) for the request counters."""
    close: bool = False


class ErrorBody(msgspec.Struct):
    Message: str
    RequestID: str


_encode = msgspec.json.Encoder().encode
_CONTENT_TYPE = (b"content-type", b"application/json")
_SERVER = (b"server", SERVER_NAME)
_CLOSE = (b"connection", b"close")


def json_response(status: int, body: bytes, request_id: str, stats_key: str, *,
                  close: bool = False, extra: list[tuple[bytes, bytes]] | None = None
                  ) -> OutgoingResponse:
    headers = [_CONTENT_TYPE, (b"x-amzn-requestid", request_id.encode()), _SERVER]
    if extra:
        headers.extend(extra)
    if close:
        headers.append(_CLOSE)
    headers.append((b"content-length", b"%d" % len(body)))
    return OutgoingResponse(status, headers, body, stats_key, close)


def error_response(status: int, error_type: str, message: str, request_id: str, stats_key: str,
                   *, close: bool = False, extra: list[tuple[bytes, bytes]] | None = None
                   ) -> OutgoingResponse:
    """An AWS rest-json error: status, ``x-amzn-ErrorType`` and ``{"Message", "RequestID"}``."""
    headers = [(b"x-amzn-errortype", error_type.encode()), *(extra or [])]
    return json_response(status, _encode(ErrorBody(message, request_id)), request_id,
                         stats_key, close=close, extra=headers)


def pinpoint_error_response(error: PinpointError, request_id: str, stats_key: str, *,
                            close: bool = False) -> OutgoingResponse:
    allow: tuple[str, ...] | None = getattr(error, "allow", None)
    extra = [(b"allow", ", ".join(allow).encode())] if allow else None
    return error_response(error.status, error.error_type, error.message, request_id,
                          stats_key, close=close, extra=extra)
