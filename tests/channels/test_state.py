"""ChannelModel.state: what GET /_pinsim/stats reports of a channel's pool and buckets."""

from __future__ import annotations

import pytest

from sim.channels import (
    ChannelModel,
    ChannelProfile,
    ConstantLatency,
    DeliveryBatch,
    Pool,
    RateLimit,
)


def test_pool_state_counts_busy_servers_and_the_wait_for_one() -> None:
    model = ChannelModel(ChannelProfile(latency=ConstantLatency(value_s=1.0),
                                        pool=Pool(connections=2, streams_per_connection=2)), 1)
    model.admit(0.0, DeliveryBatch.at(0.0, 6))  # 4 start now, 2 queue until 1.0 (end 2.0)
    state = model.state(0.5)
    assert (state.servers, state.busy_servers) == (4, 4)
    assert state.server_wait_s == pytest.approx(0.5)
    later = model.state(1.5)
    assert later.busy_servers == 2 and later.server_wait_s == 0.0
    assert model.state(3.0).busy_servers == 0


def test_bucket_state_reports_tokens_and_the_queue_backlog() -> None:
    limit = RateLimit(rate_per_s=10.0, burst=5.0, mode="queue")
    model = ChannelModel(ChannelProfile(latency=ConstantLatency(value_s=0.0), rate_limit=limit), 1)
    assert model.state(0.0).tokens == 5.0
    model.admit(0.0, DeliveryBatch.at(0.0, 3))
    assert model.state(0.0).tokens == pytest.approx(2.0)
    assert model.state(0.0).bucket_wait_s == 0.0
    model.admit(0.0, DeliveryBatch.at(0.0, 7))  # 10 deliveries on 5 tokens: 0.5 s of backlog
    state = model.state(0.0)
    assert state.tokens == 0.0 and state.bucket_keys == 1
    assert state.bucket_wait_s == pytest.approx(0.6)  # the 11th would start at 0.6 s
    assert model.state(10.0).tokens == 5.0
