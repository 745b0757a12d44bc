"""ChannelModel end to end: exact agreement with the per-delivery reference, chunk invariance,
determinism, outcome mix, and the input contract."""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.channels import (
    PERMANENT_FAILURE,
    SUCCESSFUL,
    TEMPORARY_FAILURE,
    THROTTLED,
    UNKNOWN_FAILURE,
    Admission,
    ChannelModel,
    ChannelProfile,
    ConstantLatency,
    DeliveryBatch,
    EmpiricalLatency,
    ExponentialLatency,
    FailureRule,
    GammaLatency,
    LognormalLatency,
    MixtureComponent,
    MixtureLatency,
    Pool,
    RateLimit,
    child_seed,
)

from .reference import ReferenceChannel

LATENCIES = (
    ConstantLatency(value_s=0.3),
    ExponentialLatency(mean_value_s=0.5),
    LognormalLatency(median_s=0.2, sigma=0.8),
    GammaLatency(shape=0.7, mean_value_s=0.4),
    EmpiricalLatency(quantiles=((0.0, 0.0), (0.5, 0.1), (0.5 + 1e-9, 0.1), (1.0, 1.5))),
    MixtureLatency(
        components=(
            MixtureComponent(weight=3, latency=ExponentialLatency(mean_value_s=0.1)),
            MixtureComponent(weight=1, latency=ConstantLatency(value_s=2.0)),
            MixtureComponent(weight=1, latency=LognormalLatency(median_s=1.0, p99_s=3.0)),
        )
    ),
)

failure_rules = st.builds(
    FailureRule,
    status=st.sampled_from(["THROTTLED", "TEMPORARY_FAILURE", "PERMANENT_FAILURE",
                            "UNKNOWN_FAILURE"]),
    probability=st.sampled_from([0.0, 0.05, 0.2, 0.3]),
    status_code=st.sampled_from([400, 410, 429, 500, 503]),
    status_message=st.sampled_from(["", "Gone", "Busy"]),
)  # fmt: skip
rate_limits = st.builds(
    RateLimit,
    rate_per_s=st.floats(0.5, 40.0),
    burst=st.floats(1.0, 6.0),
    mode=st.sampled_from(["reject", "queue"]),
    unit=st.sampled_from(["message", "part"]),
    keys=st.integers(1, 3),
)
profiles = st.builds(
    ChannelProfile,
    latency=st.sampled_from(LATENCIES),
    failures=st.lists(failure_rules, max_size=3).map(tuple),
    rate_limit=st.none() | rate_limits,
    pool=st.none() | st.builds(Pool, connections=st.integers(1, 4),
                               streams_per_connection=st.integers(1, 3)),
)  # fmt: skip


@st.composite
def batches(draw: st.DrawFn, profile: ChannelProfile) -> DeliveryBatch:
    n = draw(st.integers(0, 120))
    gaps = draw(st.lists(st.sampled_from([0.0, 0.0, 0.01, 0.05, 0.2, 1.0, 3.0]),
                         min_size=n, max_size=n))  # fmt: skip
    start = draw(st.sampled_from([0.0, 1e3, 1.7e6]))
    parts = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    keys = profile.rate_limit.keys if profile.rate_limit else 1
    key = draw(st.lists(st.integers(0, keys - 1), min_size=n, max_size=n))
    give_key = keys > 1 or draw(st.booleans())
    return DeliveryBatch(start + np.cumsum(gaps), parts, key if give_key else None)


def split_points(data: st.DataObject, n: int) -> list[int]:
    cuts = data.draw(st.lists(st.integers(0, n), max_size=6))
    return [0, *sorted(cuts), n]


def admit_in_pieces(model: ChannelModel, batch: DeliveryBatch, cuts: list[int]) -> Admission:
    """Admit consecutive sub-batches, each at the time of its last arrival (as the emulator)."""
    now = float(batch.arrival_s[0]) if len(batch) else 0.0
    pieces = []
    for lo, hi in itertools.pairwise(cuts):
        part = DeliveryBatch(
            batch.arrival_s[lo:hi],
            None if batch.parts is None else batch.parts[lo:hi],
            None if batch.key is None else batch.key[lo:hi],
        )
        now = float(part.arrival_s[-1]) if hi > lo else now
        pieces.append(model.admit(now, part))
    return Admission(*(np.concatenate([getattr(p, f) for p in pieces]) for f in FIELDS))


FIELDS = ("start_s", "end_s", "status", "status_code", "message")


