"""``pinsim bench engine --quick`` writes a complete results file (targets are not asserted)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pytest

from sim.bench import benchmark_names, read_result
from sim.bench.cli import add_arguments, main


@pytest.mark.slow
def test_engine_quick_writes_engine_simpy_and_large_run_figures(tmp_path: Path) -> None:
    assert "engine" in benchmark_names()
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert main(parser.parse_args(["engine", "--quick", "--out", str(tmp_path)])) == 0
    result = read_result(tmp_path / "engine.json")
    figures = {f.name: f for f in result.figures}
    assert set(figures) >= {"engine_deliveries_per_s", "simpy_deliveries_per_s",
                            "engine_to_simpy_ratio", "large_run_wall_s"}
    for f in figures.values():
        assert math.isfinite(f.value) and f.value > 0, f
    ratio = figures["engine_deliveries_per_s"].value / figures["simpy_deliveries_per_s"].value
    assert figures["engine_to_simpy_ratio"].value == pytest.approx(ratio)
    assert figures["engine_to_simpy_ratio"].passed is not None
    assert isinstance(deliveries := result.settings["large_run_deliveries"], int)
    assert deliveries >= 1_000_000  # attempts: first attempts plus retries
