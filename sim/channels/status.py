"""Delivery status codes as small ints, so outcome columns are uint8 rather than strings.

The order matches ``sim.api.DeliveryStatus`` member order; ``sim.core`` maps code ``i`` to the
i-th enum member. Keep the two in step (a test in tests/channels checks the names).
"""

from __future__ import annotations

from typing import Final, Literal

SUCCESSFUL: Final = 0
THROTTLED: Final = 1
TEMPORARY_FAILURE: Final = 2
PERMANENT_FAILURE: Final = 3
UNKNOWN_FAILURE: Final = 4
OPT_OUT: Final = 5
DUPLICATE: Final = 6

STATUS_NAMES: Final = (
    "SUCCESSFUL",
    "THROTTLED",
    "TEMPORARY_FAILURE",
    "PERMANENT_FAILURE",
    "UNKNOWN_FAILURE",
    "OPT_OUT",
    "DUPLICATE",
)

STATUS_CODES: Final = {name: code for code, name in enumerate(STATUS_NAMES)}
"""Name -> code, e.g. ``STATUS_CODES["THROTTLED"] == 1``."""

FailureStatusName = Literal[
    "THROTTLED", "TEMPORARY_FAILURE", "PERMANENT_FAILURE", "UNKNOWN_FAILURE"
]
"""Statuses a provider can answer; OPT_OUT and DUPLICATE are decided by sim.core, never here."""
