"""Latency distributions of a channel's provider acknowledgement, as a tagged msgspec union.

Profiles name a distribution with ``kind = "lognormal"`` etc. Each distribution knows its exact
mean, CDF and quantiles (the theory checks need them) and samples blocks of values with numpy.
"""

from __future__ import annotations

import math
from typing import Annotated

import msgspec
import numpy as np
import numpy.typing as npt

from ._special import STANDARD_NORMAL, invert_cdf, normal_quantile, regularized_gamma_p
from ._validate import require, require_finite_positive, require_probability

Float64Array = npt.NDArray[np.float64]
PositiveFloat = Annotated[float, msgspec.Meta(gt=0)]
NonNegativeFloat = Annotated[float, msgspec.Meta(ge=0)]


class _Latency(
    msgspec.Struct, tag_field="kind", forbid_unknown_fields=True, kw_only=True, frozen=True
):
    """Shared Struct options; each member has mean_s(), cdf(), quantile() and sample()."""


class ConstantLatency(_Latency, tag="constant", frozen=True):
    """Every delivery takes exactly ``value_s`` (useful for D in M/D/c checks and for tests)."""

    value_s: NonNegativeFloat

    def __post_init__(self) -> None:
        require(math.isfinite(self.value_s) and self.value_s >= 0, "value_s", ">= 0", self.value_s)

    def mean_s(self) -> float:
        return self.value_s

    def cdf(self, latency_s: float) -> float:
        return 1.0 if latency_s >= self.value_s else 0.0

    def quantile(self, q: float) -> float:
        require_probability("q", q)
        return self.value_s

    def sample(self, rng: np.random.Generator, n: int) -> Float64Array:
        return np.full(n, self.value_s, dtype=np.float64)


class ExponentialLatency(_Latency, tag="exponential", frozen=True):
    """Memoryless service times, the M in M/M/c (wire field ``mean_s``)."""

    mean_value_s: PositiveFloat = msgspec.field(name="mean_s")

    def __post_init__(self) -> None:
        require_finite_positive("mean_s", self.mean_value_s)

    def mean_s(self) -> float:
        return self.mean_value_s

    def cdf(self, latency_s: float) -> float:
        return 0.0 if latency_s <= 0 else -math.expm1(-latency_s / self.mean_value_s)

    def quantile(self, q: float) -> float:
        require_probability("q", q)
        return math.inf if q >= 1.0 else -self.mean_value_s * math.log1p(-q)

    def sample(self, rng: np.random.Generator, n: int) -> Float64Array:
        return rng.exponential(self.mean_value_s, n)


class LognormalLatency(_Latency, tag="lognormal", frozen=True):
    """Right-skewed provider latency; give the spread as ``sigma`` or as a ``p99_s``."""

    median_s: PositiveFloat
    sigma: PositiveFloat | None = None
    p99_s: PositiveFloat | None = None

    def __post_init__(self) -> None:
        require_finite_positive("median_s", self.median_s)
        if (self.sigma is None) == (self.p99_s is None):
            raise ValueError("Expected exactly one of `sigma` or `p99_s`")
        if self.sigma is not None:
            require_finite_positive("sigma", self.sigma)
        if self.p99_s is not None:
            require(
                math.isfinite(self.p99_s) and self.p99_s > self.median_s,
                "p99_s",
                f"> median_s ({self.median_s})",
                self.p99_s,
            )

    @property
    def log_mu(self) -> float:
        """Mean of ln(latency_s)."""
        return math.log(self.median_s)

    @property
    def log_sigma(self) -> float:
        """Standard deviation of ln(latency_s); from p99_s it is ln(p99/median) / z_0.99."""
        if self.sigma is not None:
            return self.sigma
        assert self.p99_s is not None
        return math.log(self.p99_s / self.median_s) / normal_quantile(0.99)

    def mean_s(self) -> float:
        return math.exp(self.log_mu + 0.5 * self.log_sigma**2)

    def cdf(self, latency_s: float) -> float:
        if latency_s <= 0:
            return 0.0
        return STANDARD_NORMAL.cdf((math.log(latency_s) - self.log_mu) / self.log_sigma)

    def quantile(self, q: float) -> float:
        require_probability("q", q)
        return math.exp(self.log_mu + self.log_sigma * normal_quantile(q))

    def sample(self, rng: np.random.Generator, n: int) -> Float64Array:
        return rng.lognormal(self.log_mu, self.log_sigma, n)


class GammaLatency(_Latency, tag="gamma", frozen=True):
    """Service times between deterministic (large shape) and exponential (shape 1)."""

    shape: PositiveFloat
    mean_value_s: PositiveFloat = msgspec.field(name="mean_s")

    def __post_init__(self) -> None:
        require_finite_positive("shape", self.shape)
        require_finite_positive("mean_s", self.mean_value_s)

    @property
    def scale_s(self) -> float:
        return self.mean_value_s / self.shape

    def mean_s(self) -> float:
        return self.mean_value_s

    def cdf(self, latency_s: float) -> float:
        return regularized_gamma_p(self.shape, latency_s / self.scale_s)

    def quantile(self, q: float) -> float:
        require_probability("q", q)
        if q <= 0.0:
            return 0.0
        if q >= 1.0:
            return math.inf
        return invert_cdf(self.cdf, q, 0.0, self.mean_value_s)

    def sample(self, rng: np.random.Generator, n: int) -> Float64Array:
        return rng.gamma(self.shape, self.scale_s, n)


