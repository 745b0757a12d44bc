"""Properties over generated requests: one result per recipient, and codecs that round-trip."""

from __future__ import annotations

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.api import (
    ChannelType,
    CreateApplicationRequest,
    EndpointRequest,
    MessageRequest,
    MessageResponse,
    decode,
    encode,
)
from sim.channels import ChannelProfile, ConstantLatency, FailureRule, RateLimit
from sim.core.service import Service, ServiceConfig

CHANNELS = [ct.value for ct in ChannelType]
ADDRESS = st.one_of(st.from_regex(r"\+1555[0-9]{7}", fullmatch=True),
                    st.from_regex(r"[a-z]{1,8}@example\.com", fullmatch=True),
                    st.text(min_size=1, max_size=12))
RECIPIENT_CONFIG = st.fixed_dictionaries({}, optional={
    "BodyOverride": st.text(max_size=30),
    "Substitutions": st.dictionaries(st.sampled_from(["a", "b"]), st.lists(st.text(max_size=5))),
})
PROFILE = ChannelProfile(
    latency=ConstantLatency(value_s=0.01),
    failures=(FailureRule(status="TEMPORARY_FAILURE", probability=0.2, status_code=500),),
    rate_limit=RateLimit(rate_per_s=1000.0, burst=20.0))


def _service_with_endpoints(endpoints: list[tuple[str, str, str, bool]]) -> tuple[Service, str]:
    svc = Service(ServiceConfig(seed=3, channels={c: PROFILE for c in ("SMS", "GCM", "APNS")}))
    app = svc.create_app(CreateApplicationRequest(Name="p"), 0.0).Id
    for endpoint_id, channel, address, opted in endpoints:
        svc.update_endpoint(app, endpoint_id, EndpointRequest(
            ChannelType=ChannelType(channel), Address=address, OptOut="ALL" if opted else "NONE"),
            0.0)
    return svc, app


@settings(max_examples=60, deadline=None)
@given(
    addresses=st.dictionaries(ADDRESS, st.tuples(st.sampled_from(CHANNELS), RECIPIENT_CONFIG),
                              max_size=40),
    stored=st.lists(st.tuples(st.from_regex(r"e[0-9]{1,3}", fullmatch=True),
                              st.sampled_from(["SMS", "GCM", "APNS", "EMAIL"]), ADDRESS,
                              st.booleans()), max_size=30),
    targets=st.lists(st.from_regex(r"[eE][0-9]{1,3}", fullmatch=True), max_size=40),
)
def test_every_recipient_gets_exactly_one_result(
        addresses: dict[str, tuple[str, dict[str, object]]],
        stored: list[tuple[str, str, str, bool]], targets: list[str]) -> None:
    svc, app = _service_with_endpoints(stored)
    request = {"MessageConfiguration": {"DefaultMessage": {"Body": "hello {{a}}"}},
               "Addresses": {a: {"ChannelType": ch, **cfg} for a, (ch, cfg) in addresses.items()},
               "Endpoints": {t: {} for t in targets}}
    if not addresses and not targets:
        return
    reply = svc.call("SendMessages", {"application-id": app}, {}, msgspec.json.encode(request),
                     1.0)
    response = decode(MessageResponse, reply.body)
    assert list(response.Result or {}) == list(request["Addresses"])
    assert list(response.EndpointResult or {}) == list(request["Endpoints"])
    results = [*(response.Result or {}).values(), *(response.EndpointResult or {}).values()]
    message_ids = [r.MessageId for r in results if r.MessageId is not None]
    assert len(message_ids) == len(set(message_ids))
    for result in results:
        assert (result.MessageId is not None) == (result.DeliveryStatus.value == "SUCCESSFUL")
    assert reply.completion_s >= 1.0



@settings(max_examples=100, deadline=None)
@given(st.dictionaries(ADDRESS, st.tuples(st.sampled_from(CHANNELS), RECIPIENT_CONFIG),
                       max_size=20),
       st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=4),
       st.text(max_size=50))
def test_message_request_round_trips_through_json(
        addresses: dict[str, tuple[str, dict[str, object]]], context: dict[str, str],
        body: str) -> None:
    raw = {"MessageConfiguration": {"SMSMessage": {"Body": body}},
           "Addresses": {a: {"ChannelType": ch, **cfg} for a, (ch, cfg) in addresses.items()},
           "Context": context}
    decoded = msgspec.convert(raw, MessageRequest)
    assert decode(MessageRequest, encode(decoded)) == decoded
    assert msgspec.json.decode(encode(decoded)) == raw


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["SMS", "GCM"]), st.booleans()), min_size=1,
                max_size=100))
def test_response_round_trips_through_json(recipients: list[tuple[str, bool]]) -> None:
    svc, app = _service_with_endpoints([])
    addresses = {(f"+1555{i:07d}" if ch == "SMS" else f"tok{i}"): {"ChannelType": ch}
                 for i, (ch, _) in enumerate(recipients)}
    response, _ = svc.send_messages(app, msgspec.convert(
        {"MessageConfiguration": {"DefaultMessage": {"Body": "x"}}, "Addresses": addresses},
        MessageRequest), 0.5)
    assert decode(MessageResponse, encode(response)) == response
