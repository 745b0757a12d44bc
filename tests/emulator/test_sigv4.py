"""``--auth sigv4``: boto3's and the AWS CLI's signatures are accepted; a wrong secret, an
unknown key, a missing or tampered signature, the wrong service and > 15 minutes of skew are
403 ForbiddenException."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from typing import Any

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
