"""The service's clock and when an answer leaves, per pacing mode.

The service sees seconds since the emulator started (or was last reset), not trio's raw clock
(which starts at an arbitrary offset), so dates in answers start at ``epoch_unix_s`` and a seed
reproduces them. ``realtime`` holds each answer until the simulated deliveries of the request
complete on that clock; every concurrent request shares the one Service, so channel pools and
rate limits move with the real clock. ``virtual`` answers at once and moves the clock to each
answer's completion, as a single caller waiting for every answer would (``sim.Pinpoint``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import trio

from sim.api.errors import BadRequest

from ._config import Pacing


class Moment(NamedTuple):
    """One instant on trio's clock and on the service's clock."""

    trio_s: float
    service_s: float


class ServiceClock:
    """Create inside trio: it reads the run's clock (trio's ``MockClock`` in tests)."""

    def __init__(self, pacing: Pacing) -> None:
        self.pacing = pacing
        self._trio_clock = trio.lowlevel.current_clock()  # cheaper than trio.current_time()
        self.origin_s = self._trio_clock.current_time()
        self.virtual_s = 0.0

    def restart(self) -> None:
        """Start again from 0 (used with a fresh Service)."""
        self.origin_s = self._trio_clock.current_time()
        self.virtual_s = 0.0

    def now(self) -> Moment:
        """The instant to run the next operation at."""
        trio_s = self._trio_clock.current_time()
        if self.pacing == "virtual":
            return Moment(trio_s, self.virtual_s)
        return Moment(trio_s, trio_s - self.origin_s)

    def release_at(self, started: Moment, completion_s: float) -> float | None:
        """The trio time at which the answer of an operation run at ``started`` may leave, or
        None for at once (a synchronous answer costs no sleep and no checkpoint)."""
        if self.pacing == "realtime":
            return started.trio_s + max(0.0, completion_s - started.service_s)
        if self.pacing == "virtual":
            self.virtual_s = max(self.virtual_s, completion_s)
        return None

    def advance(self, seconds: float) -> float:
        """Move the virtual clock on; only meaningful in ``virtual`` pacing."""
        if self.pacing != "virtual":
            raise BadRequest(f"/_pinsim/advance needs pacing 'virtual', not '{self.pacing}'")
        if not (math.isfinite(seconds) and seconds >= 0):
            raise BadRequest(f"seconds must be finite and >= 0, not {seconds}")
        self.virtual_s += seconds
        return self.virtual_s
