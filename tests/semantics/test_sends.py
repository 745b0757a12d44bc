"""SendMessages / SendUsersMessages per-recipient semantics (reference/pinpoint.md §3)."""

from __future__ import annotations

from typing import Any

import pytest

from sim.channels import ChannelProfile, ConstantLatency, FailureRule

SMS_BODY = {"SMSMessage": {"Body": "Your code is 1234"}}
PUSH_BODY = {"DefaultPushNotificationMessage": {"Title": "Hi", "Body": "Sale today"}}


def put(client: Any, app_id: str, endpoint_id: str, **fields: Any) -> None:
    client.update_endpoint(ApplicationId=app_id, EndpointId=endpoint_id, EndpointRequest=fields)


def send(client: Any, app_id: str, **request: Any) -> dict[str, Any]:
    request.setdefault("MessageConfiguration", SMS_BODY)
    response = client.send_messages(ApplicationId=app_id, MessageRequest=request)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    return dict(response["MessageResponse"])


def test_every_address_gets_a_successful_result_with_a_message_id(client: Any, app_id: str
                                                                  ) -> None:
    numbers = [f"+1555010{i:04d}" for i in range(5)]
    out = send(client, app_id, Addresses={n: {"ChannelType": "SMS"} for n in numbers})
    assert out["ApplicationId"] == app_id
    assert list(out["Result"]) == numbers
    ids = set()
    for result in out["Result"].values():
        assert result["DeliveryStatus"] == "SUCCESSFUL"
        assert result["StatusCode"] == 200
        assert result["StatusMessage"] == f"MessageId: {result['MessageId']}"
        ids.add(result["MessageId"])
    assert len(ids) == len(numbers)
    assert "EndpointResult" not in out


def test_endpoint_results_are_keyed_by_endpoint_id_and_carry_the_address(client: Any,
                                                                        app_id: str) -> None:
    put(client, app_id, "phone-1", ChannelType="SMS", Address="+15550100001")
    out = send(client, app_id, Endpoints={"phone-1": {}})
    result = out["EndpointResult"]["phone-1"]
    assert result["Address"] == "+15550100001"
    assert result["DeliveryStatus"] == "SUCCESSFUL"


def test_duplicate_address_is_delivered_once_first_in_request_order_wins(client: Any,
                                                                         app_id: str) -> None:
    put(client, app_id, "a", ChannelType="SMS", Address="+15550100002")
    put(client, app_id, "b", ChannelType="SMS", Address="+15550100003")
    out = send(client, app_id, Addresses={"+15550100002": {"ChannelType": "SMS"}},
               Endpoints={"a": {}, "b": {}})
    assert out["Result"]["+15550100002"]["DeliveryStatus"] == "SUCCESSFUL"
    dup = out["EndpointResult"]["a"]
    assert (dup["DeliveryStatus"], dup["StatusCode"]) == ("DUPLICATE", 400)
    assert out["EndpointResult"]["b"]["DeliveryStatus"] == "SUCCESSFUL"
    again = send(client, app_id, Endpoints={"a": {}})
    assert again["EndpointResult"]["a"]["DeliveryStatus"] == "SUCCESSFUL"


def test_same_number_on_sms_and_voice_is_not_a_duplicate(client: Any, app_id: str) -> None:
    out = send(client, app_id,
               MessageConfiguration={"DefaultMessage": {"Body": "hello"}},
               Addresses={"+15550100004": {"ChannelType": "SMS"}})
    put(client, app_id, "v", ChannelType="VOICE", Address="+15550100004")
    out = send(client, app_id, MessageConfiguration={"DefaultMessage": {"Body": "hello"}},
               Addresses={"+15550100004": {"ChannelType": "SMS"}}, Endpoints={"v": {}})
    assert out["Result"]["+15550100004"]["DeliveryStatus"] == "SUCCESSFUL"
    assert out["EndpointResult"]["v"]["DeliveryStatus"] == "SUCCESSFUL"


