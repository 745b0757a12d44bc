"""The wire Structs and the operation table agree with the botocore model boto3 installs."""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

import botocore.session
import msgspec
import pytest

import sim.api as api
from sim.api import OPERATIONS

MODEL = botocore.session.get_session().get_service_model("pinpoint")
SCALARS = {"string": str, "boolean": bool, "integer": int, "long": int, "double": float,
           "blob": bytes}


def _strip_optional(tp: Any) -> Any:
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        assert len(rest) == 1
        return rest[0]
    return tp


def _matches(tp: Any, shape: Any) -> bool:
    """Whether a Python annotation is the msgspec type of a botocore shape."""
    kind = shape.type_name
    if kind == "list":
        return typing.get_origin(tp) is list and _matches(typing.get_args(tp)[0], shape.member)
    if kind == "map":
        key, value = typing.get_args(tp)
        return typing.get_origin(tp) is dict and key is str and _matches(value, shape.value)
    if kind == "structure":
        return isinstance(tp, type) and tp.__name__ == shape.name
    if shape.metadata.get("enum"):
        return (isinstance(tp, type) and issubclass(tp, enum.Enum)
                and [m.value for m in tp] == shape.metadata["enum"])
    return tp is SCALARS[kind]


def _payload_shapes() -> list[Any]:
    found: dict[str, Any] = {}

    def visit(shape: Any) -> None:
        if shape.type_name == "list":
            visit(shape.member)
        elif shape.type_name == "map":
            visit(shape.value)
        elif shape.type_name == "structure" and shape.name not in found:
            found[shape.name] = shape
            for member in shape.members.values():
                visit(member)

    for op in OPERATIONS.values():
        model_op = MODEL.operation_model(op.name)
        for wrapper in (model_op.input_shape, model_op.output_shape):
            payload = wrapper.serialization.get("payload") if wrapper else None
            if payload:
                visit(wrapper.members[payload])
        for error in model_op.error_shapes:
            visit(error)
    return list(found.values())


SHAPES = _payload_shapes()


def test_every_channel_message_is_covered() -> None:
    names = {s.name for s in SHAPES}
    for message in ("APNSMessage", "GCMMessage", "BaiduMessage", "ADMMessage", "SMSMessage",
                    "EmailMessage", "VoiceMessage", "DefaultMessage",
                    "DefaultPushNotificationMessage", "MessageRequest", "MessageResponse",
                    "SendUsersMessageRequest", "SendUsersMessageResponse", "EndpointRequest",
                    "EndpointResponse", "EndpointBatchRequest", "NotFoundException"):
        assert message in names


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
def test_struct_members_types_and_required_flags_match_model(shape: Any) -> None:
    struct = getattr(api, shape.name)
    fields = {f.name: f for f in msgspec.structs.fields(struct)}
    assert set(fields) == set(shape.members), "member names differ from the model"
    hints = typing.get_type_hints(struct, vars(api._shapes))
    for name, member in shape.members.items():
        required = name in shape.required_members
        assert fields[name].required is required, f"{shape.name}.{name} required flag"
        tp = hints[name] if required else _strip_optional(hints[name])
        assert _matches(tp, member), f"{shape.name}.{name}: {tp} is not {member.type_name}"


@pytest.mark.parametrize("enum_name", ["ChannelType", "DeliveryStatus", "Action", "MessageType"])
def test_enums_have_exactly_the_model_values(enum_name: str) -> None:
    shape = MODEL.shape_for(enum_name)
    assert [m.value for m in getattr(api, enum_name)] == shape.metadata["enum"]


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_table_matches_model(name: str) -> None:
    op, model_op = OPERATIONS[name], MODEL.operation_model(name)
    assert op.method == model_op.http["method"]
    assert op.uri == model_op.http["requestUri"].split("?")[0]
    assert op.status == model_op.http.get("responseCode", 200)
    payload = model_op.input_shape.serialization.get("payload")
    expected_in = model_op.input_shape.members[payload].name if payload else None
    assert (op.input_body.__name__ if op.input_body else None) == expected_in
    out_payload = model_op.output_shape.serialization["payload"]
    assert op.output_body.__name__ == model_op.output_shape.members[out_payload].name


def test_unknown_channel_type_is_a_bad_request_naming_the_path() -> None:
    body = b'{"MessageConfiguration": {}, "Addresses": {"+15550100": {"ChannelType": "FAX"}}}'
    with pytest.raises(api.BadRequest, match=r"\$\.Addresses\[\.\.\.\]\.ChannelType"):
        api.decode(api.MessageRequest, body)


def test_missing_required_member_is_a_bad_request_naming_it() -> None:
    with pytest.raises(api.BadRequest, match="MessageConfiguration"):
        api.decode(api.MessageRequest, b'{"Addresses": {}}')


def test_malformed_json_is_a_bad_request() -> None:
    with pytest.raises(api.BadRequest, match="Malformed JSON"):
        api.decode(api.MessageRequest, b'{"Addresses": ')


def test_json_nested_past_the_recursion_limit_is_a_bad_request() -> None:
    deep = b'{"Name": "a", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    with pytest.raises(api.BadRequest, match="nested more than about"):
        api.decode(api.CreateApplicationRequest, deep)


def test_wrong_member_type_names_the_member() -> None:
    expected = r"Expected `object \| null`, got `array` - at `\$\.Context`"
    with pytest.raises(api.BadRequest, match=expected):
        api.decode(api.MessageRequest, b'{"MessageConfiguration": {}, "Context": []}')
