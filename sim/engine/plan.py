"""Capacity search: the smallest (or largest) value of one scenario key that meets every SLO.

``plan(scenario, "channels.inline.APNS.pool.connections", 1, 64)`` bisects over engine runs.
The SLO verdict must be monotone in the key over the range: with ``goal="min"`` (more helps:
connections, rate limits) it fails below some value and passes from there on; with
``goal="max"`` (more hurts: an arrival rate) it passes up to some value and fails beyond. Each
trial keeps its figures, so a caller can show how the SLO figures move with the key.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import msgspec

from sim.scenario import Scenario, resolve_scenario

from .loop import StopFlag, run
from .result import REQUEST_TAG, EngineResult, SloVerdict

Goal = Literal["min", "max"]
_FLOAT_STEPS = 100


@dataclass(frozen=True, slots=True)
class PlanTrial:
    """One engine run of the search."""

    value: float
    slo_met: bool
    verdicts: tuple[SloVerdict, ...]
    request_p99_s: float
    achieved_deliveries_per_s: float
    completion_s: float
    wall_s: float


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    """The answer (None when no value in the range meets the SLOs) and every trial, in order."""

    key: str
    goal: Goal
    answer: float | None
    trials: tuple[PlanTrial, ...]


def with_value(scenario: Scenario, key: str, value: float) -> Scenario:
    """``scenario`` with ``key`` (dotted path) set to ``value``, decoded and checked again.

    Tables missing on the way are created, so a misspelt key fails in the schema by path.
    """
    data: dict[str, Any] = msgspec.to_builtins(scenario)
    node = data
    path = key.split(".")
    for part in path[:-1]:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        if not isinstance(child, dict):
            raise ValueError(f"{key}: {part!r} is not a table")
        node = child
    node[path[-1]] = value
    try:
        changed = msgspec.convert(data, Scenario)
    except msgspec.ValidationError as exc:
        raise ValueError(f"{key} = {value}: {exc}") from None
    return resolve_scenario(changed)


def plan(scenario: Scenario, key: str, lo: float, hi: float, *, goal: Goal = "min",
         integer: bool | None = None, resolution: float | None = None,
         seed: int | None = None, stop: StopFlag | None = None,
         on_trial: Callable[[PlanTrial], None] | None = None,
         on_result: Callable[[float, EngineResult], None] | None = None) -> PlanOutcome:
    """Bisect ``key`` over ``[lo, hi]`` for the boundary value meeting every SLO.

    Integers when ``lo`` and ``hi`` are (unless ``integer`` says otherwise); the search stops
    when the answer is known within ``resolution`` (1 for integers, 1% of the range else).
    ``on_result`` sees each trial's whole EngineResult (e.g. to report more figures). A trial
    that ``stop`` interrupts raises InterruptedError.
    """
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite lo < hi, got {lo}, {hi}")
    whole = float(lo).is_integer() and float(hi).is_integer() if integer is None else integer
    step = resolution if resolution is not None else 1.0 if whole else (hi - lo) / _FLOAT_STEPS
    trials: list[PlanTrial] = []

    def passes(value: float) -> bool:
        result = run(with_value(scenario, key, int(value) if whole else value), seed=seed,
                     stop=stop)
        if result.partial:
            raise InterruptedError("plan stopped: a trial was interrupted")
        if on_result is not None:
            on_result(value, result)
        has_requests = REQUEST_TAG in result.histograms
        trial = PlanTrial(value, result.slo_met, result.slo_verdicts,
                          result.histograms[REQUEST_TAG].percentile_us(99) / 1e6
                          if has_requests else 0.0,
                          result.achieved_deliveries_per_s, result.completion_s, result.wall_s)
        trials.append(trial)
        if on_trial is not None:
            on_trial(trial)
        return trial.slo_met

    answer = bisect_boundary(passes, float(lo), float(hi), goal, whole, step)
    return PlanOutcome(key, goal, answer, tuple(trials))


def bisect_boundary(passes: Callable[[float], bool], lo: float, hi: float, goal: Goal,
                    whole: bool, step: float) -> float | None:
    """Boundary of a monotone verdict; ``good`` is the end that should pass."""
    good, bad = (hi, lo) if goal == "min" else (lo, hi)
    if not passes(good):
        return None
    if passes(bad):
        return bad
    while abs(good - bad) > step:
        middle = (good + bad) / 2
        if whole:
            middle = math.floor(middle) if goal == "min" else math.ceil(middle)
            if middle in (good, bad):
                break
        if passes(middle):
            good = middle
        else:
            bad = middle
    return good