def test_opted_out_endpoint_gets_opt_out(client: Any, app_id: str) -> None:
    put(client, app_id, "quiet", ChannelType="SMS", Address="+15550100005", OptOut="ALL")
    result = send(client, app_id, Endpoints={"quiet": {}})["EndpointResult"]["quiet"]
    assert (result["DeliveryStatus"], result["StatusCode"]) == ("OPT_OUT", 400)
    assert result["StatusMessage"] == "Destination phone number opted out"


def test_number_on_the_account_opt_out_list_gets_opt_out(make_client: Any) -> None:
    client = make_client(sms_opt_out_numbers=["+15550100006"])
    app = client.create_app(CreateApplicationRequest={"Name": "x"})["ApplicationResponse"]["Id"]
    out = send(client, app, Addresses={"+15550100006": {"ChannelType": "SMS"},
                                       "+15550100007": {"ChannelType": "SMS"}})
    assert out["Result"]["+15550100006"]["DeliveryStatus"] == "OPT_OUT"
    assert out["Result"]["+15550100007"]["DeliveryStatus"] == "SUCCESSFUL"


def test_unknown_endpoint_is_a_per_recipient_permanent_failure_404(client: Any, app_id: str
                                                                   ) -> None:
    result = send(client, app_id, Endpoints={"nope": {}})["EndpointResult"]["nope"]
    assert (result["DeliveryStatus"], result["StatusCode"]) == ("PERMANENT_FAILURE", 404)
    assert result["StatusMessage"] == "Endpoint does not exist"


def test_inactive_endpoint_is_skipped_with_permanent_failure(client: Any, app_id: str) -> None:
    put(client, app_id, "old", ChannelType="SMS", Address="+15550100008")
    put(client, app_id, "new", ChannelType="SMS", Address="+15550100008")
    out = send(client, app_id, Endpoints={"old": {}, "new": {}})["EndpointResult"]
    assert out["old"]["DeliveryStatus"] == "PERMANENT_FAILURE"
    assert out["old"]["StatusMessage"] == "Endpoint is inactive"
    assert out["new"]["DeliveryStatus"] == "SUCCESSFUL"


def test_more_than_100_recipients_is_a_bad_request_naming_count_and_limit(client: Any,
                                                                          app_id: str) -> None:
    addresses = {f"+1555020{i:04d}": {"ChannelType": "SMS"} for i in range(60)}
    endpoints = {f"e{i}": {} for i in range(41)}
    with pytest.raises(client.exceptions.BadRequestException, match=r"101 .*100"):
        send(client, app_id, Addresses=addresses, Endpoints=endpoints)


def test_exactly_100_recipients_is_accepted(client: Any, app_id: str) -> None:
    addresses = {f"+1555030{i:04d}": {"ChannelType": "SMS"} for i in range(100)}
    assert len(send(client, app_id, Addresses=addresses)["Result"]) == 100


def test_missing_channel_type_is_a_bad_request(client: Any, app_id: str) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="ChannelType"):
        send(client, app_id, Addresses={"+15550100009": {}})


def test_empty_message_configuration_is_a_bad_request(client: Any, app_id: str) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match="MessageConfiguration"):
        send(client, app_id, MessageConfiguration={},
             Addresses={"+15550100010": {"ChannelType": "SMS"}})


def test_send_to_unknown_app_is_not_found(client: Any) -> None:
    with pytest.raises(client.exceptions.NotFoundException):
        send(client, "0" * 32, Addresses={"+15550100011": {"ChannelType": "SMS"}})


def test_sms_address_that_is_not_e164_is_a_permanent_failure(client: Any, app_id: str) -> None:
    result = send(client, app_id, Addresses={"5550100": {"ChannelType": "SMS"}})["Result"]
    assert result["5550100"]["DeliveryStatus"] == "PERMANENT_FAILURE"
    assert "E.164" in result["5550100"]["StatusMessage"]