def assert_same(one: Admission, other: Admission) -> None:
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(one, field), getattr(other, field), err_msg=field)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), profile=profiles, seed=st.integers(0, 2**32))
def test_fast_kernels_equal_the_per_delivery_reference(
    data: st.DataObject, profile: ChannelProfile, seed: int
) -> None:
    batch = data.draw(batches(profile))
    model = ChannelModel(profile, seed)
    got = admit_in_pieces(model, batch, split_points(data, len(batch)))
    reference = ReferenceChannel(profile, seed)
    rows = reference.admit(
        batch.arrival_s.tolist(),
        None if batch.parts is None else batch.parts.tolist(),
        None if batch.key is None else batch.key.tolist(),
    )
    assert got.start_s.tolist() == [r.start_s for r in rows]
    assert got.end_s.tolist() == [r.end_s for r in rows]
    assert got.status.tolist() == [r.status for r in rows]
    assert got.status_code.tolist() == [r.status_code for r in rows]
    assert [model.messages[m] for m in got.message] == [r.message for r in rows]


@settings(max_examples=150, deadline=None)
@given(data=st.data(), profile=profiles, seed=st.integers(0, 2**32))
def test_admission_does_not_depend_on_how_deliveries_are_batched(
    data: st.DataObject, profile: ChannelProfile, seed: int
) -> None:
    batch = data.draw(batches(profile))
    whole = admit_in_pieces(ChannelModel(profile, seed), batch, [0, len(batch)])
    pieces = admit_in_pieces(ChannelModel(profile, seed), batch, split_points(data, len(batch)))
    assert_same(whole, pieces)


def test_pool_kernel_equals_heapq_on_a_large_busy_pool() -> None:
    """Many servers, ties in arrival time and ready time: the heap layouts differ, results not."""
    profile = ChannelProfile(
        latency=LognormalLatency(median_s=1.0, sigma=1.0),
        rate_limit=RateLimit(rate_per_s=120.0, burst=40, mode="queue"),
        pool=Pool(connections=13, streams_per_connection=9),
    )
    arrival_s = np.repeat(np.arange(2000) * 0.05, 5)
    got = ChannelModel(profile, 5).admit(float(arrival_s[-1]), DeliveryBatch(arrival_s))
    rows = ReferenceChannel(profile, 5).admit(arrival_s.tolist(), None, None)
    assert got.start_s.tolist() == [r.start_s for r in rows]
    assert got.end_s.tolist() == [r.end_s for r in rows]
    assert np.mean(got.start_s > arrival_s) > 0.5  # the pool and bucket were really busy


PROFILE = ChannelProfile(
    latency=LognormalLatency(median_s=0.1, sigma=0.6),
    failures=(
        FailureRule(status="PERMANENT_FAILURE", probability=0.02, status_code=410,
                    status_message="Unregistered"),
        FailureRule(status="TEMPORARY_FAILURE", probability=0.001, status_code=503),
        FailureRule(status="UNKNOWN_FAILURE", probability=0.005, status_code=500),
        FailureRule(status="PERMANENT_FAILURE", probability=0.01, status_code=400,
                    status_message="Unregistered"),
    ),
    pool=Pool(connections=2, streams_per_connection=50),
)  # fmt: skip


def admit_poisson(model: ChannelModel, n: int, rate_per_s: float = 500.0) -> Admission:
    arrival_s = np.cumsum(np.random.default_rng(99).exponential(1 / rate_per_s, n))
    return model.admit(float(arrival_s[-1]), DeliveryBatch(arrival_s))


def test_same_seed_same_results_and_different_seed_different_results() -> None:
    seq = np.random.SeedSequence(123)
    first = admit_poisson(ChannelModel(PROFILE, seq), 5000)
    again = admit_poisson(ChannelModel(PROFILE, seq), 5000)  # same SeedSequence object reused
    from_int = admit_poisson(ChannelModel(PROFILE, 123), 5000)
    other = admit_poisson(ChannelModel(PROFILE, 124), 5000)
    assert_same(first, again)
    assert_same(first, from_int)
    assert not np.array_equal(first.end_s, other.end_s)


def test_explicit_generators_equal_the_seed_derivation() -> None:
    seq = np.random.SeedSequence(77)
    from_rngs = ChannelModel(
        PROFILE,
        latency_rng=np.random.default_rng(child_seed(seq, 0)),
        outcome_rng=np.random.default_rng(child_seed(seq, 1)),
    )
    assert_same(admit_poisson(from_rngs, 3000), admit_poisson(ChannelModel(PROFILE, seq), 3000))


def test_seed_and_generators_are_exclusive() -> None:
    with pytest.raises(ValueError, match="not both"):
        ChannelModel(PROFILE, 1, latency_rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match="both `latency_rng` and `outcome_rng`"):
        ChannelModel(PROFILE, latency_rng=np.random.default_rng(1))


