"""Status codes: sim.core maps code i to the i-th DeliveryStatus member, so the order is the API."""

from __future__ import annotations

from sim import channels
from sim.api import DeliveryStatus


def test_status_names_follow_the_api_enum_order() -> None:
    assert tuple(member.name for member in DeliveryStatus) == channels.STATUS_NAMES


def test_each_code_constant_indexes_its_own_name() -> None:
    for code, name in enumerate(channels.STATUS_NAMES):
        assert getattr(channels, name) == code
        assert channels.STATUS_CODES[name] == code


def test_codes_fit_the_uint8_status_column() -> None:
    assert max(channels.STATUS_CODES.values()) < 256
    assert (channels.SUCCESSFUL, channels.THROTTLED, channels.DUPLICATE) == (0, 1, 6)
