"""``pinsim run [SCENARIO]``: simulate a scenario in virtual time and write its run directory.

Writes ``<out>/<scenario>/<run-id>/`` (summary.json, histograms.hlog, report.md, PNG plots),
prints a summary table and the directory. Exit status: 0 when the run completed (SLO misses are
reported but do not fail the command unless ``--fail-on-slo``), 1 with ``--fail-on-slo`` when an
SLO was missed, 2 when the scenario file is missing or invalid, 130 when interrupted (Ctrl-C or
SIGTERM): the partial results are still written, marked partial.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.engine import UnrunnableScenario
from sim.report import (
    SUMMARY_JSON,
    Summary,
    decode_summary,
    safe_name,
    summary_tables,
    write_run,
)
from sim.scenario import Scenario, load_scenario
from sim.scenario.errors import ScenarioError

from ._console import error, interactive, make_console
from ._engine_call import run_engine
from ._engine_record import record_from_engine
from ._interrupt import stop_on_interrupt

DEFAULT_SCENARIO = Path("scenarios") / "quickstart.toml"
EXIT_SLO_MISSED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "scenario", nargs="?", default=str(DEFAULT_SCENARIO), metavar="SCENARIO",
        help=f"scenario TOML file (default {DEFAULT_SCENARIO})",
    )
    parser.add_argument(
        "--out", default="results", metavar="DIR",
        help="results directory; the run goes to DIR/<scenario>/<run-id>/ (default results)",
    )
    parser.add_argument("--seed", type=int, default=None, metavar="N",
                        help="seed instead of the scenario's own")
    parser.add_argument("--run-id", default=None, help="name of the run directory "
                        "(default: UTC start time and a random suffix)")
    parser.add_argument("--fail-on-slo", action="store_true",
                        help="exit 1 when any SLO of the scenario is missed")
    parser.add_argument("--no-plots", action="store_true",
                        help="skip the PNG plots (faster; report.md then has no images)")


def load(path_text: str, command: str) -> Scenario | None:
    """The scenario at ``path_text``, or None after printing why not (missing, invalid)."""
    path = Path(path_text)
    if not path.is_file():
        error(command, f"scenario file {path_text!r} not found")
        return None
    try:
        return load_scenario(path)
    except FileNotFoundError as exc:
        error(command, str(exc))
    except ScenarioError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
    return None


def main(args: argparse.Namespace) -> int:
    scenario = load(args.scenario, "run")
    if scenario is None:
        return EXIT_BAD_INPUT
    if args.seed is not None and args.seed < 0:
        error("run", f"--seed must be >= 0, got {args.seed}")
        return EXIT_BAD_INPUT
    if args.run_id is not None:
        target = Path(args.out) / scenario.name / args.run_id
        try:
            safe_name(args.run_id, "--run-id")
            if target.exists():
                raise ValueError(f"run directory {str(target)!r} already exists")
        except ValueError as exc:
            error("run", str(exc))
            return EXIT_BAD_INPUT
    console = make_console()
    show_progress = interactive()
    if not show_progress:  # a log line instead of a bar: says what runs and how to stop it
        seed = scenario.seed if args.seed is None else args.seed
        print(f"pinsim run: simulating {scenario.name} (seed {seed}); Ctrl-C stops early and "
              "keeps partial results", file=sys.stderr, flush=True)
    try:
        with stop_on_interrupt("run") as stop:
            result = run_engine(scenario, seed=args.seed, stop=stop, show_progress=show_progress)
            run_dir = write_run(
                record_from_engine(result), args.out, run_id=args.run_id, plots=not args.no_plots
            )
    except KeyboardInterrupt:  # the second Ctrl-C: the staged directory is already removed
        error("run", "aborted; no results written")
        return EXIT_INTERRUPTED
    except FileExistsError as exc:  # another run took --run-id meanwhile
        error("run", str(exc))
        return EXIT_BAD_INPUT
    except UnrunnableScenario as exc:  # found before the first request: nothing written
        error("run", str(exc))
        return EXIT_BAD_INPUT
    for table in summary_tables(_summary(run_dir)):
        console.print(table)
    state = "PARTIAL results" if result.partial else "results"
    console.print(f"{state} written to {run_dir}", markup=False, highlight=False, soft_wrap=True)
    if result.partial:
        return EXIT_INTERRUPTED
    if args.fail_on_slo and not result.slo_met:
        return EXIT_SLO_MISSED
    return 0


def _summary(run_dir: Path) -> Summary:
    """The summary as written (what compare and CI will read)."""
    return decode_summary((run_dir / SUMMARY_JSON).read_bytes())
