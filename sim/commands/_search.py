"""Capacity search: a key path of the scenario, a range, and bisection on the SLO verdict.

The verdict must be monotone in the value over the range: for ``goal="min"`` (more helps,
e.g. connections or a rate limit) it fails below some value and passes from there on; for
``goal="max"`` (more hurts, e.g. an arrival rate) it passes up to some value and fails beyond.
The search then needs about log2(range / resolution) + 2 runs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from sim.report import Goal
from sim.scenario import Scenario, resolve_scenario

_VARY = re.compile(r"^(?P<key>[A-Za-z0-9_.-]+)=(?P<low>[^.]+(?:\.\d+)?)\.\.(?P<high>.+)$")
_DEFAULT_FLOAT_STEPS = 100


@dataclass(frozen=True)
class VaryRange:
    """``KEY=LO..HI``: integers when both ends are written as integers."""

    key: str
    low: float
    high: float
    integer: bool

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))

    def default_resolution(self) -> float:
        return 1.0 if self.integer else (self.high - self.low) / _DEFAULT_FLOAT_STEPS


def parse_vary(text: str) -> VaryRange:
    """Parse ``channels.inline.APNS.pool.connections=1..64``; ValueError naming the problem."""
    found = _VARY.match(text.strip())
    if found is None:
        raise ValueError(
            f"--vary {text!r} is not KEY=LO..HI (e.g. workload.arrival.rate_per_s=50..500)"
        )
    low_text, high_text = found["low"], found["high"]
    integer = _is_int(low_text) and _is_int(high_text)
    try:
        low, high = float(low_text), float(high_text)
    except ValueError:
        raise ValueError(f"--vary {text!r}: LO and HI must be numbers") from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError(f"--vary {text!r}: need finite LO < HI")
    return VaryRange(found["key"], low, high, integer)


def _is_int(text: str) -> bool:
    return re.fullmatch(r"[+-]?\d+", text.strip()) is not None


def override(scenario: Scenario, path: tuple[str, ...], value: float | int) -> Scenario:
    """``scenario`` with the value at ``path`` replaced, decoded and checked again.

    Missing or unset tables on the way are created (e.g. a channel without a ``pool``), so a
    misspelt key is reported by the schema with its path rather than ignored.
    """
    data: dict[str, Any] = msgspec.to_builtins(scenario)
    node = data
    for part in path[:-1]:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        if not isinstance(child, dict):
            raise ValueError(f"{'.'.join(path)}: {part!r} is not a table")
        node = child
    node[path[-1]] = value
    try:
        changed = msgspec.convert(data, Scenario)
    except msgspec.ValidationError as exc:
        raise ValueError(f"cannot set {'.'.join(path)} = {value}: {exc}") from None
    return resolve_scenario(changed)


def bisect(
    passes: Callable[[float], bool],
    low: float,
    high: float,
    *,
    goal: Goal,
    integer: bool,
    resolution: float,
) -> float | None:
    """The smallest (``min``) or largest (``max``) value in [low, high] for which ``passes``.

    None when not even the most favourable end passes. ``passes`` is called at most once per
    value; integers stay integers. Precision: ``resolution`` (at least 1 for integers).
    """
    step = max(resolution, 1.0) if integer else resolution
    if step <= 0:
        raise ValueError(f"resolution must be > 0, got {resolution}")
    good, bad = (high, low) if goal == "min" else (low, high)
    if not passes(good):
        return None
    if passes(bad):
        return bad
    while abs(good - bad) > step:
        middle = (good + bad) / 2.0
        if integer:
            middle = float(math.floor(middle)) if goal == "min" else float(math.ceil(middle))
            if middle in (good, bad):
                break
        if passes(middle):
            good = middle
        else:
            bad = middle
    return good
