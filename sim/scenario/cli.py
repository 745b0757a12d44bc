"""``pinsim validate FILE``: decode and check a scenario without running it.

Exit status 0 when the scenario is valid, 1 when it has problems (one line each: file, line,
key path, reason), 2 when the file does not exist.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ScenarioError
from .loading import load_profile_file, load_scenario
from .schema import Scenario


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="scenario TOML file")


def describe(scenario: Scenario) -> str:
    """A few lines saying what the scenario will run."""
    workload, population = scenario.workload, scenario.population
    limits = [f"{scenario.duration_s:g} s" if scenario.duration_s is not None else "",
              f"{scenario.requests} requests" if scenario.requests is not None else ""]
    mix = ", ".join(f"{ch} {share * 100:.3g}%" for ch, share in population.channel_mix.items())
    notes = ["  note: pinsim run and plan refuse channels.failure_marks_inactive (the engine "
             "does not model it); pinsim serve uses it"
             ] if scenario.channels.failure_marks_inactive else []
    return "\n".join([
        f"scenario {scenario.name} (seed {scenario.seed}): valid",
        f"  workload: {workload.operation}, {workload.arrival.__struct_config__.tag} arrivals, "
        f"{workload.recipients_per_request.mean():g} recipients per request on average"
        + (f", until {' or '.join(x for x in limits if x)}" if any(limits) else ""),
        f"  population: {population.users} users, {mix}",
        f"  channels: {', '.join(sorted(scenario.channels.inline)) or 'none'}"
        + (f" (from {scenario.channels.profile_file})" if scenario.channels.profile_file else ""),
        f"  retries: up to {scenario.retry.max_attempts} attempts",
        *notes,
    ])


def main(args: argparse.Namespace) -> int:
    try:
        scenario = load_scenario(args.file)
    except FileNotFoundError as exc:
        print(f"pinsim validate: {exc}", file=sys.stderr)
        return 2
    except ScenarioError as exc:
        profile = _as_profile_file(args.file)
        if profile is not None:
            print(f"pinsim validate: {args.file} is a channel profile file ({profile}), not a "
                  "scenario: name it in a scenario's [channels] profile", file=sys.stderr)
            return 1
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    print(describe(scenario))
    return 0


def _as_profile_file(path: str) -> str | None:
    """The channels of ``path`` if it is a valid channel profile file, else None."""
    try:
        return ", ".join(sorted(load_profile_file(Path(path))))
    except (ScenarioError, OSError):
        return None
