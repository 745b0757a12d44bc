"""Capacity search: a key path of the scenario, a range, and bisection on the SLO verdict.

The verdict must be monotone in the value over the range: for ``goal="min"`` (more helps,
e.g. connections or a rate limit) it fails below some value and passes from there on; for
``goal="max"`` (more hurts, e.g. an arrival rate) it passes up to some value and fails beyond.
The search then needs about log2(range / resolution) + 2 runs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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
