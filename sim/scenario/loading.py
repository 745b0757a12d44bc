"""Reading a scenario file: decode, resolve the files it names, run the semantic checks.

The Scenario returned is self-contained: the channel profile file is merged into
``channels.inline`` (its path kept in ``channels.profile_file``) and a replay CSV path is made
absolute, so a results file that records the scenario records exactly what ran.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import msgspec

from sim.channels import ChannelProfile
from sim.scenario.profiles import ProfileFile, find_profile

from .checks import check_scenario
from .errors import ScenarioError, ScenarioProblem, SourceText
from .schema import Scenario
from .workload import ReplayArrivals


def _decode_toml(source: SourceText, data: bytes, type_: type[msgspec.Struct]) -> msgspec.Struct:
    try:
        decoded: msgspec.Struct = msgspec.toml.decode(data, type=type_)
    except msgspec.DecodeError as exc:
        raise ScenarioError([source.decode_problem(exc, type_)]) from None
    return decoded


def _read(path: Path) -> tuple[bytes, SourceText]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem = ScenarioProblem(str(path), None, "(file)", exc.strerror or str(exc))
        raise ScenarioError([problem]) from None
    return data, SourceText(path, data.decode("utf-8", errors="replace"))


def load_profile_file(path: Path) -> dict[str, ChannelProfile]:
    """A channel profile file's channels; errors name that file, line and key."""
    data, source = _read(path)
    decoded = _decode_toml(source, data, ProfileFile)
    assert isinstance(decoded, ProfileFile)
    return decoded.channels


def is_scenario_file(path: Path) -> bool:
    """A scenario has a ``[population]`` table, a profile file has not; a file that is not
    TOML at all counts as a scenario, whose loader places the syntax error in the file."""
    try:
        top_level = msgspec.toml.decode(path.read_bytes())
    except msgspec.DecodeError:
        return True
    return isinstance(top_level, dict) and "population" in top_level


def load_channel_profiles(source: str | Path | Mapping[str, Any], search: Iterable[Path] = ()
                          ) -> dict[str, ChannelProfile]:
    """Channel profiles from a profile file (path or name: errors name its line and key) or
    an inline mapping."""
    if isinstance(source, Mapping):
        return msgspec.convert(dict(source), ProfileFile).channels
    return load_profile_file(find_profile(str(source), search))


def profile_search_dirs(scenario_dir: Path) -> list[Path]:
    """Where a bare profile name is looked up, besides ``scenarios/profiles`` of the cwd."""
    return [scenario_dir / "profiles", scenario_dir]


def load_scenario(path: str | Path, *, search: Iterable[Path] = ()) -> Scenario:
    """Decode and check the scenario at ``path``; raises ScenarioError naming file and line.

    A missing file raises FileNotFoundError (the CLI turns it into a one-line message).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"scenario file {str(path)!r} not found")
    data, source = _read(path)
    decoded = _decode_toml(source, data, Scenario)
    assert isinstance(decoded, Scenario)
    return resolve_scenario(decoded, source, [*search, *profile_search_dirs(path.parent)])


def resolve_scenario(scenario: Scenario, source: SourceText | None = None,
                     search: Iterable[Path] = ()) -> Scenario:
    """Merge the profile file into ``channels.inline``, absolutise the replay file, check.

    ``source`` is the text the scenario came from (for line numbers); without it (a Scenario
    built in Python) problems name the key path only and relative files are taken from the cwd.
    """
    source = source or SourceText("<scenario>", "")
    channels = scenario.channels
    problems: list[ScenarioProblem] = []
    profiles: dict[str, ChannelProfile] = {}
    profile_file = channels.profile_file
    if channels.profile is not None:
        try:
            found = find_profile(channels.profile, search)
        except FileNotFoundError as exc:
            problems.append(source.problem(("channels", "profile"), str(exc)))
        else:
            profiles = load_profile_file(found)
            profile_file = str(found)
    profiles.update(channels.inline)
    scenario = msgspec.structs.replace(
        scenario,
        channels=msgspec.structs.replace(channels, profile=None, inline=profiles,
                                         profile_file=profile_file),
    )
    arrival = scenario.workload.arrival
    if isinstance(arrival, ReplayArrivals):
        base_dir = Path(source.file).parent if source.text else Path.cwd()
        replay = (base_dir / arrival.file).resolve()
        problem = _check_replay_file(replay, arrival.column)
        if problem is not None:
            problems.append(source.problem(("workload", "arrival", "file"), problem))
        scenario = msgspec.structs.replace(scenario, workload=msgspec.structs.replace(
            scenario.workload, arrival=msgspec.structs.replace(arrival, file=str(replay))))
    problems.extend(source.problem(p, reason) for p, reason in check_scenario(scenario, profiles))
    if problems:
        raise ScenarioError(problems)
    return scenario


def _check_replay_file(path: Path, column: str) -> str | None:
    if not path.is_file():
        return f"replay file {str(path)!r} not found"
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle), [])
    if column not in header:
        return f"replay file has no column {column!r} (columns: {', '.join(header) or 'none'})"
    return None


def scenario_from_toml(text: str, *, file: str = "<string>", base_dir: Path | None = None
                       ) -> Scenario:
    """A scenario from TOML text (tests, generated scenarios); ``base_dir`` for relative files."""
    source = SourceText(Path(base_dir or Path.cwd()) / file if base_dir else file, text)
    decoded = _decode_toml(source, text.encode(), Scenario)
    assert isinstance(decoded, Scenario)
    return resolve_scenario(decoded, source, profile_search_dirs(base_dir or Path.cwd()))