def test_outcomes_follow_the_failure_mix_and_failures_take_their_latency() -> None:
    n = 200_000
    model = ChannelModel(PROFILE, 3)
    admission = admit_poisson(model, n)
    expected = {
        (PERMANENT_FAILURE, 410, "Unregistered"): 0.02,
        (TEMPORARY_FAILURE, 503, ""): 0.001,
        (UNKNOWN_FAILURE, 500, ""): 0.005,
        (PERMANENT_FAILURE, 400, "Unregistered"): 0.01,
        (SUCCESSFUL, 200, ""): 1 - 0.036,
    }
    rows = zip(admission.status.tolist(), admission.status_code.tolist(),
               admission.message.tolist(), strict=True)  # fmt: skip
    seen: dict[tuple[int, int, str], int] = {}
    for status, code, message in rows:
        key = (status, code, model.messages[message])
        seen[key] = seen.get(key, 0) + 1
    assert set(seen) == set(expected)
    for key, p in expected.items():
        assert abs(seen[key] / n - p) <= 5 * math.sqrt(p * (1 - p) / n), key
    assert model.messages == ("", "Unregistered")  # deduplicated, success first
    assert np.all(admission.latency_s > 0)  # failed deliveries hold their server too


def test_throttled_deliveries_draw_no_latency_and_no_outcome() -> None:
    limited = ChannelProfile(
        latency=PROFILE.latency,
        failures=PROFILE.failures,
        rate_limit=RateLimit(rate_per_s=200.0, burst=2),
    )
    unlimited = ChannelProfile(latency=PROFILE.latency, failures=PROFILE.failures)
    arrival_s = np.cumsum(np.random.default_rng(5).exponential(1 / 400.0, 20_000))
    got = ChannelModel(limited, 9).admit(float(arrival_s[-1]), DeliveryBatch(arrival_s))
    ok = got.status != THROTTLED
    assert 0.3 < ok.mean() < 0.7
    only_accepted = ChannelModel(unlimited, 9).admit(
        float(arrival_s[-1]), DeliveryBatch(arrival_s[ok])
    )
    np.testing.assert_array_equal(got.latency_s[ok], only_accepted.latency_s)
    np.testing.assert_array_equal(got.status[ok], only_accepted.status)


def test_empty_batch_returns_typed_empty_columns() -> None:
    model = ChannelModel(PROFILE, 0)
    admission = model.admit(5.0, DeliveryBatch([]))
    assert len(admission) == 0
    assert [getattr(admission, f).dtype for f in FIELDS] == [
        np.float64, np.float64, np.uint8, np.int16, np.int32,
    ]  # fmt: skip
    assert model.admit(5.0, DeliveryBatch([5.0])).start_s[0] == 5.0


KEYED = ChannelProfile(
    latency=ConstantLatency(value_s=0.1), rate_limit=RateLimit(rate_per_s=1.0, keys=2)
)


@pytest.mark.parametrize(
    ("now", "batch", "message"),
    [
        (math.nan, DeliveryBatch([1.0], key=[0]), "Expected `now` finite"),
        (1.0, DeliveryBatch([2.0], key=[0]), r"Expected every `arrival_s` <= now \(1.0\)"),
        (3.0, DeliveryBatch([2.0, 1.0], key=[0, 0]), "Expected `arrival_s` non-decreasing"),
        (3.0, DeliveryBatch([math.nan], key=[0]), "Expected `arrival_s\\[0\\]`"),
        (3.0, DeliveryBatch([1.0], parts=[0], key=[0]), "Expected every `parts` >= 1"),
        (3.0, DeliveryBatch([1.0]), "Expected a `key` column: the rate limit has 2 keys"),
        (3.0, DeliveryBatch([1.0], key=[2]), r"Expected every `key` in \[0, 2\)"),
        (3.0, DeliveryBatch([1.0], key=[-1]), r"Expected every `key` in \[0, 2\)"),
    ],
)  # fmt: skip
def test_bad_batches_are_refused(now: float, batch: DeliveryBatch, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ChannelModel(KEYED, 0).admit(now, batch)


def test_time_never_goes_back_between_calls() -> None:
    model = ChannelModel(KEYED, 0)
    model.admit(10.0, DeliveryBatch([4.0], key=[0]))
    with pytest.raises(
        ValueError, match=re.escape("Expected `now` finite and >= the previous now 10.0")
    ):
        model.admit(9.0, DeliveryBatch([], key=[]))
    with pytest.raises(ValueError, match=re.escape("previous batch's last arrival 4.0, got 3.0")):
        model.admit(10.0, DeliveryBatch([3.0], key=[0]))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arrival_s": [[1.0]]}, "Expected `arrival_s` to be 1-D"),
        ({"arrival_s": [1.0, 2.0], "parts": [1]}, r"Expected `parts` of shape \(2,\)"),
        ({"arrival_s": [1.0], "key": [0, 1]}, r"Expected `key` of shape \(1,\)"),
    ],
)
def test_batch_columns_must_line_up(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DeliveryBatch(**kwargs)
