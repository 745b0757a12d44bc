"""The HTTP layer byte for byte, over raw sockets: headers on every response, routing errors,
keep-alive, the 7 MB cap before the body is read, and malformed or stalled requests."""

from __future__ import annotations

import http.client
import json
import socket
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.emulator import EmulatorThread

from .conftest import StartServer
from .wire import RawResponse, parse_response, raw_exchange, request_bytes


def exchange(server: EmulatorThread, data: bytes) -> RawResponse:
    raw, _ = raw_exchange(server.port, data)
    return parse_response(raw)


def assert_error(response: RawResponse, status: int, error_type: str, fragment: str) -> None:
    assert response.status == status
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-amzn-errortype"] == error_type
    body = json.loads(response.body)
    assert fragment in body["Message"]
    assert body["RequestID"] == response.headers["x-amzn-requestid"] != ""


def test_success_carries_content_type_and_request_id(server: EmulatorThread) -> None:
    response = exchange(server, request_bytes("POST", "/v1/apps", b'{"Name": "raw"}'))
    assert response.status == 201
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-amzn-requestid"]
    assert "x-amzn-errortype" not in response.headers
    assert json.loads(response.body)["Name"] == "raw"


@pytest.mark.parametrize("target", ["/", "/v2/apps", "/favicon.ico", "/v1/appsx"])
def test_unknown_paths_are_not_found(server: EmulatorThread, target: str) -> None:
    assert_error(exchange(server, request_bytes("GET", target)), 404, "NotFoundException",
                 "No such resource")


@pytest.mark.parametrize("method, target, allow", [
    ("POST", "/v1/apps/x", "DELETE, GET"),
    ("GET", "/v1/apps/x/endpoints", "PUT"),
    ("DELETE", "/v1/apps/x/messages", "POST"),
    ("PUT", "/v1/apps/x/users-messages", "POST"),
    ("PATCH", "/v1/apps/x/users/u", "DELETE, GET"),
    ("GET", "/_pinsim/reset", "POST"),
])
def test_known_path_with_wrong_method_is_405_with_allow(server: EmulatorThread, method: str,
                                                        target: str, allow: str) -> None:
    response = exchange(server, request_bytes(method, target))
    assert_error(response, 405, "MethodNotAllowedException", method)
    assert response.headers["allow"] == allow


def test_head_is_answered_with_headers_only(server: EmulatorThread) -> None:
    raw, _ = raw_exchange(server.port, request_bytes("HEAD", "/v1/apps"))
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405 ") and rest == b""
    assert b"x-amzn-errortype: MethodNotAllowedException" in head


def test_expect_100_continue_is_honoured(server: EmulatorThread) -> None:
    raw, _ = raw_exchange(server.port, request_bytes(
        "POST", "/v1/apps", b'{"Name": "e"}', headers=[("Expect", "100-continue")]))
    interim, _, final = raw.partition(b"\r\n\r\n")
    assert interim == b"HTTP/1.1 100 Continue"
    assert parse_response(final).status == 201


@pytest.mark.parametrize("method, target, fragment", [
    ("GET", "/v1/apps/x/campaigns", "GetCampaigns"),
    ("POST", "/v1/apps/x/segments", "CreateSegment"),
    ("GET", "/v1/templates", "ListTemplates"),
    ("GET", "/v1/apps/x/endpoints/a/b", "no Pinpoint operation pinsim knows"),
])
def test_other_pinpoint_paths_are_400_not_emulated(server: EmulatorThread, method: str,
                                                  target: str, fragment: str) -> None:
    response = exchange(server, request_bytes(method, target))
    assert_error(response, 400, "BadRequestException", fragment)
    assert "not emulated" in json.loads(response.body)["Message"]


def test_keep_alive_serves_many_requests_on_one_connection(server: EmulatorThread) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request("POST", "/v1/apps", body=b'{"Name": "k"}')
    first = connection.getresponse()
    app_id = json.loads(first.read())["Id"]
    sock = connection.sock
    for _ in range(3):
        connection.request("GET", f"/v1/apps/{app_id}")
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.read())["Id"] == app_id
    assert connection.sock is sock  # never reconnected
    connection.close()


def test_content_length_over_cap_is_413_before_the_body_is_sent(server: EmulatorThread
                                                                ) -> None:
    head = request_bytes("PUT", "/v1/apps/x/endpoints", headers=[
        ("Content-Length", str(7 * 1024 * 1024 + 1))])
    head = head.replace(b"Content-Length: 0\r\n", b"")
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head)  # and not one byte of the announced body
        data = sock.recv(65536)
    assert time.monotonic() - started < 2.0
    assert_error(parse_response(data), 413, "PayloadTooLargeException", "7340033 bytes")
    assert parse_response(data).headers["connection"] == "close"


