"""The one-pass address check agrees with the per-address one it stands in for."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sim.core.addresses import (
    CHECKED_ADDRESS_CHANNELS,
    EMAIL_CHANNEL,
    PHONE_CHANNELS,
    address_problem,
    all_valid,
)

pieces = st.sampled_from(["+", "1", "0", "9", "@", "a", ".", " ", "\n", "+1555", "x@y.z"])
addresses = st.lists(st.one_of(st.none(), st.lists(pieces, max_size=8).map("".join),
                               st.text(max_size=20)), max_size=12)


@given(st.sampled_from(sorted(CHECKED_ADDRESS_CHANNELS)), addresses)
def test_all_valid_means_no_address_has_a_problem(channel: int,
                                                  batch: list[str | None]) -> None:
    assert all_valid(channel, batch) == all(address_problem(channel, a) is None for a in batch)


def test_examples() -> None:
    phone = next(iter(PHONE_CHANNELS))
    assert all_valid(phone, ["+15550001111", "+442071234567"])
    assert not all_valid(phone, ["+15550001111\n+15550002222"])  # one address, two lines
    assert not all_valid(phone, ["+05550001111"])
    assert not all_valid(phone, [None])
    assert all_valid(EMAIL_CHANNEL, ["a@b.c"]) and not all_valid(EMAIL_CHANNEL, ["a b@c"])
