"""Channel x status counter table: bulk counting, merging, JSON and wire forms."""

from __future__ import annotations

from collections import Counter

import msgspec
import numpy as np
import pytest

from sim.metrics import CounterTable, CounterTableWire

CHANNELS = ["SMS", "EMAIL", "GCM"]
STATUSES = ["SUCCESSFUL", "THROTTLED", "PERMANENT_FAILURE"]


def test_bulk_codes_count_like_python() -> None:
    rng = np.random.default_rng(1)
    rows = rng.integers(0, 3, 200_000).astype(np.uint8)
    columns = rng.integers(0, 3, 200_000).astype(np.uint8)
    table = CounterTable(CHANNELS, STATUSES)
    table.add(rows, columns)
    expected = Counter(zip(rows.tolist(), columns.tolist(), strict=True))
    for (r, c), n in expected.items():
        assert table.get(CHANNELS[r], STATUSES[c]) == n
    assert table.total == 200_000


def test_weighted_add_increment_and_totals() -> None:
    table = CounterTable(CHANNELS, STATUSES)
    table.add([0, 0, 2], [1, 1, 0], counts=[5, 2, 1])
    table.increment("EMAIL", "SUCCESSFUL", 3)
    assert table.to_dict() == {
        "SMS": {"THROTTLED": 7},
        "EMAIL": {"SUCCESSFUL": 3},
        "GCM": {"SUCCESSFUL": 1},
    }
    assert table.row_totals() == {"SMS": 7, "EMAIL": 3, "GCM": 1}
    assert table.column_totals() == {"SUCCESSFUL": 4, "THROTTLED": 7, "PERMANENT_FAILURE": 0}
    assert table.to_dict(include_zeros=True)["GCM"] == {
        "SUCCESSFUL": 1,
        "THROTTLED": 0,
        "PERMANENT_FAILURE": 0,
    }


def test_merge_and_wire_round_trip() -> None:
    a, b = CounterTable(CHANNELS, STATUSES), CounterTable(CHANNELS, STATUSES)
    a.increment("SMS", "SUCCESSFUL")
    b.add([1, 2], [2, 2])
    wire = msgspec.json.decode(msgspec.json.encode(b.to_wire()), type=CounterTableWire)
    a.merge_wire(wire)
    assert a.to_dict() == {
        "SMS": {"SUCCESSFUL": 1},
        "EMAIL": {"PERMANENT_FAILURE": 1},
        "GCM": {"PERMANENT_FAILURE": 1},
    }
    np.testing.assert_array_equal(CounterTable.from_wire(a.to_wire()).counts, a.counts)
    with pytest.raises(ValueError, match="labels"):
        a.merge(CounterTable(CHANNELS, STATUSES[:2]))


def test_out_of_range_codes_and_unknown_labels_raise_without_counting() -> None:
    table = CounterTable(CHANNELS, STATUSES)
    with pytest.raises(ValueError, match="row_codes"):
        table.add([0, 3], [0, 0])
    with pytest.raises(ValueError, match="column_codes"):
        table.add([0, 0], [0, -1])
    with pytest.raises(KeyError):
        table.increment("VOICE", "SUCCESSFUL")
    with pytest.raises(ValueError, match="unique"):
        CounterTable(["SMS", "SMS"], STATUSES)
    with pytest.raises(ValueError, match="counts for"):
        CounterTable.from_wire(CounterTableWire(CHANNELS, STATUSES, [1, 2]))
    assert table.total == 0