class EmpiricalLatency(_Latency, tag="empirical", frozen=True):
    """Latency measured from provider logs: ``[q, latency_s]`` pairs from q = 0 to q = 1.

    Sampled by inverse CDF with linear interpolation between the given quantiles.
    """

    quantiles: Annotated[tuple[tuple[float, float], ...], msgspec.Meta(min_length=2)]

    def __post_init__(self) -> None:
        points = self.quantiles
        require(len(points) >= 2, "quantiles", "to have >= 2 [q, latency_s] pairs", len(points))
        require(points[0][0] == 0.0, "quantiles[0][0]", "== 0 (q starts at 0)", points[0][0])
        require(points[-1][0] == 1.0, "quantiles[-1][0]", "== 1 (q ends at 1)", points[-1][0])
        for i, (q, latency_s) in enumerate(points):
            require(
                math.isfinite(latency_s) and latency_s >= 0, f"quantiles[{i}][1]", ">= 0", latency_s
            )
            if i > 0:
                prev_q, prev_s = points[i - 1]
                require(q > prev_q, f"quantiles[{i}][0]", f"> {prev_q} (q increasing)", q)
                require(
                    latency_s >= prev_s,
                    f"quantiles[{i}][1]",
                    f">= {prev_s} (latency non-decreasing)",
                    latency_s,
                )

    def _columns(self) -> tuple[Float64Array, Float64Array]:
        table = np.asarray(self.quantiles, dtype=np.float64)
        return np.ascontiguousarray(table[:, 0]), np.ascontiguousarray(table[:, 1])

    def mean_s(self) -> float:
        q, x = self._columns()
        return float(np.sum(np.diff(q) * 0.5 * (x[1:] + x[:-1])))

    def cdf(self, latency_s: float) -> float:
        q, x = self._columns()
        i = int(np.searchsorted(x, latency_s, side="right"))
        if i == 0:
            return 0.0
        if i == len(x):
            return 1.0
        # x[i - 1] <= latency_s < x[i], so the segment has positive width.
        frac = (latency_s - x[i - 1]) / (x[i] - x[i - 1])
        return float(q[i - 1] + frac * (q[i] - q[i - 1]))

    def quantile(self, q: float) -> float:
        require_probability("q", q)
        qs, xs = self._columns()
        return float(np.interp(q, qs, xs))

    def sample(self, rng: np.random.Generator, n: int) -> Float64Array:
        qs, xs = self._columns()
        return np.interp(rng.random(n), qs, xs)


BasicLatency = (
    ConstantLatency | ExponentialLatency | LognormalLatency | GammaLatency | EmpiricalLatency
)


class MixtureComponent(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """One branch of a mixture, chosen with probability weight / sum(weights)."""

    weight: PositiveFloat
    latency: BasicLatency

    def __post_init__(self) -> None:
        require_finite_positive("weight", self.weight)


class MixtureLatency(_Latency, tag="mixture", frozen=True):
    """A fast bulk plus a slow tail, e.g. 98% lognormal(100 ms) + 2% lognormal(2 s).

    Components are not themselves mixtures: a mixture of mixtures is a flat mixture.
    """

    components: Annotated[tuple[MixtureComponent, ...], msgspec.Meta(min_length=1)]

    def __post_init__(self) -> None:
        require(len(self.components) >= 1, "components", "to have >= 1 entry", 0)

    def probabilities(self) -> Float64Array:
        weights = np.array([c.weight for c in self.components], dtype=np.float64)
        probabilities: Float64Array = weights / weights.sum()
        return probabilities

    def boundaries(self) -> Float64Array:
        """Cumulative probabilities between components: component = #boundaries <= u."""
        return np.ascontiguousarray(np.cumsum(self.probabilities())[:-1])

    def mean_s(self) -> float:
        probs = self.probabilities()
        return float(
            sum(p * c.latency.mean_s() for p, c in zip(probs, self.components, strict=True))
        )

    def cdf(self, latency_s: float) -> float:
        probs = self.probabilities()
        return float(
            sum(p * c.latency.cdf(latency_s) for p, c in zip(probs, self.components, strict=True))
        )

    def quantile(self, q: float) -> float:
        require_probability("q", q)
        ends = [c.latency.quantile(q) for c in self.components] if q in (0.0, 1.0) else []
        if q == 0.0:
            return min(ends)
        if q == 1.0:
            return max(ends)
        hi = max(max(c.latency.mean_s() for c in self.components), 1e-9)
        return invert_cdf(self.cdf, q, 0.0, hi)

    def sample(self, rng: np.random.Generator, n: int) -> Float64Array:
        """One-shot draw from a single generator; ChannelModel uses a stream per component."""
        choice = np.searchsorted(self.boundaries(), rng.random(n), side="right")
        out = np.empty(n, dtype=np.float64)
        for k, component in enumerate(self.components):
            chosen = choice == k
            out[chosen] = component.latency.sample(rng, int(np.count_nonzero(chosen)))
        return out


LatencyDistribution = (
    ConstantLatency
    | ExponentialLatency
    | LognormalLatency
    | GammaLatency
    | EmpiricalLatency
    | MixtureLatency
)
