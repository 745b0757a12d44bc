"""The key -> line scanner that places msgspec's key paths in the TOML text."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import strategies as st

from sim.scenario.toml_lines import format_key_path, key_lines, line_of, parse_key_path

DOCUMENT = '''\
name = "x # not a comment"   # a comment [with brackets]
"quoted.key" = 1
a.b = { c = 1, d = { e = "}" } }

[workload]
arrival = { kind = "open", rate_per_s = 3 }
list = [
  1,  # one
  { z = 2 },
]
text = """multi
line = 5
"""
after = 1

[[stages]]
x = 1
[[stages]]
x = 2
[stages.inner]
y = 3
'''


def test_document_is_valid_toml() -> None:
    tomllib.loads(DOCUMENT)


def test_keys_tables_and_array_elements_have_their_lines() -> None:
    lines = key_lines(DOCUMENT)
    assert lines[("name",)] == 1
    assert lines[("quoted.key",)] == 2
    assert lines[("a", "b", "d", "e")] == 3
    assert lines[("workload",)] == 5
    assert lines[("workload", "arrival", "rate_per_s")] == 6
    assert lines[("workload", "list", 1, "z")] == 9
    assert ("workload", "line") not in lines  # inside a multi-line string
    assert lines[("workload", "after")] == 14
    assert lines[("stages", 0, "x")] == 17
    assert lines[("stages", 1, "x")] == 19
    assert lines[("stages", 1, "inner", "y")] == 21


def test_missing_key_falls_back_to_the_enclosing_table() -> None:
    lines = key_lines(DOCUMENT)
    assert line_of(lines, ("workload", "arrival", "nope")) == 6
    assert line_of(lines, ("nothing",)) is None


def test_key_paths_round_trip_msgspec_notation() -> None:
    path = parse_key_path("$.channels.inline.SMS.failures[1].probability")
    assert path == ("channels", "inline", "SMS", "failures", 1, "probability")
    assert format_key_path(path) == "channels.inline.SMS.failures[1].probability"


_names = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)


@given(st.lists(st.tuples(_names, _names, st.integers(0, 9)), min_size=1, max_size=8,
                unique_by=lambda t: t[0]))
def test_every_key_of_generated_tables_is_found_on_its_line(tables: list[tuple[str, str, int]]
                                                            ) -> None:
    text, expected = "", {}
    for table, key, value in tables:
        text += f"\n[{table}]  # comment\n"
        expected[(table, key)] = text.count("\n") + 1
        text += f"{key} = {{ inner = {value} }}\n"
    tomllib.loads(text)
    lines = key_lines(text)
    for path, line in expected.items():
        assert lines[path] == line
        assert lines[(*path, "inner")] == line
