"""What the README tells a new user works as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_the_commented_scenario_example_is_a_valid_scenario(tmp_path: Path) -> None:
    block = re.search(r"```toml\n(.*?)```", README, re.S)
    assert block is not None
    path = tmp_path / "example.toml"
    path.write_text(block.group(1))
    scenario = load_scenario(path)
    assert scenario.name == "black-friday"
    assert scenario.slo.request_p99_s == 2.0


def test_quickstart_has_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quickstart, re.S)
    assert len(commands) == 2
    assert commands[0].endswith("pinsim run")
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci


def test_every_command_in_the_help_table_exists() -> None:
    listed = set(re.findall(r"^\| `pinsim (\w+)", README, re.M))
    out = subprocess.run([sys.executable, "-m", "sim.cli", "--help"], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    for command in listed:
        assert re.search(rf"^\s+{command}\s", out, re.M), command


def test_the_in_process_example_runs_and_says_what_it_shows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    block = re.search(r"## In process\n\n```python\n(.*?)```", README, re.S)
    assert block is not None
    monkeypatch.chdir(ROOT)  # the example names the shipped profile, under scenarios/profiles
    namespace: dict[str, Any] = {}
    exec(compile(block.group(1), "README.md", "exec"), namespace)
    result = namespace["out"]["MessageResponse"]["EndpointResult"]["phone-1"]
    assert result["DeliveryStatus"] == "SUCCESSFUL"
    assert namespace["client"].last_trace().completion_s > 0
