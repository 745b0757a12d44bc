"""``--auth sigv4``: boto3's and the AWS CLI's signatures are accepted; a wrong secret, an
unknown key, a missing or tampered signature, the wrong service and > 15 minutes of skew are
403 ForbiddenException."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import subprocess
import sys
import time
from typing import Any
from urllib.parse import quote, unquote_to_bytes

import pytest
from botocore import UNSIGNED
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from sim.api.errors import Forbidden
from sim.emulator import EmulatorThread, SigV4Verifier

from .conftest import TEST_KEY_ID, TEST_SECRET, StartServer, boto_client


@pytest.fixture
def signed_server(start_server: StartServer) -> EmulatorThread:
    return start_server(auth="sigv4", app_ids=("app",))


def signed_request(url: str, method: str, path: str, body: bytes = b"",
                   service: str = "mobiletargeting") -> AWSRequest:
    request = AWSRequest(method=method, url=url + path, data=body,
                         headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(TEST_KEY_ID, TEST_SECRET), service, "us-east-1").add_auth(request)
    return request


def send_raw(server: EmulatorThread, request: AWSRequest, body: bytes) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    path = request.url.split(str(server.port), 1)[1]
    connection.request(request.method, path, body=body, headers=dict(request.headers.items()))
    response = connection.getresponse()
    answer = (response.status, json.loads(response.read()))
    connection.close()
    return answer


def test_boto3_signatures_are_accepted(signed_server: EmulatorThread) -> None:
    client = boto_client(signed_server.url)
    client.update_endpoint(ApplicationId="app", EndpointId="a/b@c", EndpointRequest={
        "ChannelType": "SMS", "Address": "+15555550700"})
    got = client.get_endpoint(ApplicationId="app", EndpointId="a/b@c")["EndpointResponse"]
    assert got["Id"] == "a/b@c"
    page = client.get_apps(PageSize="1")["ApplicationsResponse"]  # a signed query string
    assert [a["Id"] for a in page["Item"]] == ["app"]


@pytest.mark.parametrize("key_id, secret, fragment", [
    (TEST_KEY_ID, "wrong-secret", "signature we calculated does not match"),
    ("AKIAUNKNOWN000000000", TEST_SECRET, "security token included in the request is invalid"),
])
def test_wrong_credentials_are_forbidden(signed_server: EmulatorThread, key_id: str,
                                         secret: str, fragment: str) -> None:
    client = boto_client(signed_server.url, key_id=key_id, secret=secret)
    with pytest.raises(client.exceptions.ForbiddenException) as error:
        client.get_app(ApplicationId="app")
    assert fragment in error.value.response["Error"]["Message"]
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_unsigned_request_is_forbidden(signed_server: EmulatorThread) -> None:
    client = boto_client(signed_server.url, signature_version=UNSIGNED)
    with pytest.raises(client.exceptions.ForbiddenException) as error:
        client.get_app(ApplicationId="app")
    assert error.value.response["Error"]["Message"] == "Missing Authentication Token"


def test_tampered_body_and_wrong_service_are_forbidden(signed_server: EmulatorThread) -> None:
    body = b'{"Name": "signed"}'
    good = signed_request(signed_server.url, "POST", "/v1/apps", body)
    assert send_raw(signed_server, good, body)[0] == 201
    status, answer = send_raw(signed_server, good, b'{"Name": "forged"}')
    assert status == 403 and "does not match" in answer["Message"]
    other_service = signed_request(signed_server.url, "POST", "/v1/apps", body, "pinpoint")
    status, answer = send_raw(signed_server, other_service, body)
    assert status == 403 and "mobiletargeting" in answer["Message"]


@pytest.mark.parametrize("skew_s, allowed", [(-20 * 60, False), (20 * 60, False),
                                             (10 * 60, True), (-10 * 60, True)])
def test_clock_skew_over_15_minutes_is_forbidden(start_server: StartServer, skew_s: float,
                                                 allowed: bool) -> None:
    server = start_server(auth="sigv4", app_ids=("app",),
                          wall_clock=lambda: time.time() + skew_s)
    client = boto_client(server.url)
    if allowed:
        assert client.get_app(ApplicationId="app")["ApplicationResponse"]["Id"] == "app"
    else:
        with pytest.raises(client.exceptions.ForbiddenException) as error:
            client.get_app(ApplicationId="app")
        assert "Signature expired" in error.value.response["Error"]["Message"]


def test_verifier_checks_exactly_the_signed_headers() -> None:
    verifier = SigV4Verifier(TEST_KEY_ID, TEST_SECRET, max_skew_s=900)
    request = signed_request("http://127.0.0.1:9", "GET", "/v1/apps?page-size=5")
    headers = [(k.lower(), v) for k, v in request.headers.items()]
    headers += [("host", "127.0.0.1:9"), ("user-agent", "unsigned headers may change")]
    now_s = time.time()
    verifier.verify("GET", "/v1/apps?page-size=5", headers, b"", now_s)
    with pytest.raises(Forbidden):
        verifier.verify("GET", "/v1/apps?page-size=6", headers, b"", now_s)
    with pytest.raises(Forbidden):
        verifier.verify("DELETE", "/v1/apps?page-size=5", headers, b"", now_s)
    changed = [(k, "other" if k == "content-type" else v) for k, v in headers]
    with pytest.raises(Forbidden):
        verifier.verify("GET", "/v1/apps?page-size=5", changed, b"", now_s)


def spec_signed_headers(method: str, path: str, query: str, headers: dict[str, str],
                        secret: str = TEST_SECRET) -> list[tuple[str, str]]:
    """An independent signer written from the SigV4 specification (not botocore's, which
    leaves user-agent and a few other headers out of what it signs): every header given is
    signed, and the query is canonicalised from its decoded names and values."""
    amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    headers = {**{k.lower(): v for k, v in headers.items()}, "x-amz-date": amz_date}
    signed = sorted(headers)
    def encoded(text: str) -> str:  # the spec: URI-encode the name's or value's bytes
        return quote(unquote_to_bytes(text), safe="-_.~")

    pairs = sorted((encoded(k), encoded(v))
                   for k, _, v in (pair.partition("=") for pair in query.split("&") if pair))
    canonical = "\n".join([
        method, quote(path, safe="/~"), "&".join(f"{k}={v}" for k, v in pairs),
        "".join(f"{name}:{' '.join(headers[name].split())}\n" for name in signed),
        ";".join(signed), hashlib.sha256(b"").hexdigest()])
    scope = f"{amz_date[:8]}/us-east-1/mobiletargeting/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = f"AWS4{secret}".encode()
    for part in (amz_date[:8], "us-east-1", "mobiletargeting", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    authorization = (f"AWS4-HMAC-SHA256 Credential={TEST_KEY_ID}/{scope}, "
                     f"SignedHeaders={';'.join(signed)}, Signature={signature}")
    return [*headers.items(), ("authorization", authorization)]


@pytest.mark.parametrize("query", ["", "page-size=5&token=a%2bb", "token=a:b&page-size=5",
                                   "token=%FF", "token=%e9", "token=%C3%A9"])
def test_any_spec_conforming_signature_is_accepted(query: str) -> None:
    """Headers botocore never signs (user-agent, x-amzn-trace-id) and queries encoded other
    than botocore encodes them (lower-case hex, a raw ':') still verify when signed to spec;
    a wrong secret still fails."""
    verifier = SigV4Verifier(TEST_KEY_ID, TEST_SECRET, max_skew_s=900)
    target = "/v1/apps" + (f"?{query}" if query else "")
    sent = {"Host": "127.0.0.1:9", "User-Agent": "my-sdk/1.0", "X-Amzn-Trace-Id": "Root=1-a"}
    verifier.verify("GET", target, spec_signed_headers("GET", "/v1/apps", query, sent), b"",
                    time.time())
    with pytest.raises(Forbidden, match="does not match"):
        verifier.verify("GET", target, spec_signed_headers("GET", "/v1/apps", query, sent,
                                                           secret="wrong"), b"", time.time())


@pytest.mark.parametrize("host", ["[", "a[b", "[zz]", "x@y/z"])
def test_odd_host_headers_are_checked_not_parsed(signed_server: EmulatorThread,
                                                 host: str) -> None:
    """The Host value is signed text, never parsed as a URL (a '[' once answered 500)."""
    verifier = SigV4Verifier(TEST_KEY_ID, TEST_SECRET, max_skew_s=900)
    headers = spec_signed_headers("GET", "/v1/apps", "", {"Host": host})
    verifier.verify("GET", "/v1/apps", headers, b"", time.time())
    raw = "".join(f"{k}: {v}\r\n" for k, v in headers if k != "host")
    request = f"GET /v1/apps HTTP/1.1\r\nHost: {host}\r\n{raw}\r\n"
    forged = request.rsplit("Signature=", 1)[0] + "Signature=" + "0" * 64 + "\r\n\r\n"
    for data, status in ((request, 200), (forged, 403)):
        connection = http.client.HTTPConnection("127.0.0.1", signed_server.port, timeout=5)
        connection.connect()
        assert connection.sock is not None
        connection.sock.sendall(data.encode())
        response = http.client.HTTPResponse(connection.sock)
        response.begin()
        assert response.status == status, response.read()
        connection.close()


def test_presigned_urls_are_refused_saying_why(signed_server: EmulatorThread) -> None:
    client = boto_client(signed_server.url)
    url = client.generate_presigned_url("get_app", Params={"ApplicationId": "app"})
    path = url.split(str(signed_server.port), 1)[1]
    connection = http.client.HTTPConnection("127.0.0.1", signed_server.port, timeout=5)
    connection.request("GET", path)
    response = connection.getresponse()
    assert response.status == 403
    assert "presigned URL" in json.loads(response.read())["Message"]
    connection.close()


def aws_cli(server: EmulatorThread, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=TEST_KEY_ID, AWS_SECRET_ACCESS_KEY=TEST_SECRET,
               AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE=os.devnull,
               AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true",
               AWS_MAX_ATTEMPTS="1")
    return subprocess.run([sys.executable, "-m", "awscli", "pinpoint", *args,
                           "--endpoint-url", server.url, "--output", "json"],
                          capture_output=True, text=True, env=env, timeout=60, check=False)


def test_aws_cli_round_trips_signed(signed_server: EmulatorThread) -> None:
    found = aws_cli(signed_server, "get-app", "--application-id", "app")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["ApplicationResponse"]["Id"] == "app"
    missing = aws_cli(signed_server, "get-endpoint", "--application-id", "app",
                      "--endpoint-id", "a/b@c")
    assert missing.returncode != 0
    assert "NotFoundException" in missing.stderr and "a/b@c" in missing.stderr
    sent = aws_cli(signed_server, "send-messages", "--application-id", "app",
                   "--message-request", json.dumps({
                       "Addresses": {"+15555550100": {"ChannelType": "SMS"},
                                     "+15555550100x": {"ChannelType": "SMS"}},
                       "MessageConfiguration": {"SMSMessage": {"Body": "code 1234"}}}))
    assert sent.returncode == 0, sent.stderr
    results = json.loads(sent.stdout)["MessageResponse"]["Result"]
    assert results["+15555550100"]["DeliveryStatus"] == "SUCCESSFUL"
    assert results["+15555550100x"]["DeliveryStatus"] == "PERMANENT_FAILURE"  # not E.164
