"""One HTTP/1.1 connection on h11: read requests within limits, hand them over, write answers.

Guarantees, whatever bytes arrive: every request gets a response or the connection is closed;
nothing a client sends can raise out of ``serve_connection`` or hold it past a deadline.
- Headers over ``max_header_bytes``, or bytes h11 cannot parse: 400, then close; an HTTP/2.0
  or other non-1.x version: 505, then close.
- A request not complete within ``request_timeout_s`` of its first byte: 408, then close.
- ``Content-Length`` over ``max_body_bytes``: 413 before the body is read, then a bounded
  lingering close (drain what the client is still sending) so it reads the 413 rather than a
  reset; a chunked body is cut off the same way once it passes the limit.
- Idle keep-alive connections close after ``idle_timeout_s`` (or at shutdown) silently.
- A client that does not read its response within ``send_timeout_s`` is disconnected.

Cost per request matters (the emulator should add little to what h11 itself costs): each
connection has one cancel scope for its whole life, and its phase (idle, reading, answering,
sending) only writes a deadline that ``DeadlineWatcher`` enforces (entering a scope or moving
a trio deadline per receive and send would cost more than the rest of a small request's
handling); the answer leaves in one ``send_all``, and on a socket an exchange costs one trio
schedule point instead of two (``_socket_io``). A connection starts on the strict fast path
of ``_fastpath`` (requests of the common shape, framed without h11's state machine) and moves
to h11 for good at the first request of any other shape, with every byte received so far.
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

import h11
import trio

from sim.api.errors import BadRequest, PayloadTooLarge

from ._config import EmulatorConfig
from ._deadlines import Deadline, DeadlineWatcher
from ._fastpath import METHODS, NEED_DATA, REASONS, FastHead, HeadReader, response_bytes
from ._responses import (
    HTTP_VERSION_TYPE,
    REQUEST_TIMEOUT_TYPE,
    IncomingRequest,
    OutgoingResponse,
)
from ._socket_io import SocketIO, StreamIO

log = logging.getLogger("sim.emulator")

RECEIVE_CHUNK_BYTES = 64 * 1024
LINGER_S = 2.0
LINGER_MAX_BYTES = 64 * 1024 * 1024


class RequestHandler(Protocol):
    """The server side a connection needs: answering requests and the shutdown state."""

    config: EmulatorConfig
    draining: bool
    idle_scopes: set[trio.CancelScope]
    deadlines: DeadlineWatcher

    async def handle(self, request: IncomingRequest) -> OutgoingResponse: ...

    def protocol_error(self, status: int, error_type: str, message: str) -> OutgoingResponse: ...

    def record(self, response: OutgoingResponse, latency_s: float | None) -> None:
        """Count an answer sent; ``latency_s`` is None when no request head was parsed."""


class _Closed(Exception):
    """The peer went away or the connection is unusable: stop without answering."""


class _Phase(enum.Enum):
    """What the connection's deadline currently limits (answering: nothing)."""

    IDLE = "idle"
    READING = "reading"
    ANSWERING = "answering"
    SENDING = "sending"


_END_OF_MESSAGE = h11.EndOfMessage()
_F = TypeVar("_F", bound=Callable[..., Any])


def _ki_protected(fn: _F) -> _F:
    """``trio.lowlevel.enable_ki_protection``, typed the same on every trio this project
    allows (it is untyped before trio 0.23)."""
    protect: Any = trio.lowlevel.enable_ki_protection
    return cast(_F, protect(fn))


@_ki_protected
async def serve_connection(stream: trio.abc.Stream, handler: RequestHandler) -> None:
    """Serve requests on one connection until either side closes it.

    Protected from KeyboardInterrupt (a Ctrl-C reaches the main task instead): raised between
    two lines here, it could skip ``SocketIO.release``, and the socket object's garbage
    collection would then close a descriptor that trio still owns."""
    connection = _Connection(stream, handler)
    try:
        await connection.run()
    except (_Closed, trio.BrokenResourceError, trio.ClosedResourceError, OSError):
        pass
    except Exception:
        log.exception("connection handler failed; closing the connection")
    finally:
        connection.limit.closed = True
        if connection.socket_io is not None:
            connection.socket_io.release()
        with trio.CancelScope(shield=True), trio.move_on_after(1.0):
            await stream.aclose()


