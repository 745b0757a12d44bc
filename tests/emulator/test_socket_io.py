"""SocketIO: one schedule point per exchange, and trio's guarantees otherwise (cancellation
before bytes are taken, cancellable waits, whole sends, the descriptor left to trio)."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable

import pytest
import trio
import trio.testing

from sim.emulator._socket_io import SocketIO


class StepCounter(trio.abc.Instrument):
    """How many times the task named ``name`` was resumed (each is one schedule point)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.steps = 0

    def before_task_step(self, task: trio.lowlevel.Task) -> None:
        if task.name == self.name:
            self.steps += 1


async def socket_pair() -> tuple[trio.SocketStream, trio.SocketStream]:
    a, b = trio.socket.socketpair()
    return trio.SocketStream(a), trio.SocketStream(b)


def run(test: Callable[[], Awaitable[None]]) -> None:
    trio.run(test, clock=trio.testing.MockClock(autojump_threshold=0))


def steps_of(work: Callable[[], Awaitable[None]]) -> int:
    """Schedule points taken by ``work`` run as its own task."""
    counter = StepCounter("work")

    async def main() -> None:
        trio.lowlevel.add_instrument(counter)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(work, name="work")

    trio.run(main)
    return counter.steps - 1  # the first step starts the task


def exchanges_steps(exchanges: int, *, direct: bool) -> int:
    """Schedule points of ``exchanges`` keep-alive exchanges (receive a request, send its
    answer) with the request bytes already waiting, through SocketIO or trio's stream."""

    async def work() -> None:
        server, client = await socket_pair()
        async with server, client:
            await client.send_all(b"r" * exchanges)
            io = SocketIO(server) if direct else server
            for _ in range(exchanges):
                assert await io.receive_some(1) == b"r"
                await io.send_all(b"answer")
            if isinstance(io, SocketIO):
                io.release()

    return steps_of(work)


def test_an_exchange_with_data_waiting_yields_once() -> None:
    """One schedule point per exchange (plus the set-up's few), where trio's SocketStream
    takes two; and not fewer: a client pipelining requests must not starve the others."""
    exchanges = 50
    assert exchanges - 1 <= exchanges_steps(exchanges, direct=True) <= exchanges + 5
    assert exchanges_steps(exchanges, direct=False) >= 2 * exchanges


def test_receives_without_a_send_between_yield_each_time() -> None:
    """A body arriving in pieces still gives other connections a turn at every piece."""
    pieces = 20

    async def work() -> None:
        server, client = await socket_pair()
        async with server, client:
            await client.send_all(b"b" * pieces)
            io = SocketIO(server)
            for _ in range(pieces):
                assert await io.receive_some(1) == b"b"
            io.release()

    assert steps_of(work) >= pieces - 1


def test_a_cancelled_scope_stops_a_receive_before_it_takes_bytes() -> None:
    async def test() -> None:
        server, client = await socket_pair()
        async with server, client:
            await client.send_all(b"request")
            io = SocketIO(server)
            with trio.CancelScope() as scope:
                scope.cancel()
                await io.receive_some(100)
            assert scope.cancelled_caught
            assert await io.receive_some(100) == b"request"
            io.release()

    run(test)


def test_a_cancelled_scope_stops_a_send_before_it_sends_a_byte() -> None:
    async def test() -> None:
        server, client = await socket_pair()
        async with server, client:
            io = SocketIO(server)
            with trio.CancelScope() as scope:
                scope.cancel()
                await io.send_all(b"answer")
            assert scope.cancelled_caught
            await io.send_all(b"next")
            assert await client.receive_some(100) == b"next"
            io.release()

    run(test)


def test_a_receive_without_data_waits_until_cancelled_or_data_comes() -> None:
    async def test() -> None:
        server, client = await socket_pair()
        io = SocketIO(server)
        with trio.move_on_after(5.0) as scope:
            await io.receive_some(100)
        assert scope.cancelled_caught
        assert trio.current_time() == pytest.approx(5.0)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(client.send_all, b"late")
            assert await io.receive_some(100) == b"late"
        await client.aclose()
        assert await io.receive_some(100) == b""  # the peer closed
        io.release()
        await server.aclose()

    run(test)


def test_a_send_larger_than_the_socket_buffers_arrives_whole_to_a_slow_reader() -> None:
    data = os.urandom(8 * 1024 * 1024)

    async def test() -> None:
        server, client = await socket_pair()
        io = SocketIO(server)
        received = bytearray()

        async def read_slowly() -> None:
            while len(received) < len(data):
                received.extend(await client.receive_some(50_000))
                await trio.sleep(0.001)

        async with server, client, trio.open_nursery() as nursery:
            nursery.start_soon(read_slowly)
            await io.send_all(data)
        assert bytes(received) == data
        io.release()

    run(test)


def test_a_send_to_a_reader_that_stopped_can_be_cancelled() -> None:
    async def test() -> None:
        server, client = await socket_pair()
        io = SocketIO(server)
        async with server, client:
            with trio.move_on_after(30.0) as scope:
                await io.send_all(b"x" * (64 * 1024 * 1024))
            assert scope.cancelled_caught
            io.release()

    run(test)


def test_release_leaves_the_descriptor_to_the_stream() -> None:
    async def test() -> None:
        server, client = await socket_pair()
        fd = server.socket.fileno()
        io = SocketIO(server)
        await io.send_all(b"one")
        io.release()
        assert io.sock.fileno() == -1
        os.fstat(fd)  # still open: trio's stream owns it
        await server.send_all(b"two")
        assert await client.receive_some(100) == b"onetwo"
        await server.aclose()
        await client.aclose()
        with pytest.raises(OSError):
            os.fstat(fd)

    run(test)
