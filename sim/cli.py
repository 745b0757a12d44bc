"""The ``pinsim`` command: one subcommand per job, each importing its driver only when used."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: subcommand -> (module with add_arguments(parser) and main(args) -> int, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("sim.commands.run", "run a scenario in virtual time and write its results"),
    "validate": ("sim.scenario.cli", "check a scenario file without running it"),
    "plan": ("sim.commands.plan", "find the smallest (or largest) value meeting all SLOs"),
    "compare": ("sim.commands.compare", "compare two runs; exit 1 on a regression (CI gate)"),
    "demo": ("sim.demo", "send a sample campaign through the in-process simulator"),
    "serve": ("sim.emulator.cli", "serve the Pinpoint REST API over HTTP (emulator)"),
    "bench": ("sim.bench.cli", "run throughput benchmarks and write results/bench/*.json"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pinsim",
        description="Simulation and load-test harness for Pinpoint-style fan-out messaging.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        module = importlib.import_module(module_name)
        module.add_arguments(sub_parser)
        sub_parser.set_defaults(main=module.main)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    result: int = args.main(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
