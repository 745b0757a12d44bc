"""Timing in interleaved rounds, so that what is compared is measured side by side.

On a small, shared machine absolute times drift with whatever else runs. Two defences:
- Each round is timed on both clocks: wall time, and this process's CPU time, which leaves out
  the time the process waited for a CPU while other processes ran (the main noise here; the
  benchmarks are single-threaded, so CPU time is the time the work took on one core).
- Subjects are timed in alternating rounds (the order flipped every round), so the ratio of
  their rates in each round cancels the drift that remains.
Both best-of and median rates are reported.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from typing import NamedTuple

Workload = Callable[[int], object]
"""Runs its operation ``n`` times."""


class Subject(NamedTuple):
    name: str
    run: Workload
    calls_per_round: int
    items_per_call: int  # e.g. recipients per SendMessages call


class Rates(NamedTuple):
    """Items per second of one subject on one clock, one value per round."""

    per_round: list[float]

    @property
    def best(self) -> float:
        return max(self.per_round)

    @property
    def median(self) -> float:
        return statistics.median(self.per_round)


class Timed(NamedTuple):
    """The rates of one subject on both clocks."""

    cpu: Rates
    wall: Rates


def time_calls(run: Workload, calls: int) -> tuple[float, float]:
    """CPU seconds and wall seconds ``run(calls)`` takes."""
    wall, cpu = time.perf_counter_ns(), time.process_time_ns()
    run(calls)
    return (time.process_time_ns() - cpu) / 1e9, (time.perf_counter_ns() - wall) / 1e9


def calls_for(run: Workload, round_s: float, minimum: int = 1) -> int:
    """How many calls take about ``round_s`` CPU seconds, estimated by timing growing batches."""
    calls = minimum
    while True:
        cpu_s, _ = time_calls(run, calls)
        if cpu_s >= round_s / 4 or calls >= 1 << 24:
            return max(minimum, round(calls * round_s / max(cpu_s, 1e-9)))
        calls *= 4


def interleave(subjects: Sequence[Subject], rounds: int) -> dict[str, Timed]:
    """Items per second of each subject, timed in ``rounds`` alternating rounds."""
    if rounds < 1:
        raise ValueError("rounds must be >= 1")
    cpu: dict[str, list[float]] = {s.name: [] for s in subjects}
    wall: dict[str, list[float]] = {s.name: [] for s in subjects}
    for r in range(rounds):
        order = subjects if r % 2 == 0 else list(reversed(subjects))
        for subject in order:
            gc.collect()
            cpu_s, wall_s = time_calls(subject.run, subject.calls_per_round)
            items = subject.calls_per_round * subject.items_per_call
            cpu[subject.name].append(items / max(cpu_s, 1e-9))
            wall[subject.name].append(items / max(wall_s, 1e-9))
    return {s.name: Timed(Rates(cpu[s.name]), Rates(wall[s.name])) for s in subjects}


def paired_ratios(numerator: Rates, denominator: Rates) -> list[float]:
    """Round-by-round ratios of two subjects timed in the same rounds."""
    return [a / b for a, b in zip(numerator.per_round, denominator.per_round, strict=True)]


def median_ratio(numerator: Rates, denominator: Rates) -> float:
    return statistics.median(paired_ratios(numerator, denominator))
