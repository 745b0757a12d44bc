"""Where first attempts come from: an open schedule (with a give-back buffer) or closed clients.

A window takes first attempts from here and gives back those it could not keep (when a
follow-up falls inside the window, sim.engine.loop), so each source can return them in order.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from sim.scenario import ClosedArrivals, OpenArrivals, Scenario

from .arrivals import ArrivalSource, OpenSchedule, ReplaySchedule
from .columns import F64

I32 = npt.NDArray[np.int32]
_NO_CLIENTS = np.empty(0, dtype=np.int32)


class ScheduledSends:
    """First attempts of an open or replayed workload (no client: -1)."""

    def __init__(self, source: ArrivalSource) -> None:
        self._source = source
        self._held: F64 = np.empty(0, dtype=np.float64)

    def take(self, n: int) -> tuple[F64, I32]:
        if len(self._held) >= n:
            times, self._held = self._held[:n], self._held[n:]
        else:
            times = np.concatenate([self._held, self._source.take(n - len(self._held))])
            self._held = np.empty(0, dtype=np.float64)
        return times, np.full(len(times), -1, dtype=np.int32)

    def give_back(self, times_s: F64, clients: I32) -> None:
        self._held = np.concatenate([times_s, self._held])

    def commit(self, sent: int) -> None:
        pass

    def wake(self, times_s: F64, clients: I32) -> None:
        if len(times_s):
            raise ValueError("an open workload has no clients to wake")


class ClosedClients:
    """Clients that send, wait for the answer, think, and send again."""

    def __init__(self, arrival: ClosedArrivals, duration_s: float | None,
                 max_requests: int | None) -> None:
        self._horizon_s = math.inf if duration_s is None else duration_s
        self._left = math.inf if max_requests is None else float(max_requests)
        clients = np.arange(arrival.clients, dtype=np.int32)
        self._times: F64 = arrival.ramp_up_s * clients / arrival.clients
        self._clients: I32 = clients

    def take(self, n: int) -> tuple[F64, I32]:
        live = self._times < self._horizon_s  # a client due after the end sends nothing
        self._times, self._clients = self._times[live], self._clients[live]
        order = np.argsort(self._times, kind="stable")
        count = int(min(n, len(order), self._left))
        taken, rest = order[:count], order[count:]
        times, clients = self._times[taken], self._clients[taken]
        self._times, self._clients = self._times[rest], self._clients[rest]
        return times, clients

    def give_back(self, times_s: F64, clients: I32) -> None:
        self.wake(times_s, clients)

    def commit(self, sent: int) -> None:
        self._left -= sent
        if self._left <= 0:  # the request budget is spent: nobody sends again
            self._times, self._clients = self._times[:0], self._clients[:0]

    def wake(self, times_s: F64, clients: I32) -> None:
        if self._left <= 0:
            return
        self._times = np.concatenate([self._times, times_s])
        self._clients = np.concatenate([self._clients, clients])


FirstAttempts = ScheduledSends | ClosedClients


def first_attempts(scenario: Scenario, rng: np.random.Generator) -> FirstAttempts:
    arrival = scenario.workload.arrival
    if isinstance(arrival, ClosedArrivals):
        return ClosedClients(arrival, scenario.duration_s, scenario.requests)
    if isinstance(arrival, OpenArrivals):
        return ScheduledSends(OpenSchedule(arrival, scenario.duration_s, scenario.requests, rng))
    return ScheduledSends(ReplaySchedule(arrival, scenario.duration_s, scenario.requests))
