"""Time limits, operations endpoints and shutdown, on trio's MockClock: a stalled client gets
408 at exactly the request timeout, idle keep-alive connections close, and shutdown answers
what is in flight, refuses the rest with 503 and writes the final stats atomically."""

from __future__ import annotations

import contextlib
import json
import socket
import struct
from pathlib import Path

import pytest
import trio

from sim.channels import ChannelProfile, ConstantLatency, Pool, RateLimit
from sim.core.service import ServiceConfig
from sim.emulator import Emulator
from sim.emulator._responses import IncomingRequest, OutgoingResponse

from .wire import (
    RawResponse,
    TrioHttpClient,
    parse_response,
    request_bytes,
    run_on_mock_clock,
)

SEND = json.dumps({"Addresses": {"+15555550600": {"ChannelType": "SMS"}},
                   "MessageConfiguration": {"SMSMessage": {"Body": "hi"}}}).encode()
SLOW_SMS = ServiceConfig(channels={"SMS": ChannelProfile(latency=ConstantLatency(value_s=1.0))})


async def read_until_closed(stream: trio.abc.Stream) -> bytes:
    chunks = []
    while chunk := await stream.receive_some(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_half_request_gets_408_at_the_timeout_while_others_are_served() -> None:
    async def scenario(emulator: Emulator) -> None:
        stalled = await trio.open_tcp_stream("127.0.0.1", emulator.port)
        await stalled.send_all(b"PUT /v1/apps/x/endpoints HTTP/1.1\r\nHost: h\r\n")
        started = trio.current_time()
        async with await TrioHttpClient.connect(emulator.port) as other:
            assert (await other.request("GET", "/v1/apps")).status == 200
        assert trio.current_time() == started
        response = parse_response(await read_until_closed(stalled))
        assert trio.current_time() - started == pytest.approx(7.5)
        assert response.status == 408
        assert response.headers["x-amzn-errortype"] == "RequestTimeoutException"
        await stalled.aclose()

    run_on_mock_clock(scenario, request_timeout_s=7.5)


def test_client_that_stops_reading_is_disconnected_at_the_send_timeout() -> None:
    """A client pipelines sends with large answers and reads none: once the socket buffers
    are full the answer being sent waits, and the connection is closed when that answer has
    waited ``send_timeout_s``, while another client is served throughout."""
    addresses = {f"+1555555{i:04d}": {"ChannelType": "SMS"} for i in range(100)}
    big = json.dumps({"Addresses": addresses,
                      "MessageConfiguration": {"SMSMessage": {"Body": "hi"}}}).encode()
    request = request_bytes("POST", "/v1/apps/app/messages", big)

    async def flood(stream: trio.SocketStream) -> None:
        with contextlib.suppress(trio.BrokenResourceError):
            for _ in range(400):  # 10 MB of answers: more than loopback buffers hold
                await stream.send_all(request)

    async def scenario(emulator: Emulator) -> None:
        reader_gone = await trio.open_tcp_stream("127.0.0.1", emulator.port)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(flood, reader_gone)
            await trio.sleep(10.0)
            assert emulator.stats.open_connections == 1
            async with await TrioHttpClient.connect(emulator.port) as other:
                assert (await other.request("GET", "/v1/apps")).status == 200
            await trio.sleep(25.0)
            assert emulator.stats.open_connections == 0
        answered = emulator.report().requests["SendMessages"]["200"]
        assert 0 < answered < 400
        await reader_gone.aclose()

    run_on_mock_clock(scenario, pacing="instant", app_ids=("app",), send_timeout_s=30.0)


def test_idle_keep_alive_connection_is_closed_after_the_idle_timeout() -> None:
    async def scenario(emulator: Emulator) -> None:
        async with await TrioHttpClient.connect(emulator.port) as client:
            assert (await client.request("GET", "/v1/apps")).status == 200
            started = trio.current_time()
            assert await client.stream.receive_some(100) == b""
            assert trio.current_time() - started == pytest.approx(20.0)

    run_on_mock_clock(scenario, idle_timeout_s=20.0)


def test_stats_count_requests_deliveries_and_latency() -> None:
    async def scenario(emulator: Emulator) -> None:
        async with await TrioHttpClient.connect(emulator.port) as client:
            assert (await client.request("POST", "/v1/apps/app/messages", SEND)).status == 200
            assert (await client.request("GET", "/v1/apps/nope")).status == 404
            assert (await client.request("GET", "/nowhere")).status == 404
            stats = json.loads((await client.request("GET", "/_pinsim/stats")).body)
        assert stats["requests"] == {"GetApp": {"404": 1}, "SendMessages": {"200": 1},
                                     "_unrouted": {"404": 1}}
        assert stats["deliveries"] == {"SMS": {"SUCCESSFUL": 1}}
        assert stats["in_flight"] == 0  # the stats request does not count itself
        assert stats["final"] is False
        send_latency = stats["latency_us"]["SendMessages"]
        assert send_latency["count"] == 1
        assert send_latency["percentiles_us"]["p50"] == pytest.approx(1_000_000, rel=1e-3)

    run_on_mock_clock(scenario, pacing="realtime", app_ids=("app",), service=SLOW_SMS)


def test_instant_pacing_answers_at_once_and_still_reports_simulated_latency() -> None:
    five = json.dumps({"Addresses": {f"+1555555070{i}": {"ChannelType": "SMS"} for i in range(5)},
                       "MessageConfiguration": {"SMSMessage": {"Body": "hi"}}}).encode()
    pooled = ServiceConfig(channels={"SMS": ChannelProfile(
        latency=ConstantLatency(value_s=1.0), pool=Pool(connections=1))})

    async def scenario(emulator: Emulator) -> None:
        async with await TrioHttpClient.connect(emulator.port) as client:
            assert (await client.request("POST", "/v1/apps/app/messages", five)).status == 200
            assert trio.current_time() == 0.0  # answered at once
            stats = json.loads((await client.request("GET", "/_pinsim/stats")).body)
        answer = stats["simulated_latency_us"]["SendMessages"]
        assert answer["count"] == 1  # five deliveries queued on one server: done at 5 s
        assert answer["percentiles_us"]["p100"] == pytest.approx(5_000_000, rel=1e-3)
        delivery = stats["delivery_latency_us"]["SMS"]
        assert delivery["count"] == 5
        assert delivery["percentiles_us"]["p50"] == pytest.approx(3_000_000, rel=1e-3)
        assert delivery["percentiles_us"]["p100"] == pytest.approx(5_000_000, rel=1e-3)
        assert stats["latency_us"]["SendMessages"]["percentiles_us"]["p100"] < 1_000

    run_on_mock_clock(scenario, pacing="instant", app_ids=("app",), service=pooled)


POOLED_SMS = ServiceConfig(channels={"SMS": ChannelProfile(
    latency=ConstantLatency(value_s=1.0), pool=Pool(connections=2),
    rate_limit=RateLimit(rate_per_s=1.0, burst=2.0, mode="queue"))})


def test_stats_show_each_channel_pool_and_bucket_while_sends_are_held() -> None:
    three = json.dumps({"Addresses": {f"+1555555060{i}": {"ChannelType": "SMS"}
                                      for i in range(3)},
                        "MessageConfiguration": {"SMSMessage": {"Body": "hi"}}}).encode()

    async def scenario(emulator: Emulator) -> None:
        async with trio.open_nursery() as nursery:
            async def send() -> None:
                async with await TrioHttpClient.connect(emulator.port) as client:
                    assert (await client.request("POST", "/v1/apps/app/messages",
                                                 three)).status == 200

            nursery.start_soon(send)
            await trio.sleep(0.5)  # the send is held: 2 start at once, the 3rd waits a token
            async with await TrioHttpClient.connect(emulator.port) as client:
                held = json.loads((await client.request("GET", "/_pinsim/stats")).body)
            await trio.sleep(10)
            async with await TrioHttpClient.connect(emulator.port) as client:
                idle = json.loads((await client.request("GET", "/_pinsim/stats")).body)
        sms = held["channels"]["SMS"]
        assert (sms["servers"], sms["busy_servers"]) == (2, 2)
        assert sms["server_wait_s"] == pytest.approx(0.5)
        assert sms["bucket_keys"] == 1 and sms["tokens"] == 0.0
        assert sms["bucket_wait_s"] == pytest.approx(1.5)  # the 4th token comes at 2.0 s
        assert idle["channels"]["SMS"]["busy_servers"] == 0
        assert idle["channels"]["SMS"]["tokens"] == 2.0

    run_on_mock_clock(scenario, pacing="realtime", app_ids=("app",), service=POOLED_SMS)


def test_stats_count_endpoint_recipients_under_their_channel() -> None:
    endpoint = json.dumps({"ChannelType": "GCM", "Address": "fcm-token-1"}).encode()
    send = json.dumps({"Endpoints": {"phone": {}, "ghost": {}},
                       "MessageConfiguration": {"DefaultMessage": {"Body": "hi"}}}).encode()

    async def scenario(emulator: Emulator) -> None:
        async with await TrioHttpClient.connect(emulator.port) as client:
            put = await client.request("PUT", "/v1/apps/app/endpoints/phone", endpoint)
            assert put.status == 202
            assert (await client.request("POST", "/v1/apps/app/messages", send)).status == 200
            stats = json.loads((await client.request("GET", "/_pinsim/stats")).body)
        assert stats["deliveries"] == {"GCM": {"SUCCESSFUL": 1},
                                       "NONE": {"PERMANENT_FAILURE": 1}}

    run_on_mock_clock(scenario, pacing="instant", app_ids=("app",))


def test_reset_gives_a_fresh_service_with_the_configured_apps() -> None:
    async def scenario(emulator: Emulator) -> None:
        async with await TrioHttpClient.connect(emulator.port) as client:
            first = await client.request("POST", "/v1/apps/known-app/messages", SEND)
            created = await client.request("POST", "/v1/apps", b'{"Name": "temp"}')
            temp_id = json.loads(created.body)["Id"]
            reset = await client.request("POST", "/_pinsim/reset")
            assert json.loads(reset.body) == {"app_ids": ["known-app"]}
            again = await client.request("POST", "/v1/apps/known-app/messages", SEND)
            assert (again.status, again.body) == (200, first.body)  # as after a restart
            assert again.headers["x-amzn-requestid"] == first.headers["x-amzn-requestid"]
            assert (await client.request("GET", f"/v1/apps/{temp_id}")).status == 404
            kept = await client.request("GET", "/v1/apps/known-app")
            assert json.loads(kept.body)["Id"] == "known-app"

    run_on_mock_clock(scenario, app_ids=("known-app",))


def test_shutdown_answers_in_flight_refuses_new_and_writes_stats(tmp_path: Path) -> None:
    refused: list[RawResponse] = []

    async def in_flight_send(port: int, task_status: trio.TaskStatus[None]) -> None:
        async with await TrioHttpClient.connect(port) as client:
            task_status.started()
            response = await client.request("POST", "/v1/apps/app/messages", SEND)
            assert response.status == 200
            assert trio.current_time() == pytest.approx(1.0, abs=1e-6)

    async def scenario(emulator: Emulator) -> None:
        async with trio.open_nursery() as nursery:
            idle = await TrioHttpClient.connect(emulator.port)
            assert (await idle.request("GET", "/v1/apps")).status == 200
            late = await trio.open_tcp_stream("127.0.0.1", emulator.port)
            await late.send_all(b"GET /v1/apps HTTP/1.1\r\n")
            await nursery.start(in_flight_send, emulator.port)
            await trio.sleep(0.25)
            emulator.request_shutdown()
            await trio.sleep(0.25)
            assert await idle.stream.receive_some(100) == b""  # idle: closed, no answer
            await late.send_all(b"Host: h\r\n\r\n")
            refused.append(parse_response(await read_until_closed(late)))
            with pytest.raises(OSError):
                await trio.open_tcp_stream("127.0.0.1", emulator.port)
            for stream in (idle.stream, late):
                await stream.aclose()

    report = run_on_mock_clock(scenario, pacing="realtime", app_ids=("app",),
                               service=SLOW_SMS, results_dir=tmp_path, run_id="run-1")
    assert refused[0].status == 503
    assert refused[0].headers["connection"] == "close"
    assert report.final and report.in_flight == 0
    written = json.loads((tmp_path / "emulator" / "run-1" / "stats.json").read_text())
    assert written["final"] is True
    assert written["requests"]["SendMessages"] == {"200": 1}
    assert written["requests"]["_shutdown"] == {"503": 1}
    assert [p.name for p in (tmp_path / "emulator" / "run-1").iterdir()] == ["stats.json"]


def test_send_still_held_after_the_grace_is_refused_with_503(tmp_path: Path) -> None:
    answers: list[tuple[float, RawResponse]] = []

    async def scenario(emulator: Emulator) -> None:
        client = await TrioHttpClient.connect(emulator.port)

        async def send() -> None:
            response = await client.request("POST", "/v1/apps/app/messages", SEND)
            answers.append((trio.current_time(), response))

        async with client, trio.open_nursery() as nursery:
            nursery.start_soon(send)
            await trio.sleep(0.1)
            emulator.request_shutdown()

    report = run_on_mock_clock(scenario, pacing="realtime", app_ids=("app",),
                               service=SLOW_SMS, shutdown_grace_s=0.5, results_dir=tmp_path,
                               run_id="grace")
    [(answered_s, response)] = answers
    assert answered_s == pytest.approx(0.6, abs=1e-6)  # at the grace, not at 1.0 s
    assert response.status == 503
    assert response.headers["x-amzn-errortype"] == "ServiceUnavailableException"
    assert response.headers["connection"] == "close"
    assert "simulated deliveries completed" in json.loads(response.body)["Message"]
    assert report.in_flight == 0 and report.requests["SendMessages"] == {"503": 1}
    assert report.deliveries["SMS"] == {"SUCCESSFUL": 1}  # decided before the refusal


@pytest.mark.parametrize("reset", [False, True])
def test_held_send_whose_client_went_away_is_released_within_the_watch_period(
        reset: bool) -> None:
    """The client closes (FIN) or resets (RST) while its send waits 300 s of simulated time:
    the connection and its in-flight slot are freed at the watcher's next look (10 s here)."""
    slow = ServiceConfig(channels={"SMS": ChannelProfile(latency=ConstantLatency(value_s=300))})

    async def scenario(emulator: Emulator) -> None:
        gone = await TrioHttpClient.connect(emulator.port)
        await gone.stream.send_all(request_bytes("POST", "/v1/apps/app/messages", SEND))
        await trio.sleep(1.0)
        assert emulator.stats.in_flight == 1
        if reset:
            gone.stream.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                          struct.pack("ii", 1, 0))
        await gone.stream.aclose()
        await trio.sleep(10.0)
        assert emulator.stats.in_flight == 0
        assert emulator.stats.open_connections == 0
        report = emulator.report()
        assert report.requests["SendMessages"] == {"499": 1}
        assert report.deliveries == {"SMS": {"SUCCESSFUL": 1}}

    run_on_mock_clock(scenario, pacing="realtime", app_ids=("app",), service=slow)


