"""The fast path against h11: whatever it accepts, h11 parses the same way; whatever it says is
incomplete, h11 also waits for; its answers are h11's bytes. Then one keep-alive connection
that moves from the fast path to h11 mid-stream."""

from __future__ import annotations

import json
import socket
from http import HTTPStatus

import h11
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.emulator import EmulatorThread
from sim.emulator._fastpath import NEED_DATA, FastHead, HeadReader, parse_head, response_bytes

from .wire import RawResponse, parse_response

MAX_HEAD = 16 * 1024

_GOOD = {
    "method": [b"GET", b"POST", b"PUT", b"DELETE", b"HEAD", b"PATCH"],
    "target": [b"/", b"/v1/apps/a", b"/v1/apps/a%2Fb/endpoints?x=1&y"],
    "version": [b"HTTP/1.1"],
    "name": [b"X-Amz-Date", b"Authorization", b"Accept", b"content-type", b"Connection"],
    "separator": [b":", b": ", b":\t "],
    "value": [b"", b"a", b"x  y", b"keep-alive", b"Keep-Alive", b"*/*"],
    "ows": [b"", b" ", b"\t"],
    "line_end": [b"\r\n"],
    "length": [b"0", b"3", b"5", b"05", b"12"],
}
_BAD = {
    "method": [b"OPTIONS", b"get", b"P OST", b""],
    "target": [b"*", b"http://h/v1/apps", b"/a b", b"/\x7f", b"/caf\xc3\xa9", b""],
    "version": [b"HTTP/1.0", b"HTTP/2.0", b"http/1.1", b"HTTP/1.1 "],
    "name": [b"Host", b"Content-Length", b"Transfer-Encoding", b"Expect", b"Upgrade",
             b"Bad Name", b"", b"X\x01", b"Connection"],
    "separator": [b" :", b"::"],
    "value": [b"close", b"chunked", b"100-continue", b"1,1", b"-1", b"99999999999999999999",
              b"\x7f", b"caf\xc3\xa9", b"a\rb", b"  ", b"a\x00"],
    "ows": [b"  \t"],
    "line_end": [b"\n", b"\r", b""],
    "length": [b"", b"1,1", b"+3", b"3 3"],
}


@st.composite
def request_data(draw: st.DrawFn) -> bytes:
    """Request bytes near the fast path's edges: a well-formed request (Host, perhaps
    Content-Length and a body) with a few parts swapped for ones h11 treats differently,
    sometimes cut short."""
    def part(kind: str) -> bytes:
        pool = _BAD[kind] if draw(st.integers(0, 9)) == 0 else _GOOD[kind]
        return draw(st.sampled_from(pool))

    lines = [part("method") + b" " + part("target") + b" " + part("version")]
    headers = [b"Host" + part("separator") + b"127.0.0.1:8080" + part("ows")]
    for _ in range(draw(st.integers(0, 4))):
        headers.append(part("name") + part("separator") + part("value") + part("ows"))
    if draw(st.booleans()):
        headers.append(b"Content-Length" + part("separator") + part("length"))
    lines += draw(st.permutations(headers))
    data = b"".join(line + part("line_end") for line in lines) + part("line_end")
    data += draw(st.binary(max_size=12))
    if draw(st.integers(0, 3)) == 0:
        data = data[:draw(st.integers(0, len(data)))]
    return data


def h11_events(data: bytes) -> list[h11.Event] | str:
    """What h11 makes of ``data`` as a server: its events up to NEED_DATA or the end of the
    first request, or the error it raises."""
    connection = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
    if data:  # (empty data would tell h11 the peer closed)
        connection.receive_data(data)
    events: list[h11.Event] = []
    try:
        while True:
            event = connection.next_event()
            if event is h11.NEED_DATA or type(event) is h11.EndOfMessage:
                return events
            assert isinstance(event, h11.Event)
            events.append(event)
    except h11.RemoteProtocolError as exc:
        return f"error: {exc}"


@settings(max_examples=2000, deadline=None)
@given(request_data())
def test_the_fast_path_only_decides_what_h11_decides_the_same_way(data: bytes) -> None:
    fast = parse_head(data, MAX_HEAD)
    events = h11_events(data)
    if fast is NEED_DATA:  # waiting is right only if h11 would wait too
        assert events == [], events
    elif isinstance(fast, FastHead):
        assert isinstance(events, list) and events, events
        request = events[0]
        assert isinstance(request, h11.Request)
        assert (fast.method, fast.target) == (request.method.decode(), request.target.decode())
        assert fast.headers == list(request.headers)
        body = data[fast.body_start:fast.body_start + fast.body_bytes]
        assert body == b"".join(e.data for e in events[1:] if isinstance(e, h11.Data))


@settings(max_examples=300, deadline=None)
@given(request_data(), request_data())
def test_a_remembered_head_reads_as_a_fresh_parse_would(first: bytes, second: bytes) -> None:
    """HeadReader answers exactly what parse_head does, whatever came before: also when the
    second buffer starts with the first one's bytes (a repeated head, a pipelined request)."""
    reader = HeadReader(MAX_HEAD)
    assert reader.read(first) == parse_head(first, MAX_HEAD)
    for data in (second, first + second, first):
        assert reader.read(data) == parse_head(data, MAX_HEAD)


def test_a_repeated_head_is_not_parsed_again() -> None:
    head = b"POST /v1/apps/a/messages HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n"
    reader = HeadReader(MAX_HEAD)
    first = reader.read(head + b"{}")
    assert isinstance(first, FastHead)
    assert reader.read(head + b"[]" + head) is first  # same bytes: the same head, unparsed
    other = reader.read(head.replace(b"Host: h", b"Host: g") + b"{}")
    assert isinstance(other, FastHead) and other is not first
    reader.read(head)
    longer = head[:-2] + b"X-Trace: 1\r\n\r\n{}"  # the same lines and one more
    assert reader.read(longer) == parse_head(longer, MAX_HEAD) != first


