"""A real boto3 client against the emulator: every emulated operation round-trips, reading
real fields back (a wrapped body would make boto3 return {} silently), and every error class
arrives as boto3's modelled exception with its Message and RequestID."""

from __future__ import annotations

from typing import Any

import pytest

from sim.emulator import EmulatorThread

from .conftest import StartServer, boto_client

SMS = {"SMSMessage": {"Body": "Your code is 1234"}}


def put(client: Any, app_id: str, endpoint_id: str, **fields: Any) -> Any:
    return client.update_endpoint(ApplicationId=app_id, EndpointId=endpoint_id,
                                  EndpointRequest=fields)


def test_apps_create_get_list_page_and_delete(client: Any) -> None:
    ids = [client.create_app(CreateApplicationRequest={"Name": f"app-{i}"}
                             )["ApplicationResponse"]["Id"] for i in range(3)]
    got = client.get_app(ApplicationId=ids[1])
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["ApplicationResponse"]["Name"] == "app-1"
    assert got["ApplicationResponse"]["Arn"].endswith(f":apps/{ids[1]}")
    first = client.get_apps(PageSize="2")["ApplicationsResponse"]
    assert [a["Id"] for a in first["Item"]] == ids[:2]
    rest = client.get_apps(PageSize="2", Token=first["NextToken"])["ApplicationsResponse"]
    assert [a["Id"] for a in rest["Item"]] == ids[2:]
    assert "NextToken" not in rest
    deleted = client.delete_app(ApplicationId=ids[0])["ApplicationResponse"]
    assert deleted["Id"] == ids[0]
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_app(ApplicationId=ids[0])


def test_endpoint_update_get_delete_read_real_fields(client: Any, app_id: str) -> None:
    answer = put(client, app_id, "ep-1", ChannelType="GCM", Address="token-1",
                 Attributes={"team": ["red"]})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert answer["MessageBody"]["Message"] == "Accepted"
    got = client.get_endpoint(ApplicationId=app_id, EndpointId="ep-1")["EndpointResponse"]
    assert (got["Id"], got["Address"], got["ChannelType"]) == ("ep-1", "token-1", "GCM")
    assert got["Attributes"] == {"team": ["red"]}
    deleted = client.delete_endpoint(ApplicationId=app_id, EndpointId="ep-1")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["EndpointResponse"]["Address"] == "token-1"
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_endpoint(ApplicationId=app_id, EndpointId="ep-1")


@pytest.mark.parametrize("endpoint_id", ["a/b@c", "sp ace+plus%25", "ünï/cødé", "..", "a?b#c"])
def test_percent_encoded_ids_round_trip_as_one_label(client: Any, app_id: str,
                                                     endpoint_id: str) -> None:
    put(client, app_id, endpoint_id, ChannelType="SMS", Address="+15555550100")
    got = client.get_endpoint(ApplicationId=app_id, EndpointId=endpoint_id)
    assert got["EndpointResponse"]["Id"] == endpoint_id


def test_batch_update_is_put_on_the_collection_not_an_endpoint_named_endpoints(
        client: Any, app_id: str) -> None:
    answer = client.update_endpoints_batch(ApplicationId=app_id, EndpointBatchRequest={"Item": [
        {"Id": "b-1", "ChannelType": "SMS", "Address": "+15555550101", "User": {"UserId": "u"}},
        {"Id": "b-2", "ChannelType": "EMAIL", "Address": "u@example.com",
         "User": {"UserId": "u"}}]})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert answer["MessageBody"]["Message"] == "Accepted"
    users = client.get_user_endpoints(ApplicationId=app_id, UserId="u")["EndpointsResponse"]
    assert sorted(e["Id"] for e in users["Item"]) == ["b-1", "b-2"]
    deleted = client.delete_user_endpoints(ApplicationId=app_id, UserId="u")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert len(deleted["EndpointsResponse"]["Item"]) == 2
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_user_endpoints(ApplicationId=app_id, UserId="u")


def test_send_messages_answers_each_address_and_endpoint(client: Any, app_id: str) -> None:
    put(client, app_id, "ep-sms", ChannelType="SMS", Address="+15555550200")
    answer = client.send_messages(ApplicationId=app_id, MessageRequest={
        "Addresses": {"+15555550201": {"ChannelType": "SMS"}},
        "Endpoints": {"ep-sms": {}, "missing": {}},
        "MessageConfiguration": SMS})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    out = answer["MessageResponse"]
    assert out["ApplicationId"] == app_id
    assert out["Result"]["+15555550201"]["DeliveryStatus"] == "SUCCESSFUL"
    assert out["EndpointResult"]["ep-sms"]["DeliveryStatus"] == "SUCCESSFUL"
    assert out["EndpointResult"]["ep-sms"]["Address"] == "+15555550200"
    assert out["EndpointResult"]["missing"]["DeliveryStatus"] == "PERMANENT_FAILURE"
    assert out["EndpointResult"]["missing"]["StatusCode"] == 404


