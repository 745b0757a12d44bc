"""Checks shared by the profile Structs.

msgspec's ``Meta`` constraints already reject bad values at decode time with the field's path;
these repeat the checks in ``__post_init__`` so Structs built in Python are validated too, and
add the cross-field rules ``Meta`` cannot express. Messages name the field and the limit.
"""

from __future__ import annotations

import math


def require(ok: bool, field: str, limit: str, got: object) -> None:
    if not ok:
        raise ValueError(f"Expected `{field}` {limit}, got {got!r}")


def require_finite_positive(field: str, value: float) -> None:
    require(math.isfinite(value) and value > 0, field, "> 0 and finite", value)


def require_probability(field: str, value: float) -> None:
    require(0.0 <= value <= 1.0, field, "in [0, 1]", value)
