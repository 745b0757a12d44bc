"""Per-operation request quotas (reference §6): the tables, the bucket, and 429 on the wire."""

from __future__ import annotations

import json

import pytest
import trio

from sim.emulator import QUOTA_PROFILES, Emulator, OperationQuotas, TokenBucket

from .wire import TrioHttpClient, run_on_mock_clock


@pytest.mark.parametrize("profile, operation, rate", [
    ("aws-2023", "UpdateEndpoint", 5000.0),
    ("aws-2023", "GetEndpoint", 7000.0),
    ("aws-2026", "UpdateEndpoint", 10.0),
    ("aws-2026", "UpdateEndpointsBatch", 2.0),
    ("aws-2026", "DeleteEndpoint", 5.0),
    ("aws-2026", "SendMessages", 4000.0),
    ("aws-2026", "SendUsersMessages", 6000.0),
])
def test_profiles_hold_the_published_rates(profile: str, operation: str, rate: float) -> None:
    assert QUOTA_PROFILES[profile][operation] == rate  # type: ignore[index]


def test_everything_else_is_300_per_second_and_unlimited_never_refuses() -> None:
    quotas = OperationQuotas("aws-2026")
    admitted = sum(quotas.admit("GetApps", 0.0) for _ in range(400))
    assert admitted == 300
    unlimited = OperationQuotas("unlimited")
    assert all(unlimited.admit("SendMessages", 0.0) for _ in range(10_000))


def test_bucket_starts_full_refills_at_its_rate_and_caps_at_capacity() -> None:
    bucket = TokenBucket(rate_per_s=2.0, capacity=2.0, now_s=0.0)
    assert [bucket.try_take(0.0) for _ in range(3)] == [True, True, False]
    assert not bucket.try_take(0.49)
    assert bucket.try_take(0.5)
    assert [bucket.try_take(100.0) for _ in range(3)] == [True, True, False]


def test_buckets_are_per_operation_and_burst_is_one_second_of_rate() -> None:
    quotas = OperationQuotas("aws-2026", burst_s=1.0)
    assert [quotas.admit("UpdateEndpoint", 0.0) for _ in range(11)].count(True) == 10
    assert quotas.admit("GetEndpoint", 0.0)  # its own bucket, still full
    longer = OperationQuotas("aws-2026", burst_s=2.0)
    assert [longer.admit("UpdateEndpoint", 0.0) for _ in range(21)].count(True) == 20


BATCH = json.dumps({"Item": [{"Id": "e", "ChannelType": "SMS",
                              "Address": "+15555550500"}]}).encode()


async def batch_statuses(client: TrioHttpClient, n: int) -> list[int]:
    """The statuses of ``n`` UpdateEndpointsBatch calls in a row (aws-2026: 2 a second)."""
    return [(await client.request("PUT", "/v1/apps/app/endpoints", BATCH)).status
            for _ in range(n)]


def test_over_quota_answers_429_without_retry_after_and_refills_with_time() -> None:
    async def scenario(emulator: Emulator) -> None:
        async with await TrioHttpClient.connect(emulator.port) as client:
            assert await batch_statuses(client, 3) == [202, 202, 429]
            await trio.sleep(0.5)
            assert await batch_statuses(client, 2) == [202, 429]
            await trio.sleep(10)
            assert await batch_statuses(client, 3) == [202, 202, 429]
            throttled = await client.request("PUT", "/v1/apps/app/endpoints", BATCH)
            assert throttled.headers["x-amzn-errortype"] == "TooManyRequestsException"
            assert "retry-after" not in throttled.headers
            unrouted = await client.request("GET", "/v1/apps/app/endpoints")
            assert unrouted.status == 405  # refused by routing, before any quota

    report = run_on_mock_clock(scenario, quota_profile="aws-2026", app_ids=("app",))
    assert report.requests["UpdateEndpointsBatch"] == {"202": 5, "429": 4}


def test_reset_refills_the_quota_buckets_as_a_restart_would() -> None:
    async def scenario(emulator: Emulator) -> None:
        async with await TrioHttpClient.connect(emulator.port) as client:
            assert await batch_statuses(client, 3) == [202, 202, 429]
            assert (await client.request("POST", "/_pinsim/reset")).status == 200
            assert await batch_statuses(client, 3) == [202, 202, 429]

    run_on_mock_clock(scenario, quota_profile="aws-2026", app_ids=("app",))
