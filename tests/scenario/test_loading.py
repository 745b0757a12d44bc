"""Scenario files: decode errors and semantic problems name the file, line and key path."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from sim.scenario import ScenarioError, load_scenario
from sim.scenario.cli import main as validate_main

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))

BASE = """\
name = "t"
duration_s = 10

[population]
users = 1000
channel_mix = { APNS = 0.5, SMS = 0.5 }

[workload]
recipients_per_request = { kind = "constant", value = 10 }
arrival = { kind = "open", rate_per_s = 100 }

[channels]
profile = "aws-defaults"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [str(p).replace(str(path), "F") for p in info.value.problems]


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # shipped profiles are found relative to the working directory


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_scenario_is_valid(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.name == path.stem
    assert set(scenario.population.channel_mix) <= set(scenario.channels.inline) | {
        c for c in scenario.population.channel_mix if c.startswith("APNS")}


def test_base_is_valid_and_profile_is_merged_inline(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, BASE))
    assert scenario.channels.profile is None
    assert scenario.channels.profile_file.endswith("aws-defaults.toml")
    assert scenario.channels.inline["SMS"].rate_limit is not None


def test_unknown_key_names_line_and_path(tmp_path: Path) -> None:
    text = BASE.replace("users = 1000", "users = 1000\nuzers = 3")
    assert problems(tmp_path, text) == [
        "F:6: population.uzers: Object contains unknown field `uzers`"]


def test_wrong_type_in_inline_table(tmp_path: Path) -> None:
    text = BASE.replace("rate_per_s = 100", 'rate_per_s = "fast"')
    assert problems(tmp_path, text) == [
        "F:10: workload.arrival.rate_per_s: Expected `float | null`, got `str`"]


def test_out_of_range_value(tmp_path: Path) -> None:
    text = BASE.replace("rate_per_s = 100", "rate_per_s = 0")
    assert problems(tmp_path, text) == [
        "F:10: workload.arrival.rate_per_s: Expected `float` > 0.0"]


def test_error_inside_an_inline_channel_profile(tmp_path: Path) -> None:
    text = BASE + """
[channels.inline.SMS]
latency = { kind = "constant", value_s = 0.1 }

[[channels.inline.SMS.failures]]
status = "PERMANENT_FAILURE"
probability = 0.1
status_code = 400

[[channels.inline.SMS.failures]]
status = "PERMANENT_FAILURE"
probability = 1.5
status_code = 400
"""
    assert problems(tmp_path, text) == [
        "F:25: channels.inline.SMS.failures[1].probability: Expected `float` <= 1.0"]


def test_post_init_error_points_at_the_named_field(tmp_path: Path) -> None:
    text = BASE.replace('{ kind = "constant", value = 10 }',
                        '{ kind = "uniform", min = 5, max = 2 }')
    assert problems(tmp_path, text) == [
        "F:9: workload.recipients_per_request.max: Expected `max` >= min (5), got 2"]


def test_missing_required_key(tmp_path: Path) -> None:
    text = BASE.replace("users = 1000\n", "")
    assert problems(tmp_path, text) == [
        "F:4: population.users: Object missing required field `users`"]


def test_syntax_error_gives_the_line(tmp_path: Path) -> None:
    text = BASE.replace("users = 1000", "users = ")
    (problem,) = problems(tmp_path, text)
    assert problem.startswith("F:5: (syntax): ")


def test_semantic_problems_are_all_reported_with_lines(tmp_path: Path) -> None:
    text = BASE.replace("APNS = 0.5, SMS = 0.5", "APNS = 0.7, SMS = 0.5").replace(
        'profile = "aws-defaults"', 'profile = "no-such-profile"').replace(
        "users = 1000", 'users = 1\nendpoints_per_user = { kind = "constant", value = 16 }'
    ).replace("value = 10", "value = 20")
    found = problems(tmp_path, text)
    assert found[0].startswith(
        "F:14: channels.profile: channel profile 'no-such-profile' not found")
    assert "F:7: population.channel_mix: fractions must sum to 1, got 1.2" in found
    assert ("F:6: population.endpoints_per_user: can draw 16 endpoints per user; Pinpoint's "
            "limit is 15") in found
    assert any(p.startswith("F:7: population.channel_mix.APNS: has no channel profile")
               for p in found)
    assert any(p.startswith("F:10: workload.recipients_per_request: a request can list 20 "
                            "endpoints but the population is expected to have only 16")
               for p in found)


