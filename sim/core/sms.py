"""SMS encoding and part counting (reference/pinpoint.md §4, reference/channels.md).

Channel rate limits count message *parts* per second, so every SMS recipient needs its part count.
One part carries 140 bytes: 160 GSM-7 septets or 70 UCS-2 code units; a concatenated message
carries 153 / 67 per part (the rest is the concatenation header).

Decisions (the references are silent):

- **Encoding.** GSM-7 when every character is in the GSM 03.38 basic set or its extension table
  (3GPP TS 23.038), else UCS-2 for the whole message. The basic set is taken literally: ``Ç``
  (0x09) is GSM-7 but ``ç`` is not, and no transliteration (smart quotes to ASCII, ...) is done.
- **Length units.** GSM-7 counts septets: an extension character (``\\f ^ { } \\ [ ~ ] | €``)
  costs two (escape + code). UCS-2 counts UTF-16 code units, so a character outside the BMP
  (most emoji) costs two.
- **Parts.** ``1`` when the units fit one part (an empty text is one part; callers reject empty
  bodies before counting), else ``ceil(units / 153)`` or ``ceil(units / 67)``. Real senders never
  split an escape sequence or a surrogate pair across parts, which can add one part at a boundary;
  that refinement is not modelled, so the count follows the documented formula exactly.
- **Maximum size.** 1,600 GSM-7 septets (reference §4 "1,600 GSM characters", extension
  characters counting twice like everywhere else). The UCS-2 equivalent is the same byte budget:
  1,600 septets x 7 bits = 1,400 bytes = 700 code units. (AWS End User Messaging now documents
  1,530 / 630; the contract's 1,600 wins, and callers may pass other limits.)
- **Bytes.** ``payload_bytes`` is the user data on the air interface without concatenation
  headers: ``ceil(septets * 7 / 8)`` for GSM-7 (160 septets = 140 bytes), ``2 * units`` for UCS-2.
"""

from __future__ import annotations

import enum
import re
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

GSM7_BASIC_CHARS = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"  # 0x1B is the escape to the extension table, not a character
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
#: Characters of the GSM 03.38 extension table: each costs two septets (escape + code).
GSM7_EXTENSION_CHARS = "\f^{}\\[~]|€"

GSM7_SINGLE_PART_SEPTETS = 160
GSM7_MULTIPART_SEPTETS = 153
UCS2_SINGLE_PART_UNITS = 70
UCS2_MULTIPART_UNITS = 67
#: Default maximum message size (see the module docstring for the UCS-2 equivalent).
MAX_GSM7_SEPTETS = 1600
MAX_UCS2_UNITS = 700

_NOT_GSM7 = re.compile("[^" + re.escape(GSM7_BASIC_CHARS + GSM7_EXTENSION_CHARS) + "]")
_GSM7_EXTENSION = re.compile("[" + re.escape(GSM7_EXTENSION_CHARS) + "]")
#: Texts longer than this fail every default size limit; they are measured but not cached.
_CACHED_TEXT_MAX_CHARS = MAX_GSM7_SEPTETS


class SmsEncoding(enum.Enum):
    GSM7 = "GSM7"
    UCS2 = "UCS2"


class SmsMeasure(NamedTuple):
    """How a text travels as SMS; ``units`` are septets (GSM-7) or UTF-16 code units (UCS-2)."""

    encoding: SmsEncoding
    units: int
    parts: int
    payload_bytes: int


def gsm7_septets(text: str) -> int | None:
    """Septets of ``text`` in GSM-7, or None when it needs UCS-2."""
    if _NOT_GSM7.search(text) is not None:
        return None
    return len(text) + len(_GSM7_EXTENSION.findall(text))


def ucs2_units(text: str) -> int:
    """UTF-16 code units of ``text`` (lone surrogates count one, never raise)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def parts_for(units: int, encoding: SmsEncoding) -> int:
    """Parts needed for ``units`` septets / code units."""
    if encoding is SmsEncoding.GSM7:
        single, multi = GSM7_SINGLE_PART_SEPTETS, GSM7_MULTIPART_SEPTETS
    else:
        single, multi = UCS2_SINGLE_PART_UNITS, UCS2_MULTIPART_UNITS
    return 1 if units <= single else -(-units // multi)


def parts_for_lengths(
    units: npt.NDArray[np.integer], is_ucs2: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """Vectorised :func:`parts_for`, for engines that carry lengths as columns."""
    units = np.asarray(units, dtype=np.int64)
    single = np.where(is_ucs2, UCS2_SINGLE_PART_UNITS, GSM7_SINGLE_PART_SEPTETS)
    multi = np.where(is_ucs2, UCS2_MULTIPART_UNITS, GSM7_MULTIPART_SEPTETS)
    return np.where(units <= single, 1, -(-units // multi)).astype(np.int64)


def _measure(text: str) -> SmsMeasure:
    septets = gsm7_septets(text)
    if septets is not None:
        parts = parts_for(septets, SmsEncoding.GSM7)
        return SmsMeasure(SmsEncoding.GSM7, septets, parts, -(-septets * 7 // 8))
    units = ucs2_units(text)
    return SmsMeasure(SmsEncoding.UCS2, units, parts_for(units, SmsEncoding.UCS2), 2 * units)


_measure_cached = lru_cache(maxsize=4096)(_measure)


def measure_sms(text: str) -> SmsMeasure:
    """Encoding, length, parts and bytes of ``text``; cached, as one body repeats across sends."""
    if len(text) > _CACHED_TEXT_MAX_CHARS:
        return _measure(text)
    return _measure_cached(text)


def over_limit_message(
    measure: SmsMeasure,
    max_gsm7_septets: int = MAX_GSM7_SEPTETS,
    max_ucs2_units: int = MAX_UCS2_UNITS,
) -> str | None:
    """The per-recipient failure message when ``measure`` exceeds the size limit, else None."""
    if measure.encoding is SmsEncoding.GSM7:
        if measure.units > max_gsm7_septets:
            return (
                f"SMS body of {measure.units} GSM-7 septets exceeds the limit of "
                f"{max_gsm7_septets} septets"
            )
    elif measure.units > max_ucs2_units:
        return (
            f"SMS body of {measure.units} UCS-2 characters exceeds the limit of "
            f"{max_ucs2_units} characters"
        )
    return None
