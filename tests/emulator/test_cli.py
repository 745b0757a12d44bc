"""``pinsim serve`` glue: options and their defaults, scenario files, and a real process that
shuts down cleanly on SIGTERM/SIGINT, writing its final stats."""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sim.channels import ConstantLatency
from sim.emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_PORT, EmulatorConfig
from sim.emulator.cli import add_arguments, config_from_args, main

from .conftest import boto_client

BOOT = ("import argparse, sys; from sim.emulator import cli; p = argparse.ArgumentParser(); "
        "cli.add_arguments(p); sys.exit(cli.main(p.parse_args()))")


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_defaults_are_the_documented_ones() -> None:
    config = config_from_args(parse())
    assert (config.host, config.port, DEFAULT_PORT) == ("127.0.0.1", 8080, 8080)
    assert (config.pacing, config.auth, config.quota_profile) == ("realtime", "none",
                                                                 "unlimited")
    assert config.access_key_id == DEFAULT_ACCESS_KEY_ID
    assert config.results_dir == Path("results")
    assert config.service.channels == {} and config.app_ids == ()


def test_options_reach_the_config(tmp_path: Path) -> None:
    scenario = tmp_path / "profiles.toml"
    scenario.write_text('[channels.SMS]\nlatency = { kind = "constant", value_s = 0.25 }\n')
    config = config_from_args(parse(
        "--port", "0", "--scenario", str(scenario), "--seed", "7", "--pacing", "instant",
        "--auth", "sigv4", "--access-key-id", "AK", "--secret-access-key", "SK",
        "--quota-profile", "aws-2026", "--app-id", "a1", "--app-id", "a2",
        "--run-id", "r", "--results-dir", str(tmp_path)))
    assert config.service.seed == 7
    assert config.service.channels["SMS"].latency == ConstantLatency(value_s=0.25)
    assert (config.port, config.pacing, config.auth) == (0, "instant", "sigv4")
    assert (config.access_key_id, config.secret_access_key) == ("AK", "SK")
    assert (config.quota_profile, config.app_ids) == ("aws-2026", ("a1", "a2"))
    assert (config.run_id, config.results_dir) == ("r", tmp_path)


REPO = Path(__file__).resolve().parents[2]


def test_scenario_file_gives_its_seed_and_channel_profiles() -> None:
    config = config_from_args(parse("--scenario", str(REPO / "scenarios" / "quickstart.toml")))
    assert config.service.seed == 1
    assert set(config.service.channels) == {"APNS", "GCM", "SMS", "EMAIL"}
    assert config_from_args(parse("--scenario", str(REPO / "scenarios" / "quickstart.toml"),
                                  "--seed", "9")).service.seed == 9


def test_scenario_switches_reach_the_service(tmp_path: Path) -> None:
    text = (REPO / "scenarios" / "quickstart.toml").read_text()
    assert "[channels]\n" in text
    scenario = tmp_path / "switches.toml"
    scenario.write_text(text.replace("[channels]\n", "[channels]\nupdated_token_p = 0.25\n"
                                     "failure_marks_inactive = true\n", 1))
    service = config_from_args(parse("--scenario", str(scenario))).service
    assert (service.updated_token_p, service.failure_marks_inactive) == (0.25, True)


@pytest.mark.parametrize("where", ["repo", "elsewhere"])
def test_shipped_profile_name_is_found(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                       where: str) -> None:
    monkeypatch.chdir(REPO if where == "repo" else tmp_path)
    config = config_from_args(parse("--scenario", "aws-defaults"))
    assert "APNS" in config.service.channels and config.service.seed == 0


def test_bad_scenario_is_reported_not_raised(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text('[channels.PIGEON]\nlatency = { kind = "constant", value_s = 1 }\n')
    assert main(parse("--scenario", str(scenario))) == 2
    assert "PIGEON" in capsys.readouterr().err


@pytest.mark.parametrize("text, where", [
    ("x = [\n", ":1"),  # not TOML at all
    ('description = "p"\n\n[channels.SMS]\nlatency = { kind = "constant", value_s = -1 }\n',
     ":4"),  # a profile file with a value out of range
    ('name = "s"\n[population]\nusers = -5\n', ":3"),  # a scenario with one
])
def test_bad_file_errors_name_the_file_line_and_key(tmp_path: Path, text: str, where: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text(text)
    assert main(parse("--scenario", str(scenario))) == 2
    err = capsys.readouterr().err
    assert f"{scenario}{where}" in err, err


def test_missing_scenario_file_is_named_as_given(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.toml"
    assert main(parse("--scenario", str(missing))) == 2
    err = capsys.readouterr().err
    assert f"looked for {missing})" in err and "nope.toml.toml" not in err


@pytest.mark.parametrize("signals", [(signal.SIGTERM,), (signal.SIGINT,),
                                     (signal.SIGINT, signal.SIGINT)])
def test_process_stops_on_signal_and_writes_final_stats(tmp_path: Path,
                                                        signals: tuple[int, ...]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", BOOT, "--port", "0", "--pacing", "instant", "--app-id", "app",
         "--results-dir", str(tmp_path), "--run-id", "sig", "--log-level", "WARNING"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert first_line.startswith("pinsim emulator listening on http://127.0.0.1:")
        client = boto_client(first_line.split()[-1])
        assert client.get_app(ApplicationId="app")["ApplicationResponse"]["Id"] == "app"
        for signum in signals:  # a second Ctrl-C (a terminal's process group) changes nothing
            process.send_signal(signum)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    stats_path = tmp_path / "emulator" / "sig" / "stats.json"
    assert f"final stats: {stats_path}" in out
    stats = json.loads(stats_path.read_text())
    assert stats["final"] is True
    assert stats["requests"]["GetApp"] == {"200": 1}


def test_signals_as_soon_as_it_listens_and_after_the_shutdown_end_cleanly(
        tmp_path: Path) -> None:
    """A signal sent as soon as ``serve`` says it listens is a clean shutdown (the signals are
    caught by then), and a second Ctrl-C that lands after the final stats are written, while
    trio winds down (a loaded machine, a terminal's process group), changes nothing."""
    code = f"""
import functools, os, signal, trio
from pathlib import Path
from sim.emulator import EmulatorConfig, serve
config = EmulatorConfig(port=0, results_dir=Path({str(tmp_path)!r}), run_id="late")
async def main():
    async with trio.open_nursery() as nursery:
        await nursery.start(functools.partial(serve, config, handle_signals=True))
        os.kill(os.getpid(), signal.SIGINT)
trio.run(main)
os.kill(os.getpid(), signal.SIGINT)
os.kill(os.getpid(), signal.SIGTERM)
print("exited cleanly")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "exited cleanly"), done.stderr
    assert json.loads((tmp_path / "emulator" / "late" / "stats.json").read_text())["final"]


@pytest.mark.parametrize("field, value", [("pacing", "fast"), ("auth", "basic"),
                                          ("quota_profile", "aws-1999"), ("port", 70000),
                                          ("request_timeout_s", 0.0)])
def test_config_refuses_values_outside_its_choices(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        EmulatorConfig(**{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("argv, fragment", [
    (("--run-id", "../x"), "--run-id '../x' must match"),
    (("--run-id", ".hidden"), "--run-id '.hidden' must match"),
    (("--port", "99999"), "--port must be in [0, 65535]"),
])
def test_bad_options_are_named_and_nothing_is_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
        fragment: str) -> None:
    assert main(parse(*argv, "--results-dir", str(tmp_path / "results"))) == 2
    assert fragment in capsys.readouterr().err
    assert not (tmp_path / "results").exists() and not (tmp_path / "x").exists()
