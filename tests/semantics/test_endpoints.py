"""Endpoint store semantics (reference/pinpoint.md §5) through the boto3-shaped client."""

from __future__ import annotations

from typing import Any

import pytest


def put(client: Any, app_id: str, endpoint_id: str, **fields: Any) -> Any:
    return client.update_endpoint(ApplicationId=app_id, EndpointId=endpoint_id,
                                  EndpointRequest=fields)


def get(client: Any, app_id: str, endpoint_id: str) -> dict[str, Any]:
    return dict(client.get_endpoint(ApplicationId=app_id,
                                    EndpointId=endpoint_id)["EndpointResponse"])


def test_update_is_accepted_with_202_and_get_reads_fields_back(client: Any, app_id: str) -> None:
    answer = put(client, app_id, "ep-1", ChannelType="GCM", Address="token-1",
                 Attributes={"team": ["red"]}, Demographic={"Platform": "android"})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert answer["MessageBody"]["Message"] == "Accepted"
    got = get(client, app_id, "ep-1")
    assert got["Id"] == "ep-1"
    assert got["ApplicationId"] == app_id
    assert got["Address"] == "token-1"
    assert got["ChannelType"] == "GCM"
    assert got["EndpointStatus"] == "ACTIVE"
    assert got["OptOut"] == "NONE"
    assert got["Attributes"] == {"team": ["red"]}
    assert got["Demographic"] == {"Platform": "android"}
    assert got["CreationDate"].endswith("Z")
    assert 0 <= int(got["CohortId"]) <= 99


def test_upsert_merges_fields_and_replaces_attribute_lists(client: Any, app_id: str) -> None:
    put(client, app_id, "ep", ChannelType="SMS", Address="+15550100001",
        Attributes={"a": ["1", "2"], "b": ["x"]}, Demographic={"Platform": "ios", "Locale": "en"})
    created = get(client, app_id, "ep")["CreationDate"]
    put(client, app_id, "ep", Attributes={"a": ["3"]}, Demographic={"Locale": "fr"})
    got = get(client, app_id, "ep")
    assert got["Attributes"] == {"a": ["3"], "b": ["x"]}
    assert got["Demographic"] == {"Platform": "ios", "Locale": "fr"}
    assert got["Address"] == "+15550100001"
    assert got["CreationDate"] == created


def test_writing_an_address_makes_the_older_endpoint_inactive(client: Any, app_id: str) -> None:
    put(client, app_id, "first", ChannelType="SMS", Address="+15550100002")
    put(client, app_id, "second", ChannelType="SMS", Address="+15550100002")
    assert get(client, app_id, "first")["EndpointStatus"] == "INACTIVE"
    assert get(client, app_id, "second")["EndpointStatus"] == "ACTIVE"
    put(client, app_id, "first", OptOut="NONE")
    assert get(client, app_id, "first")["EndpointStatus"] == "ACTIVE"
    assert get(client, app_id, "second")["EndpointStatus"] == "INACTIVE"


def test_endpoint_ids_are_case_insensitive(client: Any, app_id: str) -> None:
    put(client, app_id, "Device-ABC", ChannelType="APNS", Address="apns-token")
    assert get(client, app_id, "device-abc")["Id"] == "Device-ABC"


@pytest.mark.parametrize("bad_id", ["a$b", "x{y", "x}y"])
def test_invalid_endpoint_id_is_a_bad_request(client: Any, app_id: str, bad_id: str) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="invalid character"):
        put(client, app_id, bad_id, ChannelType="SMS", Address="+15550100003")


@pytest.mark.parametrize("operation", ["get_endpoint", "delete_endpoint", "update_endpoint"])
def test_empty_endpoint_id_is_a_bad_request_for_every_operation(client: Any, app_id: str,
                                                                operation: str) -> None:
    """boto3 sends an empty path label as it is (reference §2): the server must refuse it."""
    extra = {"EndpointRequest": {"ChannelType": "SMS"}} if operation == "update_endpoint" else {}
    with pytest.raises(client.exceptions.BadRequestException, match="must not be empty"):
        getattr(client, operation)(ApplicationId=app_id, EndpointId="", **extra)


@pytest.mark.parametrize("endpoint_id", ["missing", "a$b"])
def test_get_missing_endpoint_is_not_found(client: Any, app_id: str, endpoint_id: str) -> None:
    with pytest.raises(client.exceptions.NotFoundException):
        get(client, app_id, endpoint_id)  # an id no write could store is not there either


def test_delete_endpoint_returns_it_as_it_was(client: Any, app_id: str) -> None:
    put(client, app_id, "gone", ChannelType="EMAIL", Address="a@example.com")
    answer = client.delete_endpoint(ApplicationId=app_id, EndpointId="gone")
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert answer["EndpointResponse"]["Address"] == "a@example.com"
    with pytest.raises(client.exceptions.NotFoundException):
        get(client, app_id, "gone")


def test_sixteenth_push_endpoint_retires_the_oldest_push_endpoint(client: Any, app_id: str
                                                                  ) -> None:
    for i in range(15):
        put(client, app_id, f"d{i}", ChannelType="GCM", Address=f"tok{i}",
            EffectiveDate=f"2026-01-01T00:00:{i:02d}Z", User={"UserId": "u"})
    put(client, app_id, "d15", ChannelType="APNS", Address="tok15", User={"UserId": "u"})
    ids = {e["Id"] for e in client.get_user_endpoints(
        ApplicationId=app_id, UserId="u")["EndpointsResponse"]["Item"]}
    assert ids == {f"d{i}" for i in range(1, 16)}
    retired = get(client, app_id, "d0")
    assert retired["EndpointStatus"] == "INACTIVE"
    assert "UserId" not in (retired.get("User") or {})


