"""Distributions of small whole numbers: endpoints per user, recipients per request.

A tagged union (``kind = "constant" | "uniform" | "poisson" | "weighted"``) that samples blocks
with numpy. Each knows its smallest and largest possible value, so the semantic checks can
compare them with Pinpoint's limits (15 endpoints per user, 100 recipients per request) before
anything runs.
"""

from __future__ import annotations

import math
from typing import Annotated

import msgspec
import numpy as np
import numpy.typing as npt

NonNegativeInt = Annotated[int, msgspec.Meta(ge=0)]
I64 = npt.NDArray[np.int64]


class _Count(
    msgspec.Struct, tag_field="kind", forbid_unknown_fields=True, kw_only=True, frozen=True
):
    def min_value(self) -> int:
        raise NotImplementedError

    def max_value(self) -> int:
        raise NotImplementedError

    def mean(self) -> float:
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, n: int) -> I64:
        raise NotImplementedError


class ConstantCount(_Count, tag="constant", frozen=True, kw_only=True):
    """Always ``value``."""

    value: NonNegativeInt

    def min_value(self) -> int:
        return self.value

    def max_value(self) -> int:
        return self.value

    def mean(self) -> float:
        return float(self.value)

    def sample(self, rng: np.random.Generator, n: int) -> I64:
        return np.full(n, self.value, dtype=np.int64)


class UniformCount(_Count, tag="uniform", frozen=True, kw_only=True):
    """Each whole number in ``[min, max]`` equally likely."""

    min: NonNegativeInt
    max: NonNegativeInt

    def __post_init__(self) -> None:
        if self.max < self.min:
            raise ValueError(f"Expected `max` >= min ({self.min}), got {self.max}")

    def min_value(self) -> int:
        return self.min

    def max_value(self) -> int:
        return self.max

    def mean(self) -> float:
        return 0.5 * (self.min + self.max)

    def sample(self, rng: np.random.Generator, n: int) -> I64:
        return rng.integers(self.min, self.max + 1, size=n, dtype=np.int64)


class PoissonCount(_Count, tag="poisson", frozen=True, kw_only=True):
    """``min + Poisson(mean - min)``, clipped at ``max`` (so ``mean`` is exact only unclipped)."""

    mean_value: Annotated[float, msgspec.Meta(ge=0)] = msgspec.field(name="mean")
    min: NonNegativeInt = 0
    max: NonNegativeInt

    def __post_init__(self) -> None:
        if not (math.isfinite(self.mean_value) and self.min <= self.mean_value <= self.max):
            raise ValueError(
                f"Expected `mean` in [min, max] = [{self.min}, {self.max}], got {self.mean_value}"
            )

    def min_value(self) -> int:
        return self.min

    def max_value(self) -> int:
        return self.max

    def mean(self) -> float:
        return self.mean_value

    def sample(self, rng: np.random.Generator, n: int) -> I64:
        draws = rng.poisson(self.mean_value - self.min, n).astype(np.int64) + self.min
        return np.minimum(draws, self.max)


class WeightedCount(_Count, tag="weighted", frozen=True, kw_only=True):
    """``values[i]`` with probability ``weights[i] / sum(weights)`` (e.g. measured fan-out)."""

    values: Annotated[tuple[NonNegativeInt, ...], msgspec.Meta(min_length=1)]
    weights: Annotated[tuple[Annotated[float, msgspec.Meta(ge=0)], ...], msgspec.Meta(min_length=1)]

    def __post_init__(self) -> None:
        if len(self.values) != len(self.weights):
            raise ValueError(
                f"Expected `weights` to have one entry per value ({len(self.values)}), "
                f"got {len(self.weights)}"
            )
        if not (math.isfinite(math.fsum(self.weights)) and math.fsum(self.weights) > 0):
            raise ValueError("Expected `weights` to have a positive finite sum")

    def min_value(self) -> int:
        return min(v for v, w in zip(self.values, self.weights, strict=True) if w > 0)

    def max_value(self) -> int:
        return max(v for v, w in zip(self.values, self.weights, strict=True) if w > 0)

    def mean(self) -> float:
        total = math.fsum(self.weights)
        return math.fsum(v * w for v, w in zip(self.values, self.weights, strict=True)) / total

    def sample(self, rng: np.random.Generator, n: int) -> I64:
        weights = np.asarray(self.weights, dtype=np.float64)
        boundaries = np.cumsum(weights / weights.sum())[:-1]
        picks = np.searchsorted(boundaries, rng.random(n), side="right")
        return np.asarray(self.values, dtype=np.int64)[picks]


CountDistribution = ConstantCount | UniformCount | PoissonCount | WeightedCount
