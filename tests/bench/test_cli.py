"""``pinsim bench core --quick`` end to end: the results file exists, decodes, and is complete.

Performance targets are not asserted here: they are judged by running the benchmark.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import msgspec
import pytest

from sim.bench import BenchResult, benchmark_names, read_result
from sim.bench.cli import add_arguments, main

CORE_FIGURES = {
    "send_recipients_per_cpu_s_best", "send_recipients_per_cpu_s_median",
    "send_recipients_per_wall_s_best", "send_recipients_floor_per_cpu_s_best",
    "send_recipients_to_floor_ratio_median",
    "update_endpoint_per_cpu_s_best", "update_endpoint_per_cpu_s_median",
    "update_endpoint_per_wall_s_best",
    "memory_rss_growth_mb", "memory_rss_growth_per_million_endpoints_mb",
}
JUDGED = {"send_recipients_per_cpu_s_best", "send_recipients_to_floor_ratio_median",
          "update_endpoint_per_cpu_s_best", "memory_rss_growth_per_million_endpoints_mb"}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="pinsim bench")
    add_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture(scope="module")
def core_result(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BenchResult]:
    out = tmp_path_factory.mktemp("bench")
    assert main(parse(["core", "--quick", "--out", str(out)])) == 0
    path = out / "core.json"
    return path, msgspec.json.decode(path.read_bytes(), type=BenchResult)


@pytest.mark.slow
def test_core_quick_writes_a_complete_results_file(core_result: tuple[Path, BenchResult]
                                                   ) -> None:
    path, result = core_result
    assert result.benchmark == "core" and result.quick
    assert result.sim_version and result.code_version.startswith(result.sim_version)
    assert result.machine.cpu_count >= 1 and result.machine.numpy and result.machine.python
    assert result.started_utc.endswith("Z") and result.duration_s > 0
    assert read_result(path) == result
    assert not list(path.parent.glob("*.tmp")), "the temporary file was left behind"
    names = [f.name for f in result.figures]
    assert len(names) == len(set(names))
    assert set(names) >= CORE_FIGURES
    for f in result.figures:
        assert math.isfinite(f.value) and f.value > 0, f
        assert f.unit, f
        assert (f.target is None) == (f.passed is None), f
        if f.target is not None:
            assert f.target.unit == f.unit
            assert f.passed == f.target.met_by(f.value)
    assert {f.name for f in result.figures if f.target is not None} == JUDGED
    assert result.failed == [f.name for f in result.figures if f.passed is False]
    assert result.passed == (not result.failed)


@pytest.mark.slow
def test_core_quick_records_what_it_ran(core_result: tuple[Path, BenchResult]) -> None:
    _, result = core_result
    settings = result.settings
    assert settings["send_recipients_per_call"] == 100
    assert isinstance(settings["send_channel_profile"], str) and settings["send_channel_profile"]
    assert settings["send_response_bytes"] == settings["send_floor_response_bytes"]
    assert settings["memory_endpoints"] == 50_000


def test_core_is_registered_and_the_cli_defaults() -> None:
    assert "core" in benchmark_names()
    assert "cli" not in benchmark_names()
    args = parse(["core"])
    assert args.out == Path("results/bench") and not args.quick and not args.check
    with pytest.raises(SystemExit):
        parse(["no-such-benchmark"])