def test_sixteenth_non_push_endpoint_is_rejected_and_changes_nothing(client: Any, app_id: str
                                                                     ) -> None:
    for i in range(15):
        put(client, app_id, f"m{i}", ChannelType="EMAIL", Address=f"u{i}@example.com",
            User={"UserId": "full"})
    with pytest.raises(client.exceptions.BadRequestException,
                       match=r": Exceeded maximum endpoint per user count: 15$"):
        put(client, app_id, "m15", ChannelType="EMAIL", Address="x@example.com",
            User={"UserId": "full"})
    with pytest.raises(client.exceptions.NotFoundException):
        get(client, app_id, "m15")


def test_attribute_limits_name_the_field_and_the_limit(client: Any, app_id: str) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match=r"51 characters.*50"):
        put(client, app_id, "e", ChannelType="SMS", Address="+15550100004",
            Attributes={"n" * 51: ["v"]})
    with pytest.raises(client.exceptions.BadRequestException, match=r"51 values.*50"):
        put(client, app_id, "e", ChannelType="SMS", Address="+15550100004",
            Attributes={"n": [str(i) for i in range(51)]})
    with pytest.raises(client.exceptions.BadRequestException, match=r"101 characters.*100"):
        put(client, app_id, "e", ChannelType="SMS", Address="+15550100004",
            Attributes={"n": ["v" * 101]})


def test_endpoint_over_15_kb_is_rejected(client: Any, app_id: str) -> None:
    attributes = {f"a{i}": ["v" * 100] * 5 for i in range(40)}
    with pytest.raises(client.exceptions.BadRequestException, match="15 KB"):
        put(client, app_id, "big", ChannelType="SMS", Address="+15550100005",
            Attributes=attributes)


def test_batch_with_one_bad_item_changes_nothing(client: Any, app_id: str) -> None:
    items = [{"Id": "ok-1", "ChannelType": "SMS", "Address": "+15550100006"},
             {"Id": "bad$id", "ChannelType": "SMS", "Address": "+15550100007"}]
    with pytest.raises(client.exceptions.BadRequestException):
        client.update_endpoints_batch(ApplicationId=app_id,
                                      EndpointBatchRequest={"Item": items})
    with pytest.raises(client.exceptions.NotFoundException):
        get(client, app_id, "ok-1")


def test_batch_over_100_items_is_rejected(client: Any, app_id: str) -> None:
    items = [{"Id": f"b{i}", "ChannelType": "SMS", "Address": f"+1555060{i:04d}"}
             for i in range(101)]
    with pytest.raises(client.exceptions.BadRequestException, match=r"101 items.*100"):
        client.update_endpoints_batch(ApplicationId=app_id,
                                      EndpointBatchRequest={"Item": items})


def test_batch_upserts_every_item(client: Any, app_id: str) -> None:
    items = [{"Id": f"b{i}", "ChannelType": "SMS", "Address": f"+1555070{i:04d}"}
             for i in range(100)]
    answer = client.update_endpoints_batch(ApplicationId=app_id,
                                           EndpointBatchRequest={"Item": items})
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert get(client, app_id, "b99")["Address"] == "+15550700099"


def test_user_endpoints_read_and_delete(client: Any, app_id: str) -> None:
    put(client, app_id, "p", ChannelType="SMS", Address="+15550100008", User={"UserId": "ann"})
    put(client, app_id, "q", ChannelType="EMAIL", Address="ann@example.com",
        User={"UserId": "ann"})
    items = client.get_user_endpoints(ApplicationId=app_id, UserId="ann")["EndpointsResponse"]
    assert [e["Id"] for e in items["Item"]] == ["p", "q"]
    deleted = client.delete_user_endpoints(ApplicationId=app_id, UserId="ann")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert len(deleted["EndpointsResponse"]["Item"]) == 2
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_user_endpoints(ApplicationId=app_id, UserId="ann")


def test_delete_app_removes_its_endpoints(client: Any) -> None:
    app = client.create_app(CreateApplicationRequest={"Name": "tmp"})["ApplicationResponse"]
    assert app["Arn"].endswith(f"apps/{app['Id']}")
    put(client, app["Id"], "e", ChannelType="SMS", Address="+15550100009")
    assert client.delete_app(ApplicationId=app["Id"])["ApplicationResponse"]["Name"] == "tmp"
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_app(ApplicationId=app["Id"])
    with pytest.raises(client.exceptions.NotFoundException):
        get(client, app["Id"], "e")


def test_get_apps_pages(client: Any) -> None:
    ids = [client.create_app(CreateApplicationRequest={"Name": f"a{i}"})[
        "ApplicationResponse"]["Id"] for i in range(3)]
    first = client.get_apps(PageSize="2")["ApplicationsResponse"]
    assert [a["Id"] for a in first["Item"]] == ids[:2]
    rest = client.get_apps(PageSize="2", Token=first["NextToken"])["ApplicationsResponse"]
    assert [a["Id"] for a in rest["Item"]] == ids[2:]
    assert "NextToken" not in rest
