"""DeadlineWatcher on trio's MockClock: a connection's scope is cancelled exactly at its
deadline however often the deadline moves, a later phase is never missed, and closed
connections are forgotten."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Awaitable, Callable

import pytest
import trio
from trio.testing import MockClock

from sim.emulator._deadlines import Deadline, DeadlineWatcher


def run(test: Callable[[DeadlineWatcher], Awaitable[None]], shortest_s: float) -> None:
    async def main() -> None:
        async with trio.open_nursery() as nursery:
            watcher = DeadlineWatcher(shortest_s)
            nursery.start_soon(watcher.run)
            await test(watcher)
            nursery.cancel_scope.cancel()

    trio.run(main, clock=MockClock(autojump_threshold=0))


def test_scope_is_cancelled_exactly_at_a_deadline_that_keeps_moving() -> None:
    async def test(watcher: DeadlineWatcher) -> None:
        connection = Deadline()
        connection.at_s = trio.current_time() + 20.0
        watcher.watch(connection)
        for _ in range(7):  # each "request" moves the deadline on before it comes
            await trio.sleep(3.0)
            connection.at_s = trio.current_time() + 20.0
        expected = connection.at_s
        with connection.scope:
            await trio.sleep_forever()
        assert connection.scope.cancelled_caught
        assert trio.current_time() == pytest.approx(expected, abs=1e-9)

    run(test, shortest_s=5.0)


def test_a_shorter_phase_after_a_long_one_is_not_missed() -> None:
    async def test(watcher: DeadlineWatcher) -> None:
        connection = Deadline()
        connection.at_s = trio.current_time() + 60.0  # idle
        watcher.watch(connection)
        await trio.sleep(31.0)
        connection.at_s = trio.current_time() + 5.0  # sending: the shortest limit
        expected = connection.at_s
        with connection.scope:
            await trio.sleep_forever()
        assert trio.current_time() == pytest.approx(expected, abs=1e-9)

    run(test, shortest_s=5.0)


def test_an_earlier_fixed_deadline_is_watched_again_when_set() -> None:
    async def test(watcher: DeadlineWatcher) -> None:
        connection = Deadline()
        watcher.watch(connection)
        first_byte_s = trio.current_time()
        await trio.sleep(4.0)
        connection.at_s = first_byte_s + 5.0  # a request's: from its first byte
        watcher.watch(connection)
        with connection.scope:
            await trio.sleep_forever()
        assert trio.current_time() == pytest.approx(first_byte_s + 5.0, abs=1e-9)

    run(test, shortest_s=5.0)


def test_closed_and_unlimited_connections_are_left_alone() -> None:
    async def test(watcher: DeadlineWatcher) -> None:
        closed, answering = Deadline(), Deadline()
        closed.at_s = trio.current_time() + 1.0
        watcher.watch(closed)
        watcher.watch(answering)  # deadline inf: no limit while answering
        closed.closed = True
        await trio.sleep(100.0)
        assert not closed.scope.cancel_called
        assert not answering.scope.cancel_called

    run(test, shortest_s=5.0)


def test_shortest_limit_must_be_positive() -> None:
    async def make() -> None:
        DeadlineWatcher(0.0)

    with pytest.raises(ValueError, match="shortest_limit_s"):
        trio.run(make)


def test_peeking_a_live_connection_needs_no_free_descriptor() -> None:
    """With every descriptor in use (as when many clients hold sends), a connected client is
    still seen as connected; a closed one as gone. In a child: it exhausts its own fd limit."""
    code = """
import resource, socket
from sim.emulator._deadlines import peer_has_gone
live, client = socket.socketpair()
gone, closer = socket.socketpair()
closer.close()
resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
held = []
try:
    while True:
        held.append(open("/dev/null"))
except OSError:
    pass
print(peer_has_gone(live), peer_has_gone(gone))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.split() == ["False", "True"], done.stderr
