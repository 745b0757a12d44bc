"""``pinsim plan SCENARIO --vary KEY=LO..HI``: the smallest (or largest) value meeting all SLOs.

Re-runs the engine with one scenario value overridden (a dotted key path, e.g.
``channels.inline.APNS.pool.connections=1..64`` or ``workload.arrival.rate_per_s=50..800``) and
bisects on the SLO verdict, which must be monotone in the value (see ``--goal``). Prints each
tried value with its figures and writes ``<out>/<scenario>/plan-<id>/`` (plan.json, plan.png).
Exit status: 0 when a value in the range meets every SLO, 1 when none does, 2 for bad input,
130 when interrupted (nothing is written then).
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable

import msgspec

from sim.engine import EngineResult, UnrunnableScenario
from sim.engine.plan import plan, with_value
from sim.report import (
    PLAN_HEADERS,
    REQUEST_TAG,
    Goal,
    PlanResult,
    PlanTrial,
    code_version,
    error_ratio,
    latency_stats,
    new_plan_id,
    plan_table,
    plan_trial_row,
    write_plan,
)
from sim.scenario import Scenario
from sim.scenario.errors import ScenarioError

from ._console import error, make_console
from ._engine_record import slo_check
from ._interrupt import stop_on_interrupt
from ._search import VaryRange, parse_vary
from .run import EXIT_BAD_INPUT, EXIT_INTERRUPTED, load

EXIT_NO_VALUE = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario TOML file with [slo]")
    parser.add_argument("--vary", required=True, metavar="KEY=LO..HI",
                        help="scenario key path and range, e.g. "
                        "channels.inline.APNS.pool.connections=1..64 (integers when LO and HI "
                        "are); channels.inline.<Type> keys are those of the channel's effective "
                        "profile (the named profile with the file's inline tables applied)")
    parser.add_argument("--goal", choices=("min", "max"), default="min",
                        help="min: smallest value meeting all SLOs, for keys where more helps "
                        "(connections, rate limits); max: largest, where more hurts (arrival "
                        "rate). Default min")
    parser.add_argument("--resolution", type=float, default=None,
                        help="stop when the answer is known this closely (default 1 for "
                        "integers, 1%% of the range otherwise)")
    parser.add_argument("--seed", type=int, default=None, metavar="N",
                        help="seed for every trial instead of the scenario's own")
    parser.add_argument("--out", default="results", metavar="DIR",
                        help="results directory (default results)")


def has_slo(scenario: Scenario) -> bool:
    """True when ``[slo]`` sets at least one target."""
    return any(v not in (None, {}) for v in msgspec.structs.asdict(scenario.slo).values())


def trial_from(value: float, result: EngineResult) -> PlanTrial:
    """The figures of one trial run."""
    histograms = result.histograms
    request = histograms[REQUEST_TAG] if REQUEST_TAG in histograms else None  # noqa: SIM401
    return PlanTrial(
        value=value,
        slo_met=result.slo_met,
        partial=result.partial,
        request_p99_s=latency_stats(request).p99_s if request is not None else 0.0,
        achieved_deliveries_per_s=result.achieved_deliveries_per_s,
        error_ratio=error_ratio(result.final_counts),
        completion_s=result.completion_s,
        wall_s=result.wall_s,
        slo=tuple(slo_check(v) for v in result.slo_verdicts),
    )


def search(
    scenario: Scenario,
    vary: VaryRange,
    *,
    goal: Goal,
    resolution: float,
    seed: int | None,
    stop: threading.Event,
    on_trial: Callable[[PlanTrial], None] | None = None,
) -> tuple[float | None, list[PlanTrial]]:
    """``sim.engine.plan`` over the range; the answer (None if no value passes) and every
    trial with the report's figures."""
    trials: list[PlanTrial] = []

    def record(value: float, result: EngineResult) -> None:
        trial = trial_from(value, result)
        trials.append(trial)
        if on_trial is not None:
            on_trial(trial)

    outcome = plan(scenario, vary.key, vary.low, vary.high, goal=goal, integer=vary.integer,
                   resolution=resolution, seed=seed, stop=stop, on_result=record)
    return outcome.answer, trials


def _prepare(args: argparse.Namespace) -> tuple[Scenario, VaryRange, float] | None:
    """The scenario, range and resolution, or None after saying on stderr what is wrong."""
    scenario = load(args.scenario, "plan")
    if scenario is None:
        return None
    if not has_slo(scenario):
        error("plan", f"scenario {scenario.name!r} sets no [slo] target: nothing to plan for")
        return None
    try:
        vary = parse_vary(args.vary)
        resolution = args.resolution or vary.default_resolution()
        if resolution <= 0:
            raise ValueError(f"--resolution must be > 0, got {resolution}")
        for end in (vary.low, vary.high):  # a bad key or value fails now, not after many runs
            with_value(scenario, vary.key, int(end) if vary.integer else end)
    except (ValueError, ScenarioError) as exc:
        error("plan", str(exc).replace("\n", "; "))
        return None
    return scenario, vary, resolution


def main(args: argparse.Namespace) -> int:
    prepared = _prepare(args)
    if prepared is None:
        return EXIT_BAD_INPUT
    scenario, vary, resolution = prepared
    goal: Goal = "max" if args.goal == "max" else "min"
    console = make_console()
    console.print(" | ".join(PLAN_HEADERS), markup=False, highlight=False)

    def show(trial: PlanTrial) -> None:
        console.print(" | ".join(plan_trial_row(trial, vary.integer)))

    with stop_on_interrupt("plan") as stop:
        try:
            answer, trials = search(scenario, vary, goal=goal, resolution=resolution,
                                    seed=args.seed, stop=stop, on_trial=show)
        except InterruptedError:
            error("plan", "interrupted: the search is incomplete, nothing written")
            return EXIT_INTERRUPTED
        except UnrunnableScenario as exc:  # found before a trial's first request
            error("plan", str(exc))
            return EXIT_BAD_INPUT
        plan = PlanResult(
            scenario=scenario.name,
            plan_id=new_plan_id(),
            driver="engine",
            seed=scenario.seed if args.seed is None else args.seed,
            code_version=code_version(),
            key=vary.key,
            low=vary.low,
            high=vary.high,
            integer=vary.integer,
            goal=goal,
            answer=answer,
            trials=tuple(trials),
        )
        plan_dir = write_plan(plan, args.out)
    console.print(plan_table(plan))
    which = "smallest" if goal == "min" else "largest"
    found = "none in the range" if answer is None else f"{answer:g}"
    console.print(f"{which} {vary.key} meeting all SLOs: {found}", markup=False,
                  highlight=False, soft_wrap=True)
    console.print(f"plan written to {plan_dir}", markup=False, highlight=False, soft_wrap=True)
    return 0 if answer is not None else EXIT_NO_VALUE
