"""SMS encoding detection, septet counting, part counting and the size limit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.core.sms import (
    GSM7_BASIC_CHARS,
    GSM7_EXTENSION_CHARS,
    MAX_GSM7_SEPTETS,
    MAX_UCS2_UNITS,
    SmsEncoding,
    measure_sms,
    over_limit_message,
    parts_for,
    parts_for_lengths,
)

GSM7 = SmsEncoding.GSM7
UCS2 = SmsEncoding.UCS2


@pytest.mark.parametrize(
    ("text", "encoding", "units"),
    [
        pytest.param("Hello, world!", GSM7, 13, id="ascii-letters"),
        pytest.param("@£$¥èéùìòÇ\nØø\rÅåΔ_ÄÖÑÜ§¿äöñüà", GSM7, 29, id="basic-set-non-ascii"),
        pytest.param("€", GSM7, 2, id="euro-is-extension"),
        pytest.param("{", GSM7, 2, id="brace-is-extension"),
        pytest.param("\f^{}\\[~]|€", GSM7, 20, id="whole-extension-table"),
        pytest.param("a€b", GSM7, 4, id="mixed-basic-and-extension"),
        pytest.param("ç", UCS2, 1, id="lowercase-c-cedilla-not-gsm"),
        pytest.param("`", UCS2, 1, id="backtick-not-gsm"),
        pytest.param("\t", UCS2, 1, id="tab-not-gsm"),
        pytest.param("\u2019", UCS2, 1, id="smart-quote-not-transliterated"),
        pytest.param("a€ж", UCS2, 3, id="one-non-gsm-char-makes-all-ucs2"),
        pytest.param("😀", UCS2, 2, id="astral-emoji-is-two-code-units"),
        pytest.param("", GSM7, 0, id="empty"),
    ],
)
def test_encoding_and_length_units(text: str, encoding: SmsEncoding, units: int) -> None:
    measure = measure_sms(text)
    assert (measure.encoding, measure.units) == (encoding, units)


def test_gsm_tables_have_the_standard_sizes() -> None:
    # 128 code points minus the escape; 10 extension characters (3GPP TS 23.038).
    assert len(set(GSM7_BASIC_CHARS)) == 127
    assert len(set(GSM7_EXTENSION_CHARS)) == 10


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        pytest.param("a" * 160, 1, id="gsm-160-one-part"),
        pytest.param("a" * 161, 2, id="gsm-161-two-parts"),
        pytest.param("a" * 306, 2, id="gsm-306-two-parts"),
        pytest.param("a" * 307, 3, id="gsm-307-three-parts"),
        pytest.param("€" * 80, 1, id="80-euro-is-160-septets"),
        pytest.param("€" * 81, 2, id="81-euro-is-162-septets"),
        pytest.param("a" * 159 + "{", 2, id="extension-char-tips-over-160"),
        pytest.param("ж" * 70, 1, id="ucs2-70-one-part"),
        pytest.param("ж" * 71, 2, id="ucs2-71-two-parts"),
        pytest.param("ж" * 134, 2, id="ucs2-134-two-parts"),
        pytest.param("ж" * 135, 3, id="ucs2-135-three-parts"),
        pytest.param("😀" * 35, 1, id="35-emoji-is-70-units"),
        pytest.param("😀" * 36, 2, id="36-emoji-is-72-units"),
        pytest.param("a" * 1600, 11, id="gsm-maximum"),
    ],
)
def test_part_count(text: str, parts: int) -> None:
    assert measure_sms(text).parts == parts


@pytest.mark.parametrize(
    ("text", "payload_bytes"),
    [
        pytest.param("a" * 160, 140, id="160-septets-fill-140-bytes"),
        pytest.param("a" * 8, 7, id="8-septets-pack-into-7-bytes"),
        pytest.param("a", 1, id="one-septet-rounds-up"),
        pytest.param("ж" * 70, 140, id="70-ucs2-fill-140-bytes"),
    ],
)
def test_payload_bytes_are_air_interface_bytes(text: str, payload_bytes: int) -> None:
    assert measure_sms(text).payload_bytes == payload_bytes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("a" * MAX_GSM7_SEPTETS, None, id="gsm-at-limit"),
        pytest.param(
            "a" * 1601,
            "SMS body of 1601 GSM-7 septets exceeds the limit of 1600 septets",
            id="gsm-over-limit",
        ),
        pytest.param("€" * 800, None, id="extension-at-limit"),
        pytest.param(
            "€" * 800 + "a",
            "SMS body of 1601 GSM-7 septets exceeds the limit of 1600 septets",
            id="extension-counts-twice-toward-limit",
        ),
        pytest.param("ж" * MAX_UCS2_UNITS, None, id="ucs2-at-limit"),
        pytest.param(
            "ж" * 701,
            "SMS body of 701 UCS-2 characters exceeds the limit of 700 characters",
            id="ucs2-over-limit",
        ),
    ],
)
def test_size_limit(text: str, message: str | None) -> None:
    assert over_limit_message(measure_sms(text)) == message


def test_size_limit_is_configurable() -> None:
    measure = measure_sms("a" * 200)
    assert over_limit_message(measure, max_gsm7_septets=199) is not None
    assert over_limit_message(measure, max_gsm7_septets=200) is None


def test_long_text_is_measured_the_same_uncached_and_cached() -> None:
    # Texts past the limit skip the cache; the answer must not depend on that.
    assert measure_sms("a" * 5000) == measure_sms("a" * 5000)
    assert measure_sms("a" * 5000).parts == 33


def test_vectorised_parts_match_known_boundaries() -> None:
    units = np.array([0, 160, 161, 306, 307, 70, 71, 134, 135])
    is_ucs2 = np.array([False] * 5 + [True] * 4)
    assert parts_for_lengths(units, is_ucs2).tolist() == [1, 1, 2, 2, 3, 1, 2, 2, 3]


@given(st.text())
def test_parts_are_consistent_with_length(text: str) -> None:
    measure = measure_sms(text)
    single, multi = (160, 153) if measure.encoding is GSM7 else (70, 67)
    if measure.units <= single:
        assert measure.parts == 1
    else:
        # Just enough parts: the last one is non-empty and none overflows.
        assert (measure.parts - 1) * multi < measure.units <= measure.parts * multi
    assert measure.units >= len(text)


@given(st.lists(st.tuples(st.integers(0, 10_000), st.booleans()), max_size=50))
def test_vectorised_parts_agree_with_scalar(rows: list[tuple[int, bool]]) -> None:
    units = np.array([u for u, _ in rows], dtype=np.int64)
    is_ucs2 = np.array([b for _, b in rows], dtype=bool)
    expected = [parts_for(u, UCS2 if b else GSM7) for u, b in rows]
    assert parts_for_lengths(units, is_ucs2).tolist() == expected
