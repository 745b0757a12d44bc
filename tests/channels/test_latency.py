"""Latency distributions against their closed forms (scipy as the independent reference)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats

from sim.channels import (
    ConstantLatency,
    EmpiricalLatency,
    ExponentialLatency,
    GammaLatency,
    LatencyDistribution,
    LatencySampler,
    LognormalLatency,
    MixtureComponent,
    MixtureLatency,
)

SAMPLES = 200_000
SEED = 20240611
QS = (0.01, 0.1, 0.5, 0.9, 0.99)

EMPIRICAL = EmpiricalLatency(
    quantiles=((0.0, 0.05), (0.5, 0.1), (0.9, 0.3), (0.95, 0.3), (0.99, 1.0), (1.0, 2.0))
)
FAST_SLOW = MixtureLatency(
    components=(
        MixtureComponent(weight=98, latency=LognormalLatency(median_s=0.1, sigma=0.6)),
        MixtureComponent(weight=2, latency=LognormalLatency(median_s=2.0, sigma=0.3)),
    )
)
WITH_ATOM = MixtureLatency(
    components=(
        MixtureComponent(weight=1, latency=ConstantLatency(value_s=0.2)),
        MixtureComponent(weight=3, latency=EMPIRICAL),
        MixtureComponent(weight=1, latency=GammaLatency(shape=0.5, mean_value_s=1.0)),
    )
)

# Each distribution with its scipy twin (None where scipy has none).
CASES: dict[str, tuple[LatencyDistribution, stats.rv_continuous | None]] = {
    "constant": (ConstantLatency(value_s=0.25), None),
    "exponential": (ExponentialLatency(mean_value_s=0.5), stats.expon(scale=0.5)),
    "lognormal-sigma": (
        LognormalLatency(median_s=0.1, sigma=0.6),
        stats.lognorm(s=0.6, scale=0.1),
    ),
    "lognormal-p99": (
        LognormalLatency(median_s=0.2, p99_s=0.8),
        stats.lognorm(s=math.log(4.0) / stats.norm.ppf(0.99), scale=0.2),
    ),
    "gamma": (GammaLatency(shape=2.5, mean_value_s=0.3), stats.gamma(a=2.5, scale=0.12)),
    "gamma-small-shape": (
        GammaLatency(shape=0.5, mean_value_s=1.0),
        stats.gamma(a=0.5, scale=2.0),
    ),
    "empirical": (EMPIRICAL, None),
    "mixture-tail": (FAST_SLOW, None),
    "mixture-atom": (WITH_ATOM, None),
}


def case(name: str) -> LatencyDistribution:
    return CASES[name][0]


@pytest.mark.parametrize("name", [n for n, (_, ref) in CASES.items() if ref is not None])
def test_mean_cdf_quantile_equal_scipy(name: str) -> None:
    dist, ref = CASES[name]
    assert ref is not None
    assert dist.mean_s() == pytest.approx(ref.mean(), rel=1e-12)
    for q in (1e-6, *QS, 1 - 1e-6):
        x = dist.quantile(q)
        assert x == pytest.approx(ref.ppf(q), rel=1e-9), q
        assert dist.cdf(x) == pytest.approx(q, rel=1e-9, abs=1e-12)
        assert dist.cdf(x) == pytest.approx(ref.cdf(x), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("shape", [0.3, 1.0, 2.5, 50.0, 400.0])
def test_gamma_quantile_is_accurate_across_shapes(shape: float) -> None:
    dist = GammaLatency(shape=shape, mean_value_s=2.0)
    ref = stats.gamma(a=shape, scale=2.0 / shape)
    for q in (1e-4, 0.01, 0.5, 0.99, 0.9999):
        assert dist.quantile(q) == pytest.approx(ref.ppf(q), rel=1e-9)


def test_empirical_closed_forms() -> None:
    # The quantile function is piecewise linear: the mean is the trapezoid sum over its knots.
    q = np.array([p[0] for p in EMPIRICAL.quantiles])
    x = np.array([p[1] for p in EMPIRICAL.quantiles])
    assert EMPIRICAL.mean_s() == pytest.approx(float(np.sum(np.diff(q) * (x[1:] + x[:-1]) / 2)))
    assert EMPIRICAL.quantile(0.25) == pytest.approx(0.075)
    assert EMPIRICAL.quantile(0.7) == pytest.approx(0.2)
    assert EMPIRICAL.cdf(0.2) == pytest.approx(0.7)
    assert EMPIRICAL.cdf(0.3) == pytest.approx(0.95)  # flat stretch from q 0.9 to 0.95: an atom
    assert EMPIRICAL.cdf(0.3 - 1e-12) == pytest.approx(0.9, abs=1e-9)
    assert (EMPIRICAL.cdf(0.0), EMPIRICAL.cdf(2.0), EMPIRICAL.cdf(5.0)) == (0.0, 1.0, 1.0)


def test_mixture_closed_forms() -> None:
    fast = stats.lognorm(s=0.6, scale=0.1)
    slow = stats.lognorm(s=0.3, scale=2.0)
    assert FAST_SLOW.mean_s() == pytest.approx(0.98 * fast.mean() + 0.02 * slow.mean(), rel=1e-12)
    for q in QS:
        x = FAST_SLOW.quantile(q)
        assert 0.98 * fast.cdf(x) + 0.02 * slow.cdf(x) == pytest.approx(q, abs=1e-9)
    # The atom at 0.2 s holds 1/5 of the mass: every q inside it maps to exactly 0.2.
    below = WITH_ATOM.cdf(0.2 - 1e-9)
    assert WITH_ATOM.cdf(0.2) - below == pytest.approx(0.2, abs=1e-6)
    assert WITH_ATOM.quantile(below + 0.1) == pytest.approx(0.2, abs=1e-9)


@pytest.mark.parametrize(
    ("name", "q0", "q1"),
    [
        ("constant", 0.25, 0.25),
        ("exponential", 0.0, math.inf),
        ("lognormal-sigma", 0.0, math.inf),
        ("gamma", 0.0, math.inf),
        ("empirical", 0.05, 2.0),
        ("mixture-tail", 0.0, math.inf),
        ("mixture-atom", 0.0, math.inf),
    ],
)
def test_quantile_ends(name: str, q0: float, q1: float) -> None:
    assert (case(name).quantile(0.0), case(name).quantile(1.0)) == (q0, q1)


@pytest.mark.parametrize("q", [-0.1, 1.5, math.nan])
def test_quantile_outside_unit_interval_is_refused(q: float) -> None:
    with pytest.raises(ValueError, match=r"Expected `q` in \[0, 1\]"):
        case("lognormal-sigma").quantile(q)


def draw_by_method(dist: LatencyDistribution, method: str) -> np.ndarray:
    if method == "sample":
        return dist.sample(np.random.default_rng(SEED), SAMPLES)
    return LatencySampler(dist, np.random.SeedSequence(SEED)).draw(SAMPLES)


@pytest.mark.parametrize("method", ["sample", "sampler"])
@pytest.mark.parametrize("name", list(CASES))
def test_samples_match_mean_and_cdf(name: str, method: str) -> None:
    dist = case(name)
    values = draw_by_method(dist, method)
    assert values.dtype == np.float64 and values.shape == (SAMPLES,)
    assert values.min() >= 0.0
    mean_tolerance = 5 * values.std() / math.sqrt(SAMPLES)
    assert abs(values.mean() - dist.mean_s()) <= mean_tolerance
    for q in QS:
        x = dist.quantile(q)
        p = dist.cdf(x)  # q itself, or the top of an atom that covers q
        tolerance = 5 * math.sqrt(max(p * (1 - p), 1e-12) / SAMPLES)
        assert abs(np.mean(values <= x) - p) <= tolerance, (q, x)


def test_mixture_picks_components_by_weight() -> None:
    values = draw_by_method(FAST_SLOW, "sampler")
    # The slow branch is almost always above 0.7 s, the fast one almost never.
    expected = 0.98 * stats.lognorm(s=0.6, scale=0.1).sf(0.7) + 0.02 * stats.lognorm(
        s=0.3, scale=2.0
    ).sf(0.7)
    assert abs(np.mean(values > 0.7) - expected) <= 5 * math.sqrt(expected / SAMPLES)


SPLITS: tuple[Callable[[int], list[int]], ...] = (
    lambda n: [n],
    lambda n: [1] * 7 + [n - 7],
    lambda n: [n // 3, 0, n // 3, n - 2 * (n // 3)],
)


@pytest.mark.parametrize("split", range(len(SPLITS)))
@pytest.mark.parametrize("name", list(CASES))
def test_sampler_draws_do_not_depend_on_block_sizes(name: str, split: int) -> None:
    n = 1000
    whole = LatencySampler(case(name), np.random.SeedSequence(SEED)).draw(n)
    sampler = LatencySampler(case(name), np.random.SeedSequence(SEED))
    pieces = np.concatenate([sampler.draw(size) for size in SPLITS[split](n)])
    np.testing.assert_array_equal(pieces, whole)


def test_sampler_streams_follow_the_seed() -> None:
    one = LatencySampler(FAST_SLOW, np.random.SeedSequence(1)).draw(100)
    again = LatencySampler(FAST_SLOW, np.random.SeedSequence(1)).draw(100)
    other = LatencySampler(FAST_SLOW, np.random.SeedSequence(2)).draw(100)
    np.testing.assert_array_equal(one, again)
    assert not np.array_equal(one, other)
