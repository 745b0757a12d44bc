"""A ChannelFleet admits any mix of channels in one call exactly as one model per channel would.

This is what lets a send request (SMS, GCM and APNs recipients interleaved) go through one
kernel call: the slots share no state, and random values drawn ahead in blocks (refilled when
a stream runs dry, grown for big batches) come out in the same order as drawn on demand.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.channels import (
    UNDECIDED,
    ChannelFleet,
    ChannelModel,
    ChannelProfile,
    ConstantLatency,
    DeliveryBatch,
    FailureRule,
    LognormalLatency,
    MixtureComponent,
    MixtureLatency,
    Pool,
    RateLimit,
    seeded_streams,
)

PROFILES = (
    ChannelProfile(latency=LognormalLatency(median_s=0.2, sigma=0.5),
                   rate_limit=RateLimit(rate_per_s=50.0, burst=3.0, mode="queue", unit="part",
                                        keys=3),
                   failures=(FailureRule(status="PERMANENT_FAILURE", probability=0.1,
                                         status_code=400, status_message="bad"),)),
    ChannelProfile(latency=MixtureLatency(components=(
        MixtureComponent(weight=9, latency=ConstantLatency(value_s=0.05)),
        MixtureComponent(weight=1, latency=LognormalLatency(median_s=1.0, sigma=0.3)))),
        pool=Pool(connections=3, streams_per_connection=2),
        rate_limit=RateLimit(rate_per_s=200.0, burst=20.0, mode="reject"),
        failures=(FailureRule(status="TEMPORARY_FAILURE", probability=0.2, status_code=503),)),
    ChannelProfile(latency=ConstantLatency(value_s=0.0)),
)


def test_one_fleet_call_equals_one_model_per_channel() -> None:
    rng = np.random.default_rng(7)
    fleet = ChannelFleet(PROFILES, [seeded_streams(10 + s) for s in range(len(PROFILES))])
    models = [ChannelModel(p, 10 + s) for s, p in enumerate(PROFILES)]
    now = 0.0
    for n in (1, 7, 100, 3000, 20_000, 5):  # the big ones outgrow the blocks drawn ahead
        now += float(rng.exponential(0.5))
        slot = rng.integers(0, len(PROFILES), n).astype(np.uint8)
        parts = rng.integers(1, 4, n)
        key = rng.integers(0, 3, n)
        status = np.full(n, UNDECIDED, dtype=np.uint8)
        status[rng.random(n) < 0.05] = 6  # decided before admission: left alone, listed
        decided = status != UNDECIDED
        code, message = np.zeros(n, np.int16), np.zeros(n, np.int32)
        start_s, end_s = np.zeros(n), np.zeros(n)
        admitted = fleet.admit(slot, status, code, message, start_s, end_s, all_at_s=now,
                               parts=parts, key=key)
        assert (status[decided] == 6).all()
        assert admitted.unsuccessful.tolist() == np.flatnonzero(status != 0).tolist()
        assert admitted.successful == int(np.count_nonzero(status == 0))
        for s, model in enumerate(models):
            mine = np.flatnonzero((slot == s) & ~decided)
            alone = model.admit(now, DeliveryBatch.at(now, len(mine), parts[mine],
                                                      key[mine] if s == 0 else None))
            assert alone.status.tolist() == status[mine].tolist()
            assert alone.status_code.tolist() == code[mine].tolist()
            assert [model.messages[m] for m in alone.message] == [
                fleet.messages[m] for m in message[mine]]
            np.testing.assert_array_equal(alone.start_s, start_s[mine])
            np.testing.assert_array_equal(alone.end_s, end_s[mine])


def test_an_undecided_delivery_on_a_missing_slot_is_refused() -> None:
    fleet = ChannelFleet(PROFILES[:1], [seeded_streams(1)])
    n = 2
    status = np.full(n, UNDECIDED, dtype=np.uint8)
    with pytest.raises(ValueError, match="slot"):
        fleet.admit(np.array([0, 5], dtype=np.uint8), status, np.zeros(n, np.int16),
                    np.zeros(n, np.int32), np.zeros(n), np.zeros(n))
    status[1] = 3  # decided: its slot is never looked at
    fleet.admit(np.array([0, 255], dtype=np.uint8), status, np.zeros(n, np.int16),
                np.zeros(n, np.int32), np.zeros(n), np.zeros(n))
    assert status[1] == 3
