"""One HTTP/1.1 connection on h11: read requests within limits, hand them over, write answers.

Guarantees, whatever bytes arrive: every request gets a response or the connection is closed;
nothing a client sends can raise out of ``serve_connection`` or hold it past a deadline.
- Headers over ``max_header_bytes``, or bytes h11 cannot parse: 400, then close.
- A request not complete within ``request_timeout_s`` of its first byte: 408, then close.
- ``Content-Length`` over ``max_body_bytes``: 413 before the body is read, then a bounded
  lingering close (drain what the client is still sending) so it reads the 413 rather than a
  reset; a chunked body is cut off the same way once it passes the limit.
- Idle keep-alive connections close after ``idle_timeout_s`` (or at shutdown) silently.
- A client that does not read its response within ``send_timeout_s`` is disconnected.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Protocol

import h11
import trio

from sim.api.errors import BadRequest, PayloadTooLarge

from ._config import EmulatorConfig
from ._responses import REQUEST_TIMEOUT_TYPE, IncomingRequest, OutgoingResponse

log = logging.getLogger("sim.emulator")

RECEIVE_CHUNK_BYTES = 64 * 1024
LINGER_S = 2.0
LINGER_MAX_BYTES = 64 * 1024 * 1024


class RequestHandler(Protocol):
    """The server side a connection needs: answering requests and the shutdown state."""

    config: EmulatorConfig
    draining: bool
    idle_scopes: set[trio.CancelScope]

    async def handle(self, request: IncomingRequest) -> OutgoingResponse: ...

    def protocol_error(self, status: int, error_type: str, message: str) -> OutgoingResponse: ...

    def record(self, response: OutgoingResponse, latency_s: float | None) -> None:
        """Count an answer sent; ``latency_s`` is None when no request head was parsed."""


class _RequestTimeout(Exception):
    pass


class _Closed(Exception):
    """The peer went away or the connection is unusable: stop without answering."""


async def serve_connection(stream: trio.abc.Stream, handler: RequestHandler) -> None:
    """Serve requests on one connection until either side closes it."""
    connection = _Connection(stream, handler)
    try:
        await connection.run()
    except (_Closed, trio.BrokenResourceError, trio.ClosedResourceError, OSError):
        pass
    except Exception:
        log.exception("connection handler failed; closing the connection")
    finally:
        with trio.CancelScope(shield=True), trio.move_on_after(1.0):
            await stream.aclose()


class _Connection:
    def __init__(self, stream: trio.abc.Stream, handler: RequestHandler) -> None:
        self.stream = stream
        self.handler = handler
        self.config = handler.config
        self.h11 = h11.Connection(h11.SERVER,
                                  max_incomplete_event_size=self.config.max_header_bytes)
        self.deadline_s = trio.current_time() + self.config.request_timeout_s
        self.answering_head = False

    async def run(self) -> None:
        while True:
            response = await self._one_exchange()
            if response is None:
                return
            if response.close or self.h11.our_state is not h11.DONE \
                    or self.h11.their_state is not h11.DONE:
                return
            self.h11.start_next_cycle()

    async def _one_exchange(self) -> OutgoingResponse | None:
        """Read one request and answer it; None when the peer closed or went idle."""
        self.deadline_s = trio.current_time() + self.config.request_timeout_s
        try:
            request = await self._read_request()
        except h11.RemoteProtocolError as exc:
            message = (f"Request line and headers exceed {self.config.max_header_bytes} bytes"
                       if exc.error_status_hint == 431 else f"Malformed HTTP request: {exc}")
            return await self._answer_error(400, BadRequest.error_type, message, None)
        except _RequestTimeout:
            return await self._answer_error(
                408, REQUEST_TIMEOUT_TYPE,
                f"Request not received completely within {self.config.request_timeout_s:g} s",
                None)
        except PayloadTooLarge as exc:
            return await self._answer_error(413, exc.error_type, exc.message, None)
        if request is None:
            return None
        response = await self.handler.handle(request)
        await self._send(response, request.received_s)
        if self.h11.their_state is not h11.DONE:  # answered before reading the whole body
            await self._linger()
        return response

    async def _answer_error(self, status: int, error_type: str, message: str,
                            received_s: float | None) -> OutgoingResponse | None:
        if self.h11.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return None
        response = self.handler.protocol_error(status, error_type, message)
        await self._send(response, received_s)
        await self._linger()
        return response

    async def _receive(self, idle: bool) -> None:
        """Feed h11 more bytes; waiting for a new request is idle, anything else is timed."""
        if idle:
            if self.handler.draining:
                raise _Closed
            with trio.CancelScope(deadline=trio.current_time() + self.config.idle_timeout_s
                                  ) as scope:
                self.handler.idle_scopes.add(scope)
                try:
                    data = await self.stream.receive_some(RECEIVE_CHUNK_BYTES)
                finally:
                    self.handler.idle_scopes.discard(scope)
            if scope.cancelled_caught:
                raise _Closed
            self.deadline_s = trio.current_time() + self.config.request_timeout_s
        else:
            with trio.move_on_at(self.deadline_s) as scope:
                data = await self.stream.receive_some(RECEIVE_CHUNK_BYTES)
            if scope.cancelled_caught:
                raise _RequestTimeout
        self.h11.receive_data(bytes(data))

    async def _next_event(self) -> h11.Event:
        while True:
            event = self.h11.next_event()
            if event is not h11.NEED_DATA:
                assert isinstance(event, h11.Event)  # PAUSED only comes after a full request
                return event
            idle = self.h11.their_state is h11.IDLE and not self.h11.trailing_data[0]
            await self._receive(idle)

    async def _read_request(self) -> IncomingRequest | None:
        head = await self._next_event()
        if isinstance(head, h11.ConnectionClosed):
            return None
        if not isinstance(head, h11.Request):
            raise h11.RemoteProtocolError(f"expected a request, got {type(head).__name__}")
        received_s = trio.current_time()
        self.answering_head = head.method == b"HEAD"
        head_bytes = len(head.method) + len(head.target) + sum(
            len(k) + len(v) + 4 for k, v in head.headers)
        if head_bytes > self.config.max_header_bytes:  # h11 only limits what it must buffer
            raise h11.RemoteProtocolError("headers too long", error_status_hint=431)
        limit = self.config.max_body_bytes
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in head.headers]
        for name, value in headers:
            if name == "content-length" and int(value) > limit:
                raise PayloadTooLarge(f"Request body of {int(value)} bytes exceeds the limit "
                                      f"of {limit} bytes")
        if self.h11.they_are_waiting_for_100_continue:
            go_on = h11.InformationalResponse(status_code=100, headers=[],
                                              reason=b"Continue")
            await self._send_bytes(self.h11.send(go_on))
        chunks: list[bytes] = []
        size = 0
        while True:
            event = await self._next_event()
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > limit:
                    raise PayloadTooLarge(f"Request body exceeds the limit of {limit} bytes")
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            else:  # ConnectionClosed mid-body: nobody to answer
                raise _Closed
        return IncomingRequest(head.method.decode("ascii"), head.target.decode("latin-1"),
                               headers, b"".join(chunks), received_s)

    async def _send(self, response: OutgoingResponse, received_s: float | None) -> None:
        body = response.body
        headers = [*response.headers, (b"content-length", str(len(body)).encode())]
        try:
            data = self.h11.send(h11.Response(status_code=response.status, headers=headers,
                                              reason=_reason(response.status)))
            if body and not self.answering_head:  # a HEAD answer has headers only
                data += self.h11.send(h11.Data(data=body))
            data += self.h11.send(h11.EndOfMessage())
        except h11.LocalProtocolError as exc:
            raise _Closed from exc
        await self._send_bytes(data)
        self.handler.record(
            response, None if received_s is None else trio.current_time() - received_s)

    async def _send_bytes(self, data: bytes | None) -> None:
        if not data:
            return
        with trio.move_on_after(self.config.send_timeout_s) as scope:
            await self.stream.send_all(data)
        if scope.cancelled_caught:
            raise _Closed

    async def _linger(self) -> None:
        """Half-close, then drain what the client still sends, bounded in time and bytes."""
        send_eof = getattr(self.stream, "send_eof", None)
        if send_eof is None:
            return
        try:
            await send_eof()
            drained = 0
            with trio.move_on_after(LINGER_S):
                while drained < LINGER_MAX_BYTES:
                    data = await self.stream.receive_some(RECEIVE_CHUNK_BYTES)
                    if not data:
                        break
                    drained += len(data)
        except (trio.BrokenResourceError, trio.ClosedResourceError, OSError):
            pass


def _reason(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""
