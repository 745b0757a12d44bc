"""Pacing: realtime answers a send when its simulated deliveries complete, on one shared
Service whose channel pools move with the clock; instant answers at once; virtual jumps the
service clock. Timing runs on trio's MockClock (exact, no real waiting) except one real check."""

from __future__ import annotations

import json
import time

import pytest
import trio

from sim.channels import ChannelProfile, ConstantLatency, Pool
from sim.core.service import ServiceConfig
from sim.emulator import Emulator

from .conftest import StartServer, boto_client
from .wire import TrioHttpClient, run_on_mock_clock

LATENCY_S = 0.2


def sms_request(number: str) -> bytes:
    return json.dumps({"Addresses": {number: {"ChannelType": "SMS"}},
                       "MessageConfiguration": {"SMSMessage": {"Body": "hi"}}}).encode()


def sms_service(pool: Pool | None = None) -> ServiceConfig:
    profile = ChannelProfile(latency=ConstantLatency(value_s=LATENCY_S), pool=pool)
    return ServiceConfig(channels={"SMS": profile})


async def timed_send(port: int, number: str) -> tuple[int, float]:
    """(status, trio seconds until the answer) of one send on a fresh connection."""
    async with await TrioHttpClient.connect(port) as client:
        started = trio.current_time()
        response = await client.request("POST", "/v1/apps/app/messages", sms_request(number))
        return response.status, trio.current_time() - started


def test_realtime_send_is_answered_when_its_deliveries_complete() -> None:
    async def scenario(emulator: Emulator) -> None:
        status, took_s = await timed_send(emulator.port, "+15555550100")
        assert status == 200
        assert took_s == pytest.approx(LATENCY_S, abs=1e-9)

    run_on_mock_clock(scenario, pacing="realtime", app_ids=("app",), service=sms_service())


def test_concurrent_sends_share_the_channel_pool() -> None:
    """One provider connection: two sends at the same instant finish 0.2 s apart."""
    took: dict[str, float] = {}

    async def one(port: int, number: str) -> None:
        status, took[number] = await timed_send(port, number)
        assert status == 200

    async def scenario(emulator: Emulator) -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(one, emulator.port, "+15555550101")
            nursery.start_soon(one, emulator.port, "+15555550102")

    run_on_mock_clock(scenario, pacing="realtime", app_ids=("app",),
                      service=sms_service(Pool(connections=1)))
    assert sorted(took.values()) == pytest.approx([LATENCY_S, 2 * LATENCY_S], abs=1e-9)


def test_instant_pacing_answers_at_once() -> None:
    async def scenario(emulator: Emulator) -> None:
        status, took_s = await timed_send(emulator.port, "+15555550103")
        assert (status, took_s) == (200, 0.0)

    run_on_mock_clock(scenario, pacing="instant", app_ids=("app",), service=sms_service())


def test_virtual_pacing_moves_the_service_clock_to_each_completion() -> None:
    async def scenario(emulator: Emulator) -> None:
        status, took_s = await timed_send(emulator.port, "+15555550104")
        assert (status, took_s) == (200, 0.0)
        async with await TrioHttpClient.connect(emulator.port) as client:
            clock = await client.request("POST", "/_pinsim/advance?seconds=1.5")
            assert json.loads(clock.body) == {"now_s": pytest.approx(LATENCY_S + 1.5)}
            refused = await client.request("POST", "/_pinsim/advance?seconds=-1")
            assert refused.status == 400

    run_on_mock_clock(scenario, pacing="virtual", app_ids=("app",), service=sms_service())


def test_advance_is_refused_outside_virtual_pacing() -> None:
    async def scenario(emulator: Emulator) -> None:
        async with await TrioHttpClient.connect(emulator.port) as client:
            response = await client.request("POST", "/_pinsim/advance?seconds=1")
        assert response.status == 400
        assert "virtual" in json.loads(response.body)["Message"]

    run_on_mock_clock(scenario, pacing="realtime")


def test_realtime_send_through_boto3_waits_for_the_simulated_latency(
        start_server: StartServer) -> None:
    server = start_server(pacing="realtime", app_ids=("app",), service=sms_service())
    client = boto_client(server.url)

    def send(number: str) -> float:
        started = time.monotonic()
        answer = client.send_messages(ApplicationId="app", MessageRequest=json.loads(
            sms_request(number)))
        assert answer["MessageResponse"]["Result"][number]["DeliveryStatus"] == "SUCCESSFUL"
        return time.monotonic() - started

    send("+15555550105")  # warm-up: the first send compiles the channel kernels
    took_s = send("+15555550106")
    assert LATENCY_S <= took_s < LATENCY_S + 1.0