def test_held_send_of_a_connected_client_is_kept_even_with_a_pipelined_request() -> None:
    slow = ServiceConfig(channels={"SMS": ChannelProfile(latency=ConstantLatency(value_s=30))})

    async def scenario(emulator: Emulator) -> None:
        client = await TrioHttpClient.connect(emulator.port)
        send = request_bytes("POST", "/v1/apps/app/messages", SEND)
        await client.stream.send_all(send + request_bytes("GET", "/v1/apps/app"))
        await trio.sleep(25.0)  # the watcher peeked twice and saw the pipelined bytes
        assert emulator.stats.in_flight == 1
        data = b""
        while data.count(b"HTTP/1.1 200") < 2:
            data += await client.stream.receive_some(65536)
        assert trio.current_time() == pytest.approx(30.0, abs=1e-6)
        await client.stream.aclose()

    run_on_mock_clock(scenario, pacing="realtime", app_ids=("app",), service=slow)


def test_answer_to_a_client_that_reset_is_still_counted() -> None:
    """The client resets before its answer is sent: the request was served (its deliveries
    are counted), so it is counted too, though no one reads the answer."""
    async def scenario(emulator: Emulator) -> None:
        gone = await TrioHttpClient.connect(emulator.port)
        await gone.stream.send_all(request_bytes("POST", "/v1/apps/app/messages", SEND))
        await trio.sleep(0.5)
        gone.stream.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))
        await gone.stream.aclose()
        await trio.sleep(1.0)  # the answer was due at 1 s, before the watcher's look
        report = emulator.report()
        assert report.requests["SendMessages"] == {"200": 1}
        assert report.deliveries == {"SMS": {"SUCCESSFUL": 1}}
        assert report.in_flight == 0

    run_on_mock_clock(scenario, pacing="realtime", app_ids=("app",), service=SLOW_SMS)


def test_connections_are_protected_from_keyboard_interrupt(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C goes to the main task, never into a connection: there it could skip the
    release of the connection's socket object, whose collection would close a descriptor
    trio still owns."""
    protected: list[bool] = []
    handle = Emulator.handle

    async def spy(self: Emulator, request: IncomingRequest) -> OutgoingResponse:
        protected.append(trio.lowlevel.currently_ki_protected())
        return await handle(self, request)

    monkeypatch.setattr(Emulator, "handle", spy)

    async def scenario(emulator: Emulator) -> None:
        async with await TrioHttpClient.connect(emulator.port) as client:
            assert (await client.request("GET", "/v1/apps")).status == 200

    run_on_mock_clock(scenario)
    assert protected == [True]
