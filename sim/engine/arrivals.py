"""First-attempt send times of open and replayed workloads, generated in chunks.

Open schedules draw points of a unit-rate process (exponential gaps for Poisson, unit steps for
evenly spaced) on the cumulative-intensity axis and map them back through the inverse of
``Lambda(t)``, the integral of the rate: piecewise linear rates (ramp stages) become exact
non-homogeneous processes (time rescaling). Bursts are merged in. Closed workloads have no
schedule: their requests follow completions (sim.engine.loop).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from sim.scenario import OpenArrivals, ReplayArrivals

F64 = npt.NDArray[np.float64]
_EMPTY = np.empty(0, dtype=np.float64)


class ArrivalSource(Protocol):
    def take(self, n: int) -> F64:
        """About ``n`` next send times, sorted; empty once the schedule is over."""
        ...


class _Limits:
    """The scenario's end: no send at or after ``duration_s``, at most ``max_requests``."""

    def __init__(self, duration_s: float | None, max_requests: int | None) -> None:
        self.horizon_s = math.inf if duration_s is None else duration_s
        self.remaining = math.inf if max_requests is None else max_requests

    def clip(self, times_s: F64) -> tuple[F64, bool]:
        """Times within the limits, and whether the limits were reached."""
        cut = int(np.searchsorted(times_s, self.horizon_s, side="left"))
        if cut > self.remaining:
            cut = int(self.remaining)
        self.remaining -= cut
        return times_s[:cut], cut < len(times_s) or self.remaining <= 0


class OpenSchedule:
    """Poisson or evenly spaced sends at a fixed rate or through ramp stages, plus bursts."""

    def __init__(self, arrival: OpenArrivals, duration_s: float | None, max_requests: int | None,
                 rng: np.random.Generator) -> None:
        self._poisson = arrival.process == "poisson"
        self._rng = rng
        self._limits = _Limits(duration_s, max_requests)
        if arrival.rate_per_s is not None:
            stages = [(math.inf, arrival.rate_per_s, arrival.rate_per_s)]
        else:
            stages = [(s.duration_s, s.rate_per_s,
                       s.rate_per_s if s.end_rate_per_s is None else s.end_rate_per_s)
                      for s in arrival.stages]
        self._start_s = np.concatenate([[0.0], np.cumsum([d for d, _, _ in stages])])[:-1]
        self._length_s = np.array([d for d, _, _ in stages], dtype=np.float64)
        self._rate0 = np.array([r0 for _, r0, _ in stages], dtype=np.float64)
        self._rate1 = np.array([r1 for _, _, r1 in stages], dtype=np.float64)
        with np.errstate(invalid="ignore"):
            area = np.where(np.isinf(self._length_s), np.inf,
                            0.5 * (self._rate0 + self._rate1) * self._length_s)
        self._area_start = np.concatenate([[0.0], np.cumsum(area)])
        self._next_area = 0.0  # Poisson: first send after a gap; evenly spaced: at t = 0
        self._base_done = not stages or self._area_start[-1] == 0.0
        bursts = [a.at_s + a.spread_s * np.arange(a.requests) / a.requests for a in arrival.bursts]
        self._bursts = np.sort(np.concatenate(bursts)) if bursts else _EMPTY
        self._burst_pos = 0
        self._done = False

    def _base_times(self, n: int) -> F64:
        # Running sums continue from the last value, so the additions (and their rounding) are
        # the same however the schedule is cut into chunks.
        steps = self._rng.exponential(1.0, n) if self._poisson else np.ones(n)
        area = np.cumsum(np.concatenate(([self._next_area], steps)))
        self._next_area = float(area[-1])
        area = area[1:] if self._poisson else area[:-1]
        total = self._area_start[-1]
        if area[-1] >= total:
            area = area[area < total]
            self._base_done = True
        return self._invert(area)

    def _invert(self, area: F64) -> F64:
        """t with Lambda(t) = area, stage by stage (a linear rate gives a quadratic)."""
        stage = np.searchsorted(self._area_start, area, side="right") - 1
        x = area - self._area_start[stage]
        r0, r1, length = self._rate0[stage], self._rate1[stage], self._length_s[stage]
        with np.errstate(invalid="ignore", divide="ignore"):
            slope = np.where(np.isinf(length), 0.0, (r1 - r0) / length)
            # Solve r0 tau + slope tau^2 / 2 = x in the form that is stable as slope -> 0.
            denominator = r0 + np.sqrt(np.maximum(r0 * r0 + 2.0 * slope * x, 0.0))
            tau = np.where(denominator > 0, 2.0 * x / denominator, 0.0)
        return np.asarray(self._start_s[stage] + tau, dtype=np.float64)

    def take(self, n: int) -> F64:
        if self._done:
            return _EMPTY
        base = _EMPTY if self._base_done else self._base_times(max(n, 1))
        until = base[-1] if len(base) and not self._base_done else math.inf
        stop = int(np.searchsorted(self._bursts, until, side="right"))
        bursts = self._bursts[self._burst_pos:stop]
        self._burst_pos = stop
        times = np.sort(np.concatenate([base, bursts]), kind="stable") if len(bursts) else base
        times, reached = self._limits.clip(times)
        self._done = reached or (self._base_done and self._burst_pos == len(self._bursts))
        return times


class ReplaySchedule:
    """Send times read from a CSV column, sorted, starting at 0 and divided by ``speedup``."""

    def __init__(self, arrival: ReplayArrivals, duration_s: float | None,
                 max_requests: int | None) -> None:
        times = np.sort(read_times(Path(arrival.file), arrival.column))
        if len(times):
            times = (times - times[0]) / arrival.speedup
        self._times, _ = _Limits(duration_s, max_requests).clip(times)
        self._pos = 0

    def take(self, n: int) -> F64:
        chunk = self._times[self._pos:self._pos + max(n, 1)]
        self._pos += len(chunk)
        return chunk


def read_times(path: Path, column: str) -> F64:
    """The float column ``column`` of a CSV file with a header row; bad rows name their line."""
    values: list[float] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if column not in header:
            raise ValueError(f"{path}: no column {column!r}")
        index = header.index(column)
        for row in reader:
            if not row:
                continue
            try:
                value = float(row[index])
            except (ValueError, IndexError):
                raise ValueError(f"{path}:{reader.line_num}: {column} is not a number: "
                                 f"{row[index] if index < len(row) else ''!r}") from None
            if not math.isfinite(value):
                raise ValueError(f"{path}:{reader.line_num}: {column} is not finite")
            values.append(value)
    return np.asarray(values, dtype=np.float64)
