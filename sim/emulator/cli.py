"""``pinsim serve``: the Pinpoint REST API emulator as a command.

``--scenario`` takes a scenario file (``pinsim run``'s format: its seed, channel profiles and
``[channels]`` switches are used, and its population is preloaded into the app named by the
first ``--app-id``, else by the scenario's name), a channel profile file (``[channels.<Type>]``
tables) or the name of a shipped profile (``aws-defaults``). A scenario's workload, retry and
SLO tables are not used by the emulator. ``--app-id`` (repeatable) pre-creates apps with known
ids. A bad file stops the start with its file, line and key (exit 2).

Defaults: 127.0.0.1:8080, realtime pacing, no authentication (``--auth sigv4`` checks signatures
made with ``--access-key-id``/``--secret-access-key``, by default the test credentials
AKIAPINSIMEXAMPLE000 / pinsim-secret-access-key-for-tests-only), no request quotas. On start it
prints one line, ``pinsim emulator listening on <url>``, to stdout (useful with ``--port 0``);
on SIGINT/SIGTERM it stops, writes ``<results-dir>/emulator/<run-id>/stats.json`` and exits 0.
"""

from __future__ import annotations

import argparse
import functools
import logging
import sys
from pathlib import Path
from typing import get_args

import trio

from sim.core.service import ServiceConfig
from sim.scenario import Scenario, load_scenario
from sim.scenario.loading import is_scenario_file, load_channel_profiles

from ._config import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_PORT,
    DEFAULT_SECRET_ACCESS_KEY,
    AuthMode,
    EmulatorConfig,
    Pacing,
    QuotaProfileName,
    default_run_id,
)
from ._server import serve


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``pinsim serve`` options."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on "
                        "(default %(default)s)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help="TCP port; 0 picks a free one (default %(default)s)")
    parser.add_argument("--scenario", metavar="FILE",
                        help="scenario file, channel profile file or shipped profile name; "
                             "without it every channel is ideal (instant, always delivered)")
    parser.add_argument("--seed", type=int, default=None,
                        help="random seed (default: the scenario's, else 0)")
    parser.add_argument("--pacing", choices=get_args(Pacing), default="realtime",
                        help="realtime: answer a send when its deliveries complete; instant: "
                             "at once; virtual: at once, service clock jumps to each "
                             "completion (default %(default)s)")
    parser.add_argument("--auth", choices=get_args(AuthMode), default="none",
                        help="none, or sigv4: require valid SigV4 signatures (403 otherwise)")
    parser.add_argument("--access-key-id", default=DEFAULT_ACCESS_KEY_ID,
                        help="access key id accepted under --auth sigv4 (default %(default)s)")
    parser.add_argument("--secret-access-key", default=DEFAULT_SECRET_ACCESS_KEY,
                        help="its secret (default %(default)s)")
    parser.add_argument("--quota-profile", choices=get_args(QuotaProfileName),
                        default="unlimited",
                        help="per-operation request rate limits, 429 above them "
                             "(default %(default)s)")
    parser.add_argument("--app-id", action="append", default=[], metavar="ID",
                        help="create an app with this id at start (repeatable)")
    parser.add_argument("--run-id", default=None,
                        help="name of the results folder (default: UTC start time)")
    parser.add_argument("--results-dir", type=Path, default=Path("results"),
                        help="final stats go to <dir>/emulator/<run-id>/stats.json "
                             "(default %(default)s)")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="what goes to stderr (default %(default)s)")


def service_config(scenario: str | None, seed: int | None
                   ) -> tuple[ServiceConfig, Scenario | None]:
    """The simulated account from ``--scenario`` (scenario or profile file) and ``--seed``, and
    the scenario itself when the file is one (its population is preloaded). A bad file raises
    ScenarioError naming the file, line and key; a missing one FileNotFoundError."""
    if scenario is None:
        return ServiceConfig(seed=seed or 0), None
    path = Path(scenario)
    if path.suffix == ".toml" and path.is_file() and is_scenario_file(path):
        loaded = load_scenario(path)
        return ServiceConfig(
            seed=loaded.seed if seed is None else seed,
            channels=dict(loaded.channels.inline),
            opt_out_as_permanent_p=loaded.channels.opt_out_as_permanent_p,
            updated_token_p=loaded.channels.updated_token_p,
            failure_marks_inactive=loaded.channels.failure_marks_inactive), loaded
    return ServiceConfig(seed=seed or 0, channels=load_channel_profiles(scenario)), None


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    service, scenario = service_config(args.scenario, args.seed)
    return EmulatorConfig(
        service=service,
        population=scenario.population if scenario else None,
        population_app_id=args.app_id[0] if args.app_id else (
            scenario.name if scenario else "pinsim"),
        host=args.host, port=args.port, pacing=args.pacing, auth=args.auth,
        access_key_id=args.access_key_id, secret_access_key=args.secret_access_key,
        quota_profile=args.quota_profile, app_ids=tuple(args.app_id),
        results_dir=args.results_dir, run_id=args.run_id or default_run_id())


def main(args: argparse.Namespace) -> int:
    """Run the emulator until SIGINT/SIGTERM; 0 after a clean shutdown, 2 on bad settings."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=args.log_level, stream=sys.stderr,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = config_from_args(args)
    except (OSError, ValueError) as exc:
        print(f"pinsim serve: {exc}", file=sys.stderr)
        return 2
    try:
        trio.run(_serve_and_announce, config)
    except OSError as exc:
        print(f"pinsim serve: cannot listen on {config.host}:{config.port}: {exc}",
              file=sys.stderr)
        return 2
    if config.results_dir is not None:
        print(f"final stats: {config.results_dir / 'emulator' / config.run_id / 'stats.json'}")
    return 0


async def _serve_and_announce(config: EmulatorConfig) -> None:
    async with trio.open_nursery() as nursery:
        emulator = await nursery.start(functools.partial(serve, config, handle_signals=True))
        print(f"pinsim emulator listening on {emulator.url}", flush=True)