def test_send_users_messages_is_routed_apart_from_users(client: Any, app_id: str) -> None:
    put(client, app_id, "u1-phone", ChannelType="SMS", Address="+15555550300",
        User={"UserId": "users-messages"})
    answer = client.send_users_messages(ApplicationId=app_id, SendUsersMessageRequest={
        "Users": {"users-messages": {}}, "MessageConfiguration": SMS})
    result = answer["SendUsersMessageResponse"]["Result"]
    assert result["users-messages"]["u1-phone"]["DeliveryStatus"] == "SUCCESSFUL"
    users = client.get_user_endpoints(ApplicationId=app_id, UserId="users-messages")
    assert [e["Id"] for e in users["EndpointsResponse"]["Item"]] == ["u1-phone"]


def assert_modelled(error: Any, code: str, status: int, fragment: str) -> None:
    response = error.response
    assert response["Error"]["Code"] == code
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert fragment in response["Error"]["Message"]
    request_id = response["ResponseMetadata"]["RequestId"]
    assert request_id and response["RequestID"] == request_id


def test_bad_request_and_not_found_are_modelled(client: Any, app_id: str) -> None:
    with pytest.raises(client.exceptions.BadRequestException) as bad:
        client.send_messages(ApplicationId=app_id, MessageRequest={"MessageConfiguration": SMS})
    assert_modelled(bad.value, "BadRequestException", 400, "recipients")
    with pytest.raises(client.exceptions.NotFoundException) as missing:
        client.get_app(ApplicationId="no-such-app")
    assert_modelled(missing.value, "NotFoundException", 404, "no-such-app")


def test_wrong_method_is_method_not_allowed(client: Any, app_id: str) -> None:
    def patch_method(request: Any, **_: Any) -> None:
        request.method = "PATCH"

    client.meta.events.register("before-sign.pinpoint.GetApp", patch_method)
    with pytest.raises(client.exceptions.MethodNotAllowedException) as error:
        client.get_app(ApplicationId=app_id)
    assert_modelled(error.value, "MethodNotAllowedException", 405, "PATCH")
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["allow"] == "DELETE, GET"


def test_body_over_7_mb_is_payload_too_large(client: Any, app_id: str) -> None:
    huge = {"Id": "big", "Attributes": {"blob": ["x" * (7 * 1024 * 1024)]}}
    with pytest.raises(client.exceptions.PayloadTooLargeException) as error:
        client.update_endpoints_batch(ApplicationId=app_id,
                                      EndpointBatchRequest={"Item": [huge]})
    assert_modelled(error.value, "PayloadTooLargeException", 413, "exceeds the limit")
    assert client.get_app(ApplicationId=app_id)["ApplicationResponse"]["Id"] == app_id


def throttle(client: Any, operation: str, **arguments: Any) -> list[int]:
    """Call ``operation`` until one call is throttled; the statuses in order."""
    client.update_endpoint(ApplicationId="app", EndpointId="warm-up", EndpointRequest={
        "ChannelType": "SMS", "Address": "+15555550499"})  # first writes compile the store
    statuses = []
    for _ in range(60):  # calls take milliseconds: the bucket runs dry long before this ends
        try:
            getattr(client, operation)(ApplicationId="app", **arguments)
            statuses.append(202)
        except client.exceptions.TooManyRequestsException as error:
            assert "retry-after" not in error.response["ResponseMetadata"]["HTTPHeaders"]
            assert_modelled(error, "TooManyRequestsException", 429, "Rate exceeded")
            statuses.append(429)
            break
    return statuses


def test_over_quota_is_too_many_requests_without_retry_after(start_server: StartServer
                                                             ) -> None:
    server = start_server(quota_profile="aws-2026", app_ids=("app",))
    statuses = throttle(boto_client(server.url), "update_endpoints_batch",  # 2/s, burst 2
                        EndpointBatchRequest={"Item": [{"Id": "e", "ChannelType": "SMS",
                                                        "Address": "+15555550400"}]})
    assert statuses[:2] == [202, 202] and statuses[-1] == 429


def test_boto3_retries_throttled_requests_until_they_pass(start_server: StartServer) -> None:
    server = start_server(quota_profile="aws-2026", app_ids=("app",))
    request = {"EndpointId": "e", "EndpointRequest": {"ChannelType": "SMS",
                                                       "Address": "+15555550401"}}
    assert throttle(boto_client(server.url), "update_endpoint", **request)[-1] == 429
    retrying = boto_client(server.url, total_attempts=10)  # 10/s: a token is back in 0.1 s
    out = retrying.update_endpoint(ApplicationId="app", **request)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert out["ResponseMetadata"]["RetryAttempts"] >= 1
    stats = server.call(server.emulator.report)
    assert stats.requests["UpdateEndpoint"]["429"] >= 2  # one of them was its first try


def test_unexpected_failure_is_internal_server_error_and_server_lives_on(
        server: EmulatorThread, client: Any, app_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    service = server.emulator.service
    real_call = service.call

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("injected fault")

    service.call = broken  # type: ignore[method-assign]
    try:
        with pytest.raises(client.exceptions.InternalServerErrorException) as error:
            client.get_app(ApplicationId=app_id)
        assert_modelled(error.value, "InternalServerErrorException", 500, "Internal error")
        assert any("injected fault" in (r.exc_text or "") for r in caplog.records
                   if r.name == "sim.emulator")
    finally:
        service.call = real_call  # type: ignore[method-assign]
    assert client.get_app(ApplicationId=app_id)["ApplicationResponse"]["Id"] == app_id