def test_the_requests_clients_send_take_the_fast_path() -> None:
    body = b'{"ChannelType": "GCM", "Address": "token"}'
    botocore = (b"PUT /v1/apps/a%2Fb/endpoints/e-1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                b"Accept-Encoding: identity\r\nUser-Agent: Boto3/1.35.0 md/Botocore#1.35.0\r\n"
                b"X-Amz-Date: 20261124T120000Z\r\nAuthorization: AWS4-HMAC-SHA256 "
                b"Credential=AKIA/20261124/us-east-1/mobiletargeting/aws4_request, "
                b"SignedHeaders=host;x-amz-date, Signature=abc\r\namz-sdk-request: attempt=1; "
                b"max=1\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    requests_lib = (b"GET /v1/apps/x HTTP/1.1\r\nHost: localhost\r\nUser-Agent: python-requests"
                    b"/2.32\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\n"
                    b"Connection: keep-alive\r\n\r\n")
    head = parse_head(botocore, MAX_HEAD)
    assert isinstance(head, FastHead)
    assert botocore[head.body_start:] == body
    assert (b"x-amz-date", b"20261124T120000Z") in head.headers
    assert isinstance(parse_head(requests_lib, MAX_HEAD), FastHead)
    assert parse_head(requests_lib[:-1], MAX_HEAD) is NEED_DATA


def test_everything_else_is_left_to_h11() -> None:
    base = b"POST /p HTTP/1.1\r\nHost: h\r\n%s\r\n\r\n"
    for header in (b"Connection: close", b"Transfer-Encoding: chunked", b"Expect: 100-continue",
                   b"Content-Length: 1\r\nContent-Length: 1", b"Host: again"):
        assert parse_head(base % header, MAX_HEAD) is None, header
    assert parse_head(b"GET / HTTP/1.1\nHost: h\n\n", MAX_HEAD) is None  # bare LF ends
    assert parse_head(b"GET / HTTP/1.1\r\nX: " + b"v" * MAX_HEAD, MAX_HEAD) is None  # too long
    assert parse_head(b"GET / HTTP/1.1\r\nX: " + b" " * 5000 + b"\x00\r\n\r\n", MAX_HEAD) is None


_STATUSES = st.sampled_from([200, 201, 202, 400, 403, 404, 405, 408, 413, 429, 500, 503, 599])
_HEADER = st.tuples(st.sampled_from([b"content-type", b"x-amzn-requestid", b"x-amzn-errortype",
                                     b"server", b"allow", b"connection"]),
                    st.sampled_from([b"application/json", b"a-b-c", b"GET, POST", b"close"]))


@given(_STATUSES, st.lists(_HEADER, max_size=5), st.binary(max_size=64), st.booleans())
def test_answers_are_the_bytes_h11_would_send(status: int, headers: list[tuple[bytes, bytes]],
                                               body: bytes, head_only: bool) -> None:
    headers = [*headers, (b"content-length", b"%d" % len(body))]
    connection = h11.Connection(h11.SERVER)
    method = b"HEAD" if head_only else b"GET"
    connection.receive_data(method + b" / HTTP/1.1\r\nHost: h\r\n\r\n")
    while type(connection.next_event()) is not h11.EndOfMessage:
        pass
    known = {s.value: s.phrase.encode() for s in HTTPStatus}
    phrase = known.get(status, b"")
    expected = connection.send(h11.Response(status_code=status, headers=headers, reason=phrase))
    if not head_only:
        expected += connection.send(h11.Data(data=body))
    expected += connection.send(h11.EndOfMessage())
    assert response_bytes(status, headers, body, head_only=head_only) == expected


def read_responses(sock: socket.socket, count: int) -> list[RawResponse]:
    """``count`` complete responses from a keep-alive socket, in order."""
    data = b""
    responses: list[RawResponse] = []
    while len(responses) < count:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            response = parse_response(data) if _complete(data, head_end) else None
            if response is not None:
                responses.append(response)
                data = data[head_end + 4 + len(response.body):]
                continue
        chunk = sock.recv(65536)
        assert chunk, f"the server closed after {len(responses)} responses"
        data += chunk
    return responses


def _complete(data: bytes, head_end: int) -> bool:
    length = 0
    for line in data[:head_end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return len(data) >= head_end + 4 + length


def test_one_connection_moves_from_the_fast_path_to_h11_without_losing_a_byte(
        server: EmulatorThread) -> None:
    create = (b"POST /v1/apps HTTP/1.1\r\nHost: h\r\nContent-Length: 13\r\n\r\n"
              b'{"Name": "f"}')
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(create)
        app_id = json.loads(read_responses(sock, 1)[0].body)["Id"]
        get = b"GET /v1/apps/%s HTTP/1.1\r\nHost: h\r\n\r\n" % app_id.encode()
        chunked = (b"POST /v1/apps HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"d\r\n" + b'{"Name": "g"}' + b"\r\n0\r\n\r\n")
        # two pipelined fast requests, one h11 must take, then one more of the fast shape
        sock.sendall(get + get[:20])
        sock.sendall(get[20:] + chunked + get)
        answers = read_responses(sock, 4)
    assert [a.status for a in answers] == [200, 200, 201, 200]
    assert json.loads(answers[0].body)["Id"] == json.loads(answers[3].body)["Id"] == app_id
    assert json.loads(answers[2].body)["Name"] == "g"
    assert len({a.headers["x-amzn-requestid"] for a in answers}) == 4
