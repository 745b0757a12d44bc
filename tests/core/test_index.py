"""StringIndex behaves like a dict of str -> insertion number, collisions included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sim.core.index import StringIndex
from sim.core.packed import PackedStrings


class CollidingStr(str):
    """Strings that all hash alike: every lookup walks a long probe chain."""

    def __hash__(self) -> int:
        return 42


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["add", "remove", "get"]),
                          st.text(max_size=3)), max_size=300))
def test_matches_a_dict_through_adds_removes_and_growth(ops: list[tuple[str, str]]) -> None:
    index = StringIndex(capacity=4)
    model: dict[str, int] = {}
    entries = 0
    for op, key in ops:
        if op == "add":
            entry = index.add(key)
            if key not in model:
                model[key] = entries
                entries += 1
            assert entry == model[key]
        elif op == "remove":
            assert index.remove(key) == model.pop(key, -1)
        else:
            assert index.get(key) == model.get(key, -1)
    keys = [*model, "absent-key"]
    assert index.get_many(keys).tolist() == [model.get(k, -1) for k in keys]


def test_colliding_hashes_still_find_the_right_entry() -> None:
    index = StringIndex(capacity=4)
    keys = [CollidingStr(f"k{i}") for i in range(50)]
    for i, key in enumerate(keys):
        assert index.add(key) == i
    assert index.get_many(keys).tolist() == list(range(50))
    assert index.get(CollidingStr("nope")) == -1
    index.remove(keys[10])
    assert index.get(keys[10]) == -1 and index.get(keys[11]) == 11


def test_casefold_index_matches_any_case_and_keeps_the_first_spelling() -> None:
    index = StringIndex(casefold=True)
    assert index.add("Device-ABC") == 0
    assert index.add("device-abc") == 0
    assert index.get("DEVICE-abc") == 0
    assert index.keys[0] == "Device-ABC"
    assert index.get_many(["dEvIcE-AbC", "other"]).tolist() == [0, -1]


@given(st.lists(st.text(max_size=20), max_size=50))
def test_packed_strings_give_back_what_was_stored(texts: list[str]) -> None:
    packed = PackedStrings()
    half = len(texts) // 2
    for text in texts[:half]:
        packed.append(text)
    packed.extend(texts[half:])
    assert len(packed) == len(texts)
    assert [packed[i] for i in range(len(texts))] == texts
