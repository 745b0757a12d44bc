"""SendMessages bodies whose addresses carry only a ChannelType take a decode of their own; the
answers (and errors) must be exactly those of the general decode."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.api import ChannelType, CreateApplicationRequest, EndpointRequest, MessageRequest, decode
from sim.api.errors import PinpointError
from sim.core import plain_send
from sim.core.channel_types import CODE_BY_NAME
from sim.core.plain_send import CODE_BY_PLAIN_ADDRESS, decode_message_request, plain_addresses
from sim.core.service import Service, ServiceConfig

from .test_properties import PROFILE

APP = "plain-app"
CHANNELS = ["SMS", "GCM", "APNS", "EMAIL", "VOICE", "BAIDU", "SMTP"]
ADDRESS_CONFIG = st.one_of(
    st.builds(lambda ct: {"ChannelType": ct}, st.sampled_from(CHANNELS)),
    st.fixed_dictionaries({"ChannelType": st.sampled_from(CHANNELS)}, optional={
        "BodyOverride": st.sampled_from(["", "Hi {{Name}}", None]),
        "Context": st.sampled_from([{}, {"k": "v"}, None]),
        "TitleOverride": st.sampled_from(["", "T"]),
        "Unknown": st.just(1),
    }),
    st.sampled_from([{}, {"ChannelType": None}, {"ChannelType": "PIGEON"}, []]),
)
BODY = st.fixed_dictionaries({
    "Addresses": st.dictionaries(st.sampled_from(["+15550000001", "+15550000002", "a@b.example",
                                                  "tok-1", "tok-2", "bad address", ""]),
                                 ADDRESS_CONFIG, max_size=5),
    "MessageConfiguration": st.sampled_from([
        {"DefaultMessage": {"Body": "Hello"}},
        {"SMSMessage": {"Body": "Code 1234", "MessageType": "TRANSACTIONAL"},
         "DefaultPushNotificationMessage": {"Title": "T", "Body": "B"}},
        {}]),
}, optional={"Endpoints": st.just({"e-1": {}, "e-2": {"BodyOverride": "x"}, "e-404": {}}),
             "Context": st.just({"a": "b"})})


def new_service() -> Service:
    service = Service(ServiceConfig(seed=11, channels={c: PROFILE for c in CHANNELS[:5]},
                                    sms_opt_out_numbers=["+15550000002"]))
    service.create_app(CreateApplicationRequest(Name="p"), 0.0, app_id=APP)
    for endpoint_id, channel, address in (("e-1", "GCM", "tok-1"), ("e-2", "SMS", "+1555000009")):
        service.update_endpoint(APP, endpoint_id, EndpointRequest(
            ChannelType=ChannelType(channel), Address=address), 0.0)
    return service


def answers(body: bytes, *, general: bool, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Three sends of ``body`` to a fresh service (state carries over between them)."""
    service = new_service()
    with monkeypatch.context() as patch:
        if general:
            patch.setattr(plain_send, "_plain_decoder", _AlwaysFails())
        out: list[Any] = []
        for i in range(3):
            try:
                reply = service.call("SendMessages", {"application-id": APP}, {}, body, 1.0 + i,
                                     f"rid-{i}")
                out.append((reply.status, json.loads(reply.body), reply.completion_s))
            except PinpointError as exc:
                out.append((exc.status, exc.error_type, exc.message))
    return out


class _AlwaysFails:
    def decode(self, body: bytes) -> object:
        import msgspec
        raise msgspec.ValidationError("general path forced")


@settings(max_examples=150, deadline=None)
@given(BODY)
def test_plain_decode_answers_exactly_as_the_general_one(body_json: dict[str, Any]) -> None:
    body = json.dumps(body_json).encode()
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert answers(body, general=False, monkeypatch=monkeypatch) == answers(
            body, general=True, monkeypatch=monkeypatch)


def test_only_addresses_with_just_a_channel_are_plain() -> None:
    plain = decode_message_request(
        b'{"Addresses": {"+15550000001": {"ChannelType": "SMS"}, "t": {"ChannelType": "GCM"},'
        b' "t": {"ChannelType": "APNS"}}, "TraceId": "t",'
        b' "MessageConfiguration": {"DefaultMessage": {"Body": "x"}}}')
    is_plain = plain_addresses((plain.Addresses or {}).values())
    assert is_plain
    assert plain.Addresses is not None and list(plain.Addresses) == ["+15550000001", "t"]
    assert [CODE_BY_PLAIN_ADDRESS[type(c)] for c in plain.Addresses.values()] == [
        CODE_BY_NAME["SMS"], CODE_BY_NAME["APNS"]]  # a repeated address: the last one counts
    assert plain.TraceId == "t"
    for config in (b'{"ChannelType": "SMS", "BodyOverride": null}', b'{"ChannelType": "SMS",'
                   b' "Other": 1}', b'{}', b'{"ChannelType": "SMS", "Context": {}}',
                   b'{"ChannelType": "SMS", "ChannelType": "GCM"}'):
        body = b'{"Addresses": {"a": %s}, "MessageConfiguration": {}}' % config
        request = decode_message_request(body)
        is_plain = plain_addresses((request.Addresses or {}).values())
        assert not is_plain
        assert request == decode(MessageRequest, body)