def test_push_and_in_app_are_not_sendable_directly(client: Any, app_id: str) -> None:
    out = send(client, app_id, MessageConfiguration=PUSH_BODY,
               Addresses={"tok": {"ChannelType": "PUSH"}, "tok2": {"ChannelType": "IN_APP"}})
    assert {r["DeliveryStatus"] for r in out["Result"].values()} == {"PERMANENT_FAILURE"}


def test_provider_failure_mix_reaches_results(make_client: Any) -> None:
    gone = FailureRule(status="PERMANENT_FAILURE", probability=1.0, status_code=410,
                       status_message="Unregistered")
    client = make_client(channels={"GCM": ChannelProfile(latency=ConstantLatency(value_s=0.05),
                                                          failures=(gone,))})
    app = client.create_app(CreateApplicationRequest={"Name": "x"})["ApplicationResponse"]["Id"]
    out = send(client, app, MessageConfiguration=PUSH_BODY,
               Addresses={"token-1": {"ChannelType": "GCM"}})
    result = out["Result"]["token-1"]
    assert (result["DeliveryStatus"], result["StatusCode"]) == ("PERMANENT_FAILURE", 410)
    assert result["StatusMessage"] == "Unregistered"


def test_send_users_messages_fans_out_to_each_users_endpoints(client: Any, app_id: str) -> None:
    put(client, app_id, "u1-phone", ChannelType="SMS", Address="+15550100012",
        User={"UserId": "u1"})
    put(client, app_id, "u1-mail", ChannelType="EMAIL", Address="u1@example.com",
        User={"UserId": "u1"})
    response = client.send_users_messages(ApplicationId=app_id, SendUsersMessageRequest={
        "MessageConfiguration": {"DefaultMessage": {"Body": "hello"}},
        "Users": {"u1": {}, "nobody": {}}})
    out = response["SendUsersMessageResponse"]
    assert set(out["Result"]["u1"]) == {"u1-phone", "u1-mail"}
    assert {r["DeliveryStatus"] for r in out["Result"]["u1"].values()} == {"SUCCESSFUL"}
    assert out["Result"]["nobody"] == {}


def test_send_users_messages_with_no_endpoints_at_all_is_not_found(client: Any, app_id: str
                                                                   ) -> None:
    with pytest.raises(client.exceptions.NotFoundException):
        client.send_users_messages(ApplicationId=app_id, SendUsersMessageRequest={
            "MessageConfiguration": SMS_BODY, "Users": {"ghost": {}}})


def test_the_largest_send_users_messages_reaches_1500_endpoints_with_distinct_ids(
        client: Any, app_id: str) -> None:
    """100 users of 15 endpoints each: Pinpoint's two limits at once (every id distinct)."""
    for batch in range(15):
        client.update_endpoints_batch(ApplicationId=app_id, EndpointBatchRequest={"Item": [
            {"Id": f"u{user}-e{batch}", "ChannelType": "SMS",
             "Address": f"+1555{user:03d}{batch:04d}", "User": {"UserId": f"u{user}"}}
            for user in range(100)]})
    response = client.send_users_messages(ApplicationId=app_id, SendUsersMessageRequest={
        "MessageConfiguration": SMS_BODY, "Users": {f"u{user}": {} for user in range(100)}})
    results = response["SendUsersMessageResponse"]["Result"]
    assert len(results) == 100
    assert all(len(endpoints) == 15 for endpoints in results.values())
    ids = {r["MessageId"] for endpoints in results.values() for r in endpoints.values()
           if r["DeliveryStatus"] == "SUCCESSFUL"}
    assert len(ids) == 1500


def test_more_than_100_users_is_a_bad_request(client: Any, app_id: str) -> None:
    with pytest.raises(client.exceptions.BadRequestException, match=r"101 users.*100"):
        client.send_users_messages(ApplicationId=app_id, SendUsersMessageRequest={
            "MessageConfiguration": SMS_BODY, "Users": {f"u{i}": {} for i in range(101)}})


