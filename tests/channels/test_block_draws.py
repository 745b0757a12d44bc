"""Values drawn ahead in blocks are the values drawn on demand, in the same order."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.channels import LatencySampler, LognormalLatency, MixtureComponent, MixtureLatency
from sim.channels.latency import ConstantLatency
from sim.channels.streams import BLOCK, BlockDraws


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3 * BLOCK), max_size=12))
def test_any_split_into_takes_gives_the_on_demand_sequence(sizes: list[int]) -> None:
    blocked = BlockDraws(np.random.default_rng(5).random)
    taken = np.concatenate([blocked.take(n) for n in sizes] or [np.empty(0)])
    assert np.array_equal(taken, np.random.default_rng(5).random(sum(sizes)))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 2 * BLOCK), max_size=8))
def test_latency_sampler_draws_match_the_distribution_stream(sizes: list[int]) -> None:
    dist = LognormalLatency(median_s=0.1, sigma=0.6)
    sampler = LatencySampler(dist, np.random.SeedSequence(9))
    drawn = np.concatenate([sampler.draw(n) for n in sizes] or [np.empty(0)])
    expected = dist.sample(np.random.default_rng(np.random.SeedSequence(9)), sum(sizes))
    assert np.array_equal(drawn, expected)


def test_mixture_sampler_is_split_invariant() -> None:
    mixture = MixtureLatency(components=[
        MixtureComponent(weight=0.98, latency=ConstantLatency(value_s=0.01)),
        MixtureComponent(weight=0.02, latency=LognormalLatency(median_s=1.0, sigma=0.5))])
    whole = LatencySampler(mixture, np.random.SeedSequence(3)).draw(5000)
    pieces = LatencySampler(mixture, np.random.SeedSequence(3))
    split = np.concatenate([pieces.draw(n) for n in (1, 700, 1500, 2799)])
    assert np.array_equal(whole, split)
