"""One engine run with a rich progress bar (for people at a terminal) and a stop flag."""

from __future__ import annotations

import threading

from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from sim.engine import EngineResult, run
from sim.engine import Progress as EngineProgress
from sim.scenario import Scenario


def _total(scenario: Scenario) -> tuple[float | None, str]:
    """What the bar counts to: virtual seconds offered, else requests, else unknown."""
    if scenario.duration_s is not None:
        return scenario.duration_s, "s"
    if scenario.requests is not None:
        return float(scenario.requests), "requests"
    return None, ""


def run_engine(
    scenario: Scenario, *, seed: int | None, stop: threading.Event, show_progress: bool
) -> EngineResult:
    """``sim.engine`` run of ``scenario``; stops early (result marked partial) once ``stop`` is set.

    The bar follows virtual time up to the scenario's duration (or its request count); retries
    and answers after the last send are simulated once it is full.
    """
    if not show_progress:
        return run(scenario, seed=seed, stop=stop)
    total, unit = _total(scenario)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(f"simulating {scenario.name}", total=total, detail="")

        def report(progress: EngineProgress) -> None:
            done = progress.virtual_time_s if unit != "requests" else float(progress.requests)
            if total is not None:
                done = min(done, total)
            bar.update(
                task,
                completed=done,
                detail=f"virtual {progress.virtual_time_s:,.1f} s, "
                f"{progress.requests:,} requests, {progress.attempts:,} attempts",
            )

        return run(scenario, seed=seed, progress=report, stop=stop)