def test_zero_rate_stages_and_unbounded_rate(tmp_path: Path) -> None:
    text = BASE.replace("duration_s = 10\n", "").replace(
        'arrival = { kind = "open", rate_per_s = 100 }',
        'arrival = { kind = "open", stages = [{ duration_s = 5, rate_per_s = 0 }] }')
    assert problems(tmp_path, text) == [
        "F:9: workload.arrival.stages: every stage has a zero rate: no request would be sent"]
    text = BASE.replace("duration_s = 10\n", "")
    assert problems(tmp_path, text) == [
        "F:9: workload.arrival.rate_per_s: an open workload at a fixed rate never ends: set "
        "`duration_s` or `requests`"]


def test_exclusive_rates_above_one(tmp_path: Path) -> None:
    text = BASE.replace("users = 1000", "users = 1000\nopt_out_rate = 0.6\ninactive_rate = 0.6")
    (problem,) = problems(tmp_path, text)
    assert problem.startswith("F:4: population: opt_out_rate + inactive_rate + "
                              "invalid_address_rate must be <= 1")


def test_users_operation_needs_enough_users(tmp_path: Path) -> None:
    text = BASE.replace("[workload]", '[workload]\noperation = "send_users_messages"').replace(
        "users = 1000", "users = 5")
    (problem,) = problems(tmp_path, text)
    assert problem == ("F:10: workload.recipients_per_request: a request can list 10 users "
                       "but the population has only 5")


def test_replay_file_is_resolved_beside_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "times.csv").write_text("timestamp_s\n0.5\n0.1\n", encoding="utf-8")
    text = BASE.replace('arrival = { kind = "open", rate_per_s = 100 }',
                        'arrival = { kind = "replay", file = "times.csv" }')
    scenario = load_scenario(write(tmp_path, text))
    assert scenario.workload.arrival.file == str(tmp_path / "times.csv")  # type: ignore[union-attr]
    text = text.replace("times.csv", "missing.csv")
    (problem,) = problems(tmp_path, text)
    assert problem.startswith("F:10: workload.arrival.file: replay file")


def test_validate_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate_main(argparse.Namespace(file=str(write(tmp_path, BASE)))) == 0
    assert "scenario t (seed 0): valid" in capsys.readouterr().out
    bad = write(tmp_path, BASE.replace("users = 1000", "users = -1"))
    assert validate_main(argparse.Namespace(file=str(bad))) == 1
    assert "population.users: Expected `int` >= 1" in capsys.readouterr().err
    assert validate_main(argparse.Namespace(file=str(tmp_path / "nope.toml"))) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not found" in err


def test_validate_describes_small_shares_and_notes_what_run_refuses(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = BASE.replace("{ APNS = 0.5, SMS = 0.5 }", "{ APNS = 0.995, EMAIL = 0.005 }")
    assert validate_main(argparse.Namespace(file=str(write(tmp_path, text)))) == 0
    out = capsys.readouterr().out
    assert "APNS 99.5%, EMAIL 0.5%" in out and "note:" not in out
    switched = text.replace("[channels]\n", "[channels]\nfailure_marks_inactive = true\n")
    assert validate_main(argparse.Namespace(file=str(write(tmp_path, switched)))) == 0
    assert "note: pinsim run and plan refuse channels.failure_marks_inactive" in (
        capsys.readouterr().out)


@pytest.mark.parametrize("change, expected", [
    (('kind = "open"', 'kind = "opne"'),
     "workload.arrival.kind: Invalid value 'opne'; expected one of: open, replay, closed"),
    (('profile = "aws-defaults"', 'profile = "aws-defaults"\n[retry]\njitter = "half"'),
     "retry.jitter: Invalid enum value 'half'; expected one of: equal, full, none"),
    (('channel_mix = {', 'endpoints_per_user = { kind = "zipf" }\nchannel_mix = {'),
     "population.endpoints_per_user.kind: Invalid value 'zipf'; expected one of: constant, "
     "uniform, poisson, weighted"),
])
def test_a_bad_choice_lists_the_allowed_values(tmp_path: Path, change: tuple[str, str],
                                               expected: str) -> None:
    assert change[0] in BASE
    [problem] = problems(tmp_path, BASE.replace(change[0], change[1], 1))
    assert problem.endswith(expected), problem


def test_validate_recognises_a_profile_file(capsys: pytest.CaptureFixture[str]) -> None:
    profile = ROOT / "scenarios" / "profiles" / "aws-defaults.toml"
    assert validate_main(argparse.Namespace(file=str(profile))) == 1
    assert "is a channel profile file (APNS" in capsys.readouterr().err