def test_same_seed_gives_identical_responses(make_client: Any) -> None:
    profile = ChannelProfile(latency=ConstantLatency(value_s=0.01), failures=(
        FailureRule(status="TEMPORARY_FAILURE", probability=0.3, status_code=503),))
    answers = []
    for _ in range(2):
        client = make_client(seed=7, channels={"SMS": profile})
        app = client.create_app(CreateApplicationRequest={"Name": "x"})
        app_id = app["ApplicationResponse"]["Id"]
        out = send(client, app_id, Addresses={f"+1555040{i:04d}": {"ChannelType": "SMS"}
                                              for i in range(50)})
        answers.append((app_id, out["Result"]))
    assert answers[0] == answers[1]
    statuses = [r["DeliveryStatus"] for r in answers[0][1].values()]
    assert 0 < statuses.count("TEMPORARY_FAILURE") < 50


def test_recipient_override_changes_only_that_recipients_content(client: Any, app_id: str
                                                                 ) -> None:
    out = send(client, app_id, Addresses={
        "+15550100013": {"ChannelType": "SMS"},
        "+15550100014": {"ChannelType": "SMS", "BodyOverride": "x" * 1601},
        "+15550100015": {"ChannelType": "SMS", "BodyOverride": "Hi {{name}}",
                         "Substitutions": {"name": ["Ann"]}}})["Result"]
    assert out["+15550100013"]["DeliveryStatus"] == "SUCCESSFUL"
    too_long = out["+15550100014"]
    assert too_long["DeliveryStatus"] == "PERMANENT_FAILURE"
    assert "1601" in too_long["StatusMessage"] and "1600" in too_long["StatusMessage"]
    assert out["+15550100015"]["DeliveryStatus"] == "SUCCESSFUL"


def test_push_payload_over_the_channel_limit_fails_per_recipient(client: Any, app_id: str
                                                                 ) -> None:
    out = send(client, app_id, MessageConfiguration={
        "GCMMessage": {"Title": "t", "Body": "y" * 5000}},
        Addresses={"fcm-token": {"ChannelType": "GCM"},
                   "+15550100016": {"ChannelType": "SMS", "BodyOverride": "short"}})["Result"]
    assert out["fcm-token"]["DeliveryStatus"] == "PERMANENT_FAILURE"
    assert "4096" in out["fcm-token"]["StatusMessage"]
    assert out["+15550100016"]["DeliveryStatus"] == "SUCCESSFUL"


def test_latency_and_completion_time_follow_the_channel_profile(make_client: Any) -> None:
    client = make_client(channels={"SMS": ChannelProfile(latency=ConstantLatency(value_s=0.25))})
    app = client.create_app(CreateApplicationRequest={"Name": "x"})["ApplicationResponse"]["Id"]
    send(client, app, Addresses={"+15550100017": {"ChannelType": "SMS"}})
    if hasattr(client, "last_trace"):
        trace = client.last_trace()
        assert trace.latency_s.tolist() == [0.25]
        assert trace.completion_s - trace.started_s == 0.25


def test_request_id_in_the_body_is_the_one_in_the_response_metadata(client: Any, app_id: str
                                                                      ) -> None:
    response = client.send_messages(ApplicationId=app_id, MessageRequest={
        "MessageConfiguration": SMS_BODY, "Addresses": {"+15550100018": {"ChannelType": "SMS"}}})
    assert response["MessageResponse"]["RequestId"] == response["ResponseMetadata"]["RequestId"]
    update = client.update_endpoint(ApplicationId=app_id, EndpointId="r", EndpointRequest={
        "ChannelType": "SMS", "Address": "+15550100019"})
    assert update["MessageBody"]["RequestID"] == update["ResponseMetadata"]["RequestId"]


