"""The JSON fast path for address results is byte for byte msgspec's encoding of the Structs."""

from __future__ import annotations

import msgspec
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.api import MessageResponse
from sim.channels import PERMANENT_FAILURE, SUCCESSFUL, THROTTLED
from sim.core.plain_send import escape_free
from sim.core.results import address_results, address_results_json
from sim.core.sends import Outcome

TEXTS = ["", "Unregistered", 'Quote " and back\\slash', "Carrier filtered"]
addresses = st.lists(st.text(st.characters(max_codepoint=0x3FF), min_size=1, max_size=12),
                     min_size=1, max_size=100, unique=True)
outcomes = st.lists(st.sampled_from([(SUCCESSFUL, 200, 0), (PERMANENT_FAILURE, 410, 1),
                                     (THROTTLED, 429, 2), (PERMANENT_FAILURE, 400, 3)]),
                    min_size=100, max_size=100)


def outcome_of(rows: list[tuple[int, int, int]], n: int) -> Outcome:
    status = np.array([r[0] for r in rows[:n]], dtype=np.uint8)
    return Outcome(status, np.array([r[1] for r in rows[:n]], dtype=np.int16),
                   np.array([r[2] for r in rows[:n]], dtype=np.int32), TEXTS,
                   "0123456789abcdef0123456789ab",
                   np.flatnonzero(status != SUCCESSFUL).tolist(), {}, np.zeros(n), 0.0)


def encoded(result: object) -> bytes:
    return msgspec.json.encode(MessageResponse(ApplicationId="app", RequestId="r",
                                               Result=result))  # type: ignore[arg-type]


@settings(max_examples=300)
@given(addresses, outcomes)
def test_json_results_equal_the_encoded_structs(keys: list[str],
                                                 rows: list[tuple[int, int, int]]) -> None:
    outcome = outcome_of(rows, len(keys))
    fast = address_results_json(outcome, keys)
    plain_ascii = all(k.isascii() and not any(ord(c) < 0x20 or c in '"\\' for c in k)
                      for k in keys)
    assert (fast is not None) == plain_ascii
    structs = dict(zip(keys, address_results(outcome, len(keys)), strict=True))
    if fast is not None:
        assert encoded(msgspec.Raw(fast)) == encoded(structs)


def test_typical_campaign_takes_the_fast_path() -> None:
    keys = [f"+1555{i:07d}" for i in range(100)]
    rows = [(SUCCESSFUL, 200, 0)] * 97 + [(PERMANENT_FAILURE, 410, 1)] * 3
    fast = address_results_json(outcome_of(rows, 100), keys)
    assert fast is not None
    decoded = msgspec.json.decode(fast)
    assert list(decoded) == keys
    assert decoded[keys[0]] == {"DeliveryStatus": "SUCCESSFUL",
                                "MessageId": "0123456789abcdef0123456789ab0000",
                                "StatusCode": 200,
                                "StatusMessage": "MessageId: 0123456789abcdef0123456789ab0000"}
    assert decoded[keys[99]] == {"DeliveryStatus": "PERMANENT_FAILURE", "StatusCode": 410,
                                 "StatusMessage": "Unregistered"}


@settings(max_examples=300)
@given(addresses, outcomes)
def test_addresses_of_an_escape_free_body_need_no_check(keys: list[str],
                                                         rows: list[tuple[int, int, int]]
                                                         ) -> None:
    """When the request body proves the addresses plain (``escape_free``), skipping the
    per-address check gives the Structs' encoding exactly; any address that JSON must escape
    makes the body not escape-free."""
    body = msgspec.json.encode({"Addresses": {k: {"ChannelType": "SMS"} for k in keys}})
    needs_escaping = any(not k.isascii() or any(ord(c) < 0x20 or c in '"\\' for c in k)
                         for k in keys)
    assert escape_free(body) == (not needs_escaping)
    if needs_escaping:
        return
    decoded = list(msgspec.json.decode(body)["Addresses"])
    outcome = outcome_of(rows, len(keys))
    fast = address_results_json(outcome, decoded, plain_text=True)
    assert fast is not None
    structs = dict(zip(decoded, address_results(outcome, len(keys)), strict=True))
    assert encoded(msgspec.Raw(fast)) == encoded(structs)


def test_escape_free_bodies() -> None:
    assert escape_free(b'{"Addresses":{"+15555550100":{"ChannelType":"SMS"}}}')
    assert escape_free(b'{"Addresses":{"a\x7fb":{"ChannelType":"PUSH"}}}')  # DEL: not escaped
    assert not escape_free(b'{"Addresses":{"a\\"b":{"ChannelType":"PUSH"}}}')
    assert not escape_free(b'{"Addresses":{"\\u0041":{"ChannelType":"PUSH"}}}')
    assert not escape_free('{"Addresses":{"é":{"ChannelType":"PUSH"}}}'.encode())
