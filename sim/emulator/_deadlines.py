"""The time limits of every connection, enforced by one task instead of a deadline per phase.

Changing a trio cancel scope's deadline costs several microseconds (a KI-protected context
manager and a heap entry in the run loop), and a keep-alive connection changes phase several
times per request. So a connection only writes its current phase's deadline into a float
(``Deadline.at_s``, ``inf`` when no limit applies) and ``DeadlineWatcher.run`` cancels its
scope once that time has come.

The watcher wakes at times that are never later than a connection's deadline: when it looks at
a connection at time T it comes back at ``min(at_s, T + shortest_limit_s)``. A phase that
starts after T and whose limit is counted from its start ends no earlier than
``T + shortest_limit_s``, so no deadline can be missed; a phase whose deadline was fixed
earlier (a request's, counted from its first byte) calls ``watch`` again when it starts. Each
connection has one live heap entry and costs the watcher one wake-up per ``shortest_limit_s``
at most, whatever its request rate. Deadlines are exact to the clock, so trio's MockClock tests
keep exact timings.

A connection being answered has no deadline (a real-time answer waits for its sends'
simulated completion, which may be long), and it does not read its socket meanwhile. So at
each such visit the watcher peeks at the socket: if the client has closed or reset it, the
connection is cancelled (as nginx does with a request whose client went away), and its file
descriptor and in-flight slot are freed within ``shortest_limit_s`` instead of at the
simulated completion, which under a deep queue can be an hour away.
"""

from __future__ import annotations

import heapq
import itertools
import math
import socket

import trio


class Deadline:
    """One connection's time limit as the watcher sees it: small, so that the watcher's heap
    holds no closed connection's buffers until its entry comes up."""

    __slots__ = ("at_s", "closed", "entry", "peer", "scope")

    def __init__(self) -> None:
        self.at_s = math.inf
        """When the current phase must be over (trio time; inf: no limit now)."""
        self.scope = trio.CancelScope()
        """Cancelled at the deadline (a connection may replace it with a fresh one)."""
        self.closed = False
        """Set when the connection is done; the watcher then forgets it."""
        self.entry = -1
        """Which heap entry is live (set by the watcher; older entries are dropped)."""
        self.peer: socket.socket | None = None
        """The connection's socket, peeked at while it is answered (None: not a socket)."""


class DeadlineWatcher:
    """Cancels each watched connection's scope at its deadline; create it inside trio."""

    def __init__(self, shortest_limit_s: float) -> None:
        if not shortest_limit_s > 0:
            raise ValueError(f"shortest_limit_s must be > 0, not {shortest_limit_s}")
        self.shortest_limit_s = shortest_limit_s
        self._clock = trio.lowlevel.current_clock()
        self._heap: list[tuple[float, int, Deadline]] = []
        self._entries = itertools.count()  # also keeps ties from comparing connections
        self._sleep: trio.CancelScope | None = None

    def watch(self, deadline: Deadline) -> None:
        """Watch a new connection's deadline, or one whose ``at_s`` was not counted from now."""
        now_s = self._clock.current_time()
        self._check_at(min(deadline.at_s, now_s + self.shortest_limit_s), deadline)

    def _check_at(self, at_s: float, deadline: Deadline) -> None:
        entry = deadline.entry = next(self._entries)
        heapq.heappush(self._heap, (at_s, entry, deadline))
        if self._sleep is not None and at_s < self._sleep.deadline:
            self._sleep.deadline = at_s

    async def run(self) -> None:
        """Enforce deadlines until cancelled."""
        heap = self._heap
        while True:
            with trio.CancelScope(deadline=heap[0][0] if heap else math.inf) as self._sleep:
                await trio.sleep_forever()
            self._sleep = None
            now_s = self._clock.current_time()
            while heap and heap[0][0] <= now_s:
                _, entry, deadline = heapq.heappop(heap)
                if deadline.closed or entry != deadline.entry:
                    continue
                if deadline.at_s <= now_s or (deadline.at_s == math.inf
                                              and deadline.peer is not None
                                              and peer_has_gone(deadline.peer)):
                    deadline.scope.cancel()
                else:
                    self._check_at(min(deadline.at_s, now_s + self.shortest_limit_s), deadline)


def peer_has_gone(peer: socket.socket) -> bool:
    """Whether the client closed its side (FIN, also a half-close) or reset the connection,
    without consuming a byte (a pipelined request stays for the connection to read). ``peer``
    is the connection's ``SocketIO.sock``: no descriptor is needed to peek, which matters
    just when many clients are held and descriptors run out."""
    try:
        return peer.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
