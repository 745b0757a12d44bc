"""``--vary KEY=LO..HI`` parsing (the search itself is sim.engine.plan, tested there)."""

from __future__ import annotations

import pytest

from sim.commands._search import parse_vary


def test_vary_ranges_parse_with_their_type() -> None:
    ints = parse_vary("channels.inline.APNS.pool.connections=1..64")
    assert (ints.path[-1], ints.low, ints.high, ints.integer) == ("connections", 1, 64, True)
    floats = parse_vary("workload.arrival.rate_per_s=0.5..250")
    assert (floats.low, floats.high, floats.integer) == (0.5, 250.0, False)
    assert floats.default_resolution() == pytest.approx(2.495)
    for bad in ("rate=5", "rate=9..3", "=1..2", "rate=a..b"):
        with pytest.raises(ValueError):
            parse_vary(bad)
