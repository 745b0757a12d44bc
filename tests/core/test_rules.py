"""sim.core.rules on columnar batches: the order of checks and the packed fast path."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.channels import DUPLICATE, OPT_OUT, PERMANENT_FAILURE
from sim.core.rules import (
    PASS,
    RULE_MESSAGES,
    Recipients,
    apply_rules,
    first_of_each,
    first_of_each_general,
)


def recipients(family: list[int], key: list[int], group: list[int] | None = None,
               unknown: list[bool] | None = None, inactive: list[bool] | None = None,
               opted: list[bool] | None = None) -> Recipients:
    n = len(family)
    return Recipients(
        np.array(group or [0] * n, dtype=np.int64), np.array(family, dtype=np.uint8),
        np.array(key, dtype=np.int64), np.array(unknown or [False] * n, dtype=bool),
        np.array(inactive or [False] * n, dtype=bool), np.array(opted or [False] * n, dtype=bool))


def test_first_of_each_address_per_family_passes_and_the_rest_are_duplicates() -> None:
    out = apply_rules(recipients([7, 7, 8, 7], [5, 5, 5, 6]))
    assert out.status.tolist() == [PASS, DUPLICATE, PASS, PASS]
    assert out.status_code.tolist()[1] == 400
    assert RULE_MESSAGES[out.message[1]] == "Duplicate address in request"


def test_duplicates_are_per_request_group() -> None:
    out = apply_rules(recipients([7, 7], [5, 5], group=[0, 1]))
    assert out.status.tolist() == [PASS, PASS]


def test_unknown_and_inactive_are_not_targeted_so_they_do_not_shadow_a_later_recipient() -> None:
    out = apply_rules(recipients([7, 7, 7], [5, 5, 5], unknown=[True, False, False],
                                 inactive=[False, True, False]))
    assert out.status.tolist() == [PERMANENT_FAILURE, PERMANENT_FAILURE, PASS]
    assert out.status_code.tolist()[:2] == [404, 400]


def test_opted_out_first_recipient_still_makes_a_later_one_a_duplicate() -> None:
    out = apply_rules(recipients([7, 7], [5, 5], opted=[True, False]))
    assert out.status.tolist() == [OPT_OUT, DUPLICATE]


def test_opt_out_reported_as_permanent_failure_with_probability_one() -> None:
    out = apply_rules(recipients([7], [5], opted=[True]), 1.0, np.random.default_rng(0))
    assert out.status.tolist() == [PERMANENT_FAILURE]
    assert RULE_MESSAGES[out.message[0]] == "Recipient opted out"


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 5)),
                min_size=0, max_size=60),
       st.sampled_from([0, 1 << 33]))
def test_packed_fast_path_equals_the_general_sort(rows: list[tuple[int, int, int]],
                                                  offset: int) -> None:
    group = np.array([r[0] for r in rows], dtype=np.int64)
    family = np.array([r[1] for r in rows], dtype=np.uint8)
    key = np.array([r[2] for r in rows], dtype=np.int64) + offset  # offset forces the slow path
    expected = first_of_each_general(group, family, key)
    assert first_of_each(group, family, key).tolist() == expected.tolist()
    seen: set[tuple[int, int, int]] = set()
    for i, row in enumerate(zip(group.tolist(), family.tolist(), key.tolist(), strict=True)):
        assert expected[i] == (row not in seen)
        seen.add(row)


@given(st.lists(st.tuples(st.integers(0, 2), st.booleans()), max_size=40))
def test_distinct_addresses_hint_gives_the_same_outcome(rows: list[tuple[int, bool]]) -> None:
    family = [r[0] for r in rows]
    key = list(range(len(rows)))  # distinct, as the hint promises
    opted = [r[1] for r in rows]
    plain = apply_rules(recipients(family, key, opted=opted))
    hinted = apply_rules(recipients(family, key, opted=opted)._replace(distinct_addresses=True))
    assert plain.status.tolist() == hinted.status.tolist()
    assert plain.message.tolist() == hinted.message.tolist()
