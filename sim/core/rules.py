"""The rules decided before any provider call (reference/pinpoint.md §3), on columnar batches.

The service applies them to one request of up to 100 recipients; the engine applies them to
millions of recipients of many requests at once (``group`` tells requests apart). One function
serves both, so the two drivers cannot disagree.

Order of the checks, first match wins (decision where §3 is silent):
1. unknown endpoint id: PERMANENT_FAILURE 404 "Endpoint does not exist";
2. INACTIVE endpoint: PERMANENT_FAILURE 400 "Endpoint is inactive";
3. DUPLICATE: among the recipients still targeted, the first in request order of each
   (channel family, address) is delivered, the rest are DUPLICATE 400;
4. OPT_OUT: opted-out recipients get OPT_OUT 400 "Destination phone number opted out" (or, with
   probability ``opt_out_as_permanent_p``, PERMANENT_FAILURE 400 "Recipient opted out" — both are
   seen in the field); they never reach a channel.
Everything else passes to content checks and the channel models (status ``PASS``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from sim.channels import DUPLICATE, OPT_OUT, PERMANENT_FAILURE, UNDECIDED

#: Status of a recipient that no rule stopped (not a DeliveryStatus): the channel models'
#: UNDECIDED, so passing recipients go to admission as they are.
PASS = UNDECIDED

RULE_MESSAGES: tuple[str, ...] = (
    "",
    "Endpoint does not exist",
    "Endpoint is inactive",
    "Duplicate address in request",
    "Destination phone number opted out",
    "Recipient opted out",
)
MSG_NONE, MSG_UNKNOWN, MSG_INACTIVE, MSG_DUPLICATE, MSG_OPT_OUT, MSG_OPT_OUT_PERMANENT = range(6)


class Recipients(NamedTuple):
    """Columns of recipients in request order; ``group`` is the request index."""

    group: npt.NDArray[np.int64]
    family: npt.NDArray[np.uint8]
    address_key: npt.NDArray[np.int64]  # equal keys are equal addresses; -1: none
    unknown: npt.NDArray[np.bool_]
    inactive: npt.NDArray[np.bool_]
    opted_out: npt.NDArray[np.bool_]
    distinct_addresses: bool = False
    """The caller knows no two recipients share an address key (e.g. Addresses alone, which
    are a JSON object's keys), so the DUPLICATE sort can be skipped."""


class RuleOutcome(NamedTuple):
    status: npt.NDArray[np.uint8]  # PASS or a DeliveryStatus code
    status_code: npt.NDArray[np.int16]
    message: npt.NDArray[np.uint8]  # index into RULE_MESSAGES


def first_of_each(group: npt.NDArray[np.int64], family: npt.NDArray[np.uint8],
                  address_key: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """True where (group, family, address_key) appears for the first time (in array order).

    All keys are >= 0 (``group`` by contract, ``address_key`` as targeted recipients have an
    address). Keys that fit are packed into one int64 (group < 2**23, address_key < 2**32) and
    ranked with one stable sort; others take the general lexsort path. A test checks both agree.
    """
    n = len(group)
    if n < 2:
        return np.ones(n, dtype=bool)
    if int(group.max()) < (1 << 23) and int(address_key.max()) < (1 << 32):
        packed = (group << 40) | (family.astype(np.int64) << 32) | address_key
        order = np.argsort(packed, kind="stable")
        ranked = packed[order]
        first = np.ones(n, dtype=bool)
        first[order[1:][ranked[1:] == ranked[:-1]]] = False
        return first
    return first_of_each_general(group, family, address_key)


def first_of_each_general(*keys: npt.NDArray[np.int64] | npt.NDArray[np.uint8]
                          ) -> npt.NDArray[np.bool_]:
    """:func:`first_of_each` for any key values (lexicographic sort of the key columns)."""
    n = len(keys[0])
    first = np.ones(n, dtype=bool)
    if n < 2:
        return first
    order = np.lexsort((np.arange(n), *reversed(keys)))
    same = np.ones(n - 1, dtype=bool)
    for key in keys:
        ordered = key[order]
        same &= ordered[1:] == ordered[:-1]
    first[order[1:][same]] = False
    return first


def apply_rules(recipients: Recipients, opt_out_as_permanent_p: float = 0.0,
                rng: np.random.Generator | None = None) -> RuleOutcome:
    n = len(recipients.group)
    status = np.full(n, PASS, dtype=np.uint8)
    code = np.zeros(n, dtype=np.int16)
    message = np.zeros(n, dtype=np.uint8)

    def settle(mask: npt.NDArray[np.bool_], st: int, sc: int, msg: int) -> None:
        status[mask], code[mask], message[mask] = st, sc, msg

    unknown = recipients.unknown
    inactive = recipients.inactive & ~unknown
    stopped = unknown | inactive
    if stopped.any():
        settle(unknown, PERMANENT_FAILURE, 404, MSG_UNKNOWN)
        settle(inactive, PERMANENT_FAILURE, 400, MSG_INACTIVE)

    targeted = ~stopped & (recipients.address_key >= 0)
    idx = np.flatnonzero(targeted)
    if len(idx) > 1 and not recipients.distinct_addresses:
        first = first_of_each(recipients.group[idx], recipients.family[idx],
                              recipients.address_key[idx])
        duplicate = np.zeros(n, dtype=bool)
        duplicate[idx[~first]] = True
        settle(duplicate, DUPLICATE, 400, MSG_DUPLICATE)

    opted = recipients.opted_out & (status == PASS)
    if opted.any():
        settle(opted, OPT_OUT, 400, MSG_OPT_OUT)
        if opt_out_as_permanent_p > 0.0:
            if rng is None:
                raise ValueError("opt_out_as_permanent_p needs a random generator")
            where = np.flatnonzero(opted)
            flip = where[rng.random(len(where)) < opt_out_as_permanent_p]
            status[flip], message[flip] = PERMANENT_FAILURE, MSG_OPT_OUT_PERMANENT
    return RuleOutcome(status, code, message)