def test_chunked_body_is_cut_off_at_the_cap(start_server: StartServer) -> None:
    server = start_server(max_body_bytes=1000)
    chunk = b"x" * 600
    data = (b"PUT /v1/apps/x/endpoints HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"%x\r\n%s\r\n" % (len(chunk), chunk) * 2 + b"0\r\n\r\n")
    assert_error(exchange(server, data), 413, "PayloadTooLargeException", "1000 bytes")


@pytest.mark.parametrize("data, fragment", [
    (b"HELLO\r\n\r\n", "Malformed HTTP request"),
    (b"GET /v1/apps HTTP/1.1\r\nNoColon\r\n\r\n", "Malformed HTTP request"),
    (b"GET /v1/apps HTTP/1.1\r\n\r\n", "Host"),
    (b"GET /v1/apps HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", "Malformed"),
    (b"GET /v1/apps HTTP/1.1\r\nHost: h\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n",
     "exceed 16384 bytes"),
    (b"GET /v1/apps/%FF HTTP/1.1\r\nHost: h\r\n\r\n", "not percent-encoded UTF-8"),
    (b"GET /v1/apps?page-size=%FF HTTP/1.1\r\nHost: h\r\n\r\n", "Malformed query"),
    (b"GET v1/apps HTTP/1.1\r\nHost: h\r\n\r\n", "must start with '/'"),
])
def test_malformed_requests_get_400(server: EmulatorThread, data: bytes, fragment: str) -> None:
    assert_error(exchange(server, data), 400, "BadRequestException", fragment)


@pytest.mark.parametrize("target", ["/v1/apps", "/v1/apps/{app}/messages",
                                    "/v1/apps/{app}/endpoints"])
def test_json_nested_too_deeply_is_400_and_changes_nothing(server: EmulatorThread,
                                                           target: str) -> None:
    """Nesting past msgspec's recursion limit (about 1,000 levels) once answered 500."""
    created = exchange(server, request_bytes("POST", "/v1/apps", b'{"Name": "deep"}'))
    app = json.loads(created.body)["Id"]
    deep = b'{"Skipped": ' + b"[" * 3000 + b"]" * 3000 + b', "Name": "x"}'  # an unknown member
    method = "PUT" if target.endswith("endpoints") else "POST"
    answer = exchange(server, request_bytes(method, target.format(app=app), deep))
    assert_error(answer, 400, "BadRequestException", "nested more than about")
    listed = exchange(server, request_bytes("GET", "/v1/apps"))
    assert [a["Name"] for a in json.loads(listed.body)["Item"]].count("x") == 0


@pytest.mark.parametrize("version", [b"2.0", b"9.9", b"0.9"])
def test_other_http_versions_get_505(server: EmulatorThread, version: bytes) -> None:
    answer = exchange(server, b"GET /v1/apps HTTP/%s\r\nHost: h\r\n\r\n" % version)
    assert_error(answer, 505, "HttpVersionNotSupportedException", "use HTTP/1.1")
    assert answer.headers["connection"] == "close"


def test_stalled_half_request_gets_408_while_others_are_served(start_server: StartServer
                                                               ) -> None:
    server = start_server(request_timeout_s=0.5)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as stalled:
        started = time.monotonic()
        stalled.sendall(b"POST /v1/apps HTTP/1.1\r\nHost: h\r\nContent-Length: 50\r\n\r\n{")
        other = exchange(server, request_bytes("POST", "/v1/apps", b'{"Name": "other"}'))
        assert other.status == 201
        assert time.monotonic() - started < 0.5
        data = stalled.recv(65536)
        waited_s = time.monotonic() - started
    assert 0.4 <= waited_s < 3.0
    assert_error(parse_response(data), 408, "RequestTimeoutException", "0.5 s")


MALFORMED_PIECES = [b"GET ", b"POST ", b"/v1/apps", b"/v1/apps/x/endpoints/", b"%2F", b"%",
                    b"?page-size=", b" HTTP/1.1", b" HTTP/1.0", b"\r\n", b"\n", b": ",
                    b"Host: h", b"Content-Length: ", b"Transfer-Encoding: chunked", b"7",
                    b"99999999999999999999", b"{", b"\x00", b"\xff", b" ", b"Connection: close"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=300),
                 st.lists(st.sampled_from(MALFORMED_PIECES), max_size=25).map(b"".join)))
def test_any_bytes_get_a_well_formed_answer_or_a_close(server: EmulatorThread,
                                                       data: bytes) -> None:
    raw, took_s = raw_exchange(server.port, data)
    assert took_s < 5.0
    if raw:
        response = parse_response(raw)
        assert 100 <= response.status <= 599
        assert response.headers["content-type"] == "application/json"
        assert response.headers["x-amzn-requestid"]
    stats = exchange(server, request_bytes("GET", "/_pinsim/stats"))
    assert stats.status == 200


def test_raw_non_ascii_in_the_target_is_refused(server: EmulatorThread) -> None:
    response = exchange(server, "GET /v1/apps/é HTTP/1.1\r\nHost: h\r\n\r\n".encode())
    assert_error(response, 400, "BadRequestException", "illegal request line")
