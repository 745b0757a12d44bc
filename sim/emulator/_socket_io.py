"""Receive and send on a connection's socket with one trio schedule point per exchange.

Why: ``trio.SocketStream`` makes every receive and every send a full schedule point (the task
goes round the run loop, resumed through its whole coroutine stack) behind three context
managers, which was about a fifth of a small request's cost in the emulator. A keep-alive
exchange (receive a request, send its answer) needs to yield only once for fairness, and
only a receive that finds no data needs to wait.

The rules, so that trio's guarantees still hold for the connection:
- every call starts with ``checkpoint_if_cancelled``: a cancelled scope (a deadline, shutdown)
  stops it before it touches the socket, as in trio;
- a call that must wait does so in ``wait_readable``/``wait_writable``, which are cancellable;
- a completed send ends with a schedule point (``cancel_shielded_checkpoint``: what was sent
  stays sent, as in trio), and so does a receive that did not wait when no send or wait has
  yielded since the last receive (a body arriving in many pieces still yields per piece).

The socket object is a second Python object on the connection's descriptor (not a duplicate,
which could fail for want of descriptors): trio's own socket offers no receive that does not
yield, and its underlying socket is private. ``release`` must run before trio's stream closes
the descriptor; the connection does it in its ``finally``.
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable
from typing import TypeVar

import trio

checkpoint_if_cancelled = trio.lowlevel.checkpoint_if_cancelled
cancel_shielded_checkpoint = trio.lowlevel.cancel_shielded_checkpoint
wait_readable = trio.lowlevel.wait_readable
wait_writable = trio.lowlevel.wait_writable
_Arg = TypeVar("_Arg")
_Result = TypeVar("_Result")


class SocketIO:
    """``receive_some`` and ``send_all`` of a ``trio.SocketStream``, yielding as above."""

    __slots__ = ("_yielded", "sock")

    def __init__(self, stream: trio.SocketStream) -> None:
        peer = stream.socket
        self.sock = socket.socket(peer.family, peer.type, peer.proto, fileno=peer.fileno())
        """The connection's socket (non-blocking), also for peeking at it while it is held."""
        self.sock.setblocking(False)
        self._yielded = True

    async def receive_some(self, max_bytes: int) -> bytes:
        """Bytes from the peer (empty: it closed); OSError if the connection broke."""
        await checkpoint_if_cancelled()
        sock = self.sock
        try:
            data = sock.recv(max_bytes)
        except BlockingIOError:
            data = await _when_ready(wait_readable, sock, sock.recv, max_bytes)
        else:
            if not self._yielded:
                await cancel_shielded_checkpoint()
        self._yielded = False
        return data

    async def send_all(self, data: bytes) -> None:
        """Send every byte of ``data``; OSError if the connection broke."""
        await checkpoint_if_cancelled()
        sock = self.sock
        try:
            sent = sock.send(data)
        except BlockingIOError:
            sent = 0
        if sent < len(data):
            view = memoryview(data)
            while sent < len(view):
                sent += await _when_ready(wait_writable, sock, sock.send, view[sent:])
        await cancel_shielded_checkpoint()
        self._yielded = True

    def release(self) -> None:
        """Let go of the descriptor without closing it (trio's stream closes it)."""
        self.sock.detach()


async def _when_ready(wait: Callable[[socket.socket], Awaitable[None]], sock: socket.socket,
                      operation: Callable[[_Arg], _Result], argument: _Arg) -> _Result:
    """``operation(argument)`` once ``wait`` says the socket is ready (cancellable), waiting
    again while readiness turns out spurious."""
    while True:
        await wait(sock)
        try:
            return operation(argument)
        except BlockingIOError:
            pass


class StreamIO:
    """Any other ``trio.abc.Stream`` (tests' memory streams) with SocketIO's two calls; what it
    receives is always ``bytes`` (trio's streams may give a ``bytearray``)."""

    __slots__ = ("stream",)

    def __init__(self, stream: trio.abc.Stream) -> None:
        self.stream = stream

    async def receive_some(self, max_bytes: int) -> bytes:
        data = await self.stream.receive_some(max_bytes)
        return data if type(data) is bytes else bytes(data)

    async def send_all(self, data: bytes) -> None:
        await self.stream.send_all(data)