def test_gcm_updated_token_is_reported_and_rewrites_the_endpoint(make_client: Any) -> None:
    client = make_client(updated_token_p=1.0)
    app = client.create_app(CreateApplicationRequest={"Name": "x"})["ApplicationResponse"]["Id"]
    put(client, app, "android", ChannelType="GCM", Address="old-token")
    put(client, app, "phone", ChannelType="SMS", Address="+15550100020")
    out = send(client, app, MessageConfiguration={"DefaultMessage": {"Body": "hi"}},
               Endpoints={"android": {}, "phone": {}})["EndpointResult"]
    new_token = out["android"]["UpdatedToken"]
    assert new_token and new_token != "old-token"
    assert "UpdatedToken" not in out["phone"]  # only GCM refreshes tokens
    got = client.get_endpoint(ApplicationId=app, EndpointId="android")["EndpointResponse"]
    assert got["Address"] == new_token


def test_permanent_failure_deactivates_only_when_the_switch_is_on(make_client: Any) -> None:
    gone = ChannelProfile(latency=ConstantLatency(value_s=0.01), failures=(
        FailureRule(status="PERMANENT_FAILURE", probability=1.0, status_code=410),))
    for switch, expected in ((False, "ACTIVE"), (True, "INACTIVE")):
        client = make_client(channels={"GCM": gone}, failure_marks_inactive=switch)
        app = client.create_app(CreateApplicationRequest={"Name": "x"})[
            "ApplicationResponse"]["Id"]
        put(client, app, "stale", ChannelType="GCM", Address="stale-token")
        send(client, app, MessageConfiguration={"DefaultMessage": {"Body": "hi"}},
             Endpoints={"stale": {}})
        got = client.get_endpoint(ApplicationId=app, EndpointId="stale")["EndpointResponse"]
        assert got["EndpointStatus"] == expected


def test_disabled_channel_is_a_permanent_failure_not_enabled(make_client: Any) -> None:
    client = make_client(disabled_channels=["EMAIL"])
    app = client.create_app(CreateApplicationRequest={"Name": "x"})["ApplicationResponse"]["Id"]
    out = send(client, app, MessageConfiguration={"DefaultMessage": {"Body": "hi"}},
               Addresses={"a@example.com": {"ChannelType": "EMAIL"},
                          "+15550100021": {"ChannelType": "SMS"}})["Result"]
    assert out["a@example.com"]["DeliveryStatus"] == "PERMANENT_FAILURE"
    assert out["a@example.com"]["StatusMessage"] == "Channel is not enabled"
    assert out["+15550100021"]["DeliveryStatus"] == "SUCCESSFUL"


def test_opted_out_sms_can_be_reported_as_permanent_failure(make_client: Any) -> None:
    client = make_client(opt_out_as_permanent_p=1.0, sms_opt_out_numbers=["+15550100022"])
    app = client.create_app(CreateApplicationRequest={"Name": "x"})["ApplicationResponse"]["Id"]
    result = send(client, app, Addresses={"+15550100022": {"ChannelType": "SMS"}})["Result"]
    assert result["+15550100022"]["DeliveryStatus"] == "PERMANENT_FAILURE"
    assert result["+15550100022"]["StatusMessage"] == "Recipient opted out"


def test_apns_variants_use_the_apns_profile_unless_they_have_their_own(make_client: Any
                                                                      ) -> None:
    gone = ChannelProfile(latency=ConstantLatency(value_s=0.01), failures=(
        FailureRule(status="PERMANENT_FAILURE", probability=1.0, status_code=410),))
    client = make_client(channels={"APNS": gone})
    app = client.create_app(CreateApplicationRequest={"Name": "x"})["ApplicationResponse"]["Id"]
    out = send(client, app, MessageConfiguration=PUSH_BODY,
               Addresses={"t1": {"ChannelType": "APNS_SANDBOX"},
                          "t2": {"ChannelType": "GCM"}})["Result"]
    assert out["t1"]["StatusCode"] == 410
    assert out["t2"]["DeliveryStatus"] == "SUCCESSFUL"  # no GCM profile: an ideal channel