class _Connection:
    def __init__(self, stream: trio.abc.Stream, handler: RequestHandler) -> None:
        self.stream = stream
        self.handler = handler
        config = self.config = handler.config
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=config.max_header_bytes)
        self.clock = trio.lowlevel.current_clock()
        self.limit = Deadline()
        self.phase = _Phase.IDLE
        self.first_byte_s = self.clock.current_time()
        self.answering_head = False
        self.deadlines = handler.deadlines
        self.buffer: bytes | bytearray = b""
        """Bytes received on the fast path and not yet served (handed to h11 on leaving it)."""
        self.peer_closed = False
        self.heads = HeadReader(config.max_header_bytes)
        self.socket_io = SocketIO(stream) if isinstance(stream, trio.SocketStream) else None
        """Requests and answers go through it on a socket; released when the connection ends
        (made at the end of ``__init__``: nothing can fail before ``serve_connection`` owns it).
        """
        self.io: SocketIO | StreamIO = self.socket_io or StreamIO(stream)
        self.limit.peer = self.socket_io.sock if self.socket_io else None

    async def run(self) -> None:
        self.deadlines.watch(self.limit)
        with self.limit.scope:
            await self._exchanges()
        if self.limit.scope.cancelled_caught and self.phase is _Phase.READING:
            self.limit.scope = trio.CancelScope()  # the old one stays cancelled
            self.limit.at_s = math.inf  # until the answer's send sets its own
            self.deadlines.watch(self.limit)
            with self.limit.scope:
                await self._answer_error(
                    408, REQUEST_TIMEOUT_TYPE, f"Request not received completely within "
                    f"{self.config.request_timeout_s:g} s", None)

    async def _exchanges(self) -> None:
        """Read a request, answer it, again, until either side closes or an answer closes."""
        if not await self._fast_exchanges():
            return
        connection = self.h11
        if self.buffer:  # (empty data would tell h11 the peer closed)
            connection.receive_data(bytes(self.buffer))
            self.buffer = b""
        if self.peer_closed:
            connection.receive_data(b"")
        while True:
            self.first_byte_s = self.clock.current_time()
            try:
                request = await self._read_request()
            except h11.RemoteProtocolError as exc:
                if exc.error_status_hint == 505:
                    await self._answer_error(505, HTTP_VERSION_TYPE, str(exc), None)
                    return
                message = (f"Request line and headers exceed {self.config.max_header_bytes} "
                           "bytes" if exc.error_status_hint == 431
                           else f"Malformed HTTP request: {exc}")
                await self._answer_error(400, BadRequest.error_type, message, None)
                return
            except PayloadTooLarge as exc:
                await self._answer_error(413, exc.error_type, exc.message, None)
                return
            if request is None:  # the peer closed
                return
            self.phase = _Phase.ANSWERING
            self.limit.at_s = math.inf
            response = await self.handler.handle(request)
            await self._send(response, request.received_s)
            if connection.their_state is not h11.DONE:  # answered before reading the whole body
                await self._linger()
                return
            if response.close or connection.our_state is not h11.DONE:
                return
            connection.start_next_cycle()

    async def _fast_exchanges(self) -> bool:
        """Serve requests of the fast path's shape; True: hand the connection to h11 (the
        buffer holds what it has not served), False: the connection is done."""
        config = self.config
        while True:
            if self.buffer:  # pipelined: its first byte is here (else the idle receive notes it)
                self.first_byte_s = self.clock.current_time()
            heads = self.heads
            head = heads.read(self.buffer) if self.buffer else NEED_DATA
            while head is NEED_DATA:
                if not await self._receive_into_buffer():
                    return bool(self.buffer)  # a partial request and EOF: h11 judges it
                head = heads.read(self.buffer)
            if not isinstance(head, FastHead) or head.body_bytes > config.max_body_bytes:
                return True
            end = head.body_start + head.body_bytes
            received_s = self.clock.current_time()
            while len(self.buffer) < end:
                if not await self._receive_into_buffer():
                    return True
            buffer = self.buffer
            request = IncomingRequest(head.method, head.target, head.headers,
                                      bytes(buffer[head.body_start:end]), received_s)
            self.buffer = buffer[end:]
            self.phase = _Phase.ANSWERING
            self.limit.at_s = math.inf
            response = await self.handler.handle(request)
            await self._write(response_bytes(response.status, response.headers, response.body,
                                             head_only=head.method == "HEAD"),
                              response, received_s)
            if response.close:
                return False

    async def _receive_into_buffer(self) -> bool:
        """More bytes for the fast path's buffer; False when the peer has closed. A request
        that comes in one piece stays the bytes received (sliced, not copied into a buffer)."""
        data = await self._receive_bytes(idle=not self.buffer)
        if not data:
            self.peer_closed = True
            return False
        buffer = self.buffer
        if not buffer:
            self.buffer = data
        elif isinstance(buffer, bytearray):
            buffer += data
        else:
            self.buffer = bytearray(buffer) + data
        return True

    async def _answer_error(self, status: int, error_type: str, message: str,
                            received_s: float | None) -> None:
        """Answer a request that cannot be served, then close (lingering)."""
        if self.h11.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        response = self.handler.protocol_error(status, error_type, message)
        await self._send(response, received_s)
        await self._linger()

    async def _receive_event(self) -> h11.Event:
        """The next event, once h11 has said it needs more bytes (callers try ``next_event``
        first: most events are already buffered, and an await per event costs)."""
        connection = self.h11
        while True:
            connection.receive_data(await self._receive_bytes(
                idle=connection.their_state is h11.IDLE and not connection.trailing_data[0]))
            event = connection.next_event()
            if event is not h11.NEED_DATA:
                assert isinstance(event, h11.Event)  # PAUSED only comes after a full request
                return event

    async def _receive_bytes(self, *, idle: bool) -> bytes:
        """Bytes from the peer (empty: it closed). Waiting for a new request (``idle``) ends
        at the idle timeout or at shutdown; waiting for the rest of one is limited by the
        request timeout, counted from its first byte."""
        if idle:
            handler = self.handler
            if handler.draining:
                raise _Closed
            limit = self.limit
            scope = limit.scope
            self.phase = _Phase.IDLE
            limit.at_s = self.clock.current_time() + self.config.idle_timeout_s
            handler.idle_scopes.add(scope)
            try:
                data = await self.io.receive_some(RECEIVE_CHUNK_BYTES)
            finally:
                handler.idle_scopes.discard(scope)
            now_s = self.first_byte_s = self.clock.current_time()
            # the idle limit or shutdown came as the bytes arrived (scope.cancel_called
            # without its clock read: the watcher cancels only past at_s, and
            # shutdown sets draining first)
            if handler.draining or now_s >= limit.at_s:
                raise _Closed
            return data
        if self.phase is not _Phase.READING:  # counted from the first byte, not now
            self.phase = _Phase.READING
            self.limit.at_s = self.first_byte_s + self.config.request_timeout_s
            self.deadlines.watch(self.limit)
        data = await self.io.receive_some(RECEIVE_CHUNK_BYTES)
        return data

    async def _read_request(self) -> IncomingRequest | None:
        connection = self.h11
        head = connection.next_event()
        if head is h11.NEED_DATA:
            head = await self._receive_event()
        if type(head) is not h11.Request:
            if isinstance(head, h11.ConnectionClosed):
                return None
            raise h11.RemoteProtocolError(f"expected a request, got {type(head).__name__}")
        if not head.http_version.startswith(b"1."):  # h11 reads any d.d (RFC 9110 15.6.6)
            raise h11.RemoteProtocolError(
                f"HTTP/{head.http_version.decode()} is not supported; use HTTP/1.1",
                error_status_hint=505)
        received_s = self.clock.current_time()
        method = head.method
        self.answering_head = method == b"HEAD"
        head_bytes = len(method) + len(head.target)
        content_length = None
        for name, value in head.headers.raw_items():  # a list: faster than the Sequence
            head_bytes += len(name) + len(value) + 4
            if len(name) == 14 and name.lower() == b"content-length":
                content_length = value
        if head_bytes > self.config.max_header_bytes:  # h11 only limits what it must buffer
            raise h11.RemoteProtocolError("headers too long", error_status_hint=431)
        limit = self.config.max_body_bytes
        if content_length is not None and int(content_length) > limit:
            raise PayloadTooLarge(f"Request body of {int(content_length)} bytes exceeds the "
                                  f"limit of {limit} bytes")
        if connection.they_are_waiting_for_100_continue:
            go_on = h11.InformationalResponse(status_code=100, headers=[],
                                              reason=b"Continue")
            await self._send_bytes(connection.send(go_on))
        chunks: list[bytes] = []
        size = 0
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA:
                event = await self._receive_event()
            if type(event) is h11.Data:
                size += len(event.data)
                if size > limit:
                    raise PayloadTooLarge(f"Request body exceeds the limit of {limit} bytes")
                chunks.append(event.data)
            elif type(event) is h11.EndOfMessage:
                break
            else:  # ConnectionClosed mid-body: nobody to answer
                raise _Closed
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return IncomingRequest(METHODS.get(method) or method.decode("ascii"),
                               head.target.decode("latin-1"), head.headers, bytes(body),
                               received_s)

    async def _send(self, response: OutgoingResponse, received_s: float | None) -> None:
        body = response.body
        connection = self.h11
        try:
            head = connection.send(h11.Response(status_code=response.status,
                                                headers=response.headers,
                                                reason=REASONS.get(response.status, b"")))
            if body and not self.answering_head:  # a HEAD answer has headers only
                data = b"".join((head, connection.send(h11.Data(data=body)),
                                 connection.send(_END_OF_MESSAGE)))
            else:
                data = head + connection.send(_END_OF_MESSAGE)
        except h11.LocalProtocolError as exc:
            raise _Closed from exc
        await self._write(data, response, received_s)

    async def _write(self, data: bytes, response: OutgoingResponse,
                     received_s: float | None) -> None:
        """Send an answer's bytes within the send timeout and count it (also when the peer
        is gone: the request was served, and its deliveries are counted)."""
        self.phase = _Phase.SENDING  # as _send_bytes, without one more await
        self.limit.at_s = self.clock.current_time() + self.config.send_timeout_s
        try:
            await self.io.send_all(data)
        finally:
            self.handler.record(
                response, None if received_s is None else self.clock.current_time() - received_s)

    async def _send_bytes(self, data: bytes) -> None:
        self.phase = _Phase.SENDING
        self.limit.at_s = self.clock.current_time() + self.config.send_timeout_s
        await self.io.send_all(data)

    async def _linger(self) -> None:
        """Half-close, then drain what the client still sends, bounded in time and bytes."""
        send_eof = getattr(self.stream, "send_eof", None)
        if send_eof is None:
            return
        self.limit.at_s = math.inf  # the linger has its own limit
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
