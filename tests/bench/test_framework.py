"""The bench framework's parts: verdicts, results files, timing, registry, generated data."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import msgspec
import pytest

import sim.bench
from sim.api import ChannelType
from sim.bench import (
    BenchOptions,
    BenchResult,
    Machine,
    Subject,
    at_least,
    at_most,
    benchmark_names,
    figure,
    interleave,
    load_benchmark,
    median_ratio,
    read_result,
    result_table,
    write_result,
)
from sim.bench._core_service import sustainable_step_s
from sim.bench._population import CHANNEL_MIX, Population, channel_mix
from sim.channels import ChannelProfile, ConstantLatency, Pool, RateLimit


def test_public_names_are_exported_explicitly() -> None:
    public = {n for n in vars(sim.bench) if not n.startswith("_")
              and not isinstance(getattr(sim.bench, n), type(sys))}
    assert set(sim.bench.__all__) == public - {"annotations"}


def test_verdicts_follow_the_target() -> None:
    assert figure("a", 5, "x/s", target=at_least(5, "x/s")).passed is True
    assert figure("a", 4.9, "x/s", target=at_least(5, "x/s")).passed is False
    assert figure("m", 300, "MB", target=at_most(300, "MB")).passed is True
    assert figure("m", 301, "MB", target=at_most(300, "MB")).passed is False
    assert figure("n", 1, "x/s").passed is None
    with pytest.raises(ValueError, match="target is in"):
        figure("a", 1, "x/s", target=at_least(1, "MB"))


def result(passed: bool = True) -> BenchResult:
    f = figure("rate", 2.0, "x/s", target=at_least(3.0 if not passed else 1.0, "x/s"))
    return BenchResult(benchmark="fake", code_version="0", sim_version="0", git_commit=None,
                       git_dirty=None,
                       machine=Machine(cpu_count=1, python="3", numpy="2", msgspec="0",
                                       numba=None, platform="p"),
                       started_utc="2026-01-01T00:00:00Z", duration_s=1.0, quick=True,
                       settings={"k": 1}, figures=[f], passed=bool(f.passed),
                       failed=[] if f.passed else ["rate"])


def test_results_are_written_atomically_and_read_back(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "bench"
    path = write_result(result(), out)
    assert path == out / "fake.json"
    assert read_result(path) == result()
    write_result(result(passed=False), out)  # replaces the old file in one step
    assert read_result(path) == result(passed=False)
    assert sorted(p.name for p in out.iterdir()) == ["fake.json"]


def test_a_bad_results_file_fails_at_decode() -> None:
    data = msgspec.json.encode(result()).replace(b'"passed":true', b'"passed":"yes"', 1)
    with pytest.raises(msgspec.ValidationError, match="passed"):
        msgspec.json.decode(data, type=BenchResult)


def test_table_shows_every_figure_and_the_verdict() -> None:
    table = result_table(result(passed=False))
    assert table.row_count == 1
    assert "missed" in str(table.title)


def test_interleave_alternates_the_order_and_counts_items() -> None:
    seen: list[str] = []
    subjects = [Subject("a", lambda n: seen.extend("a" * n), 2, 10),
                Subject("b", lambda n: seen.extend("b" * n), 1, 1)]
    timed = interleave(subjects, 3)
    assert "".join(seen) == "aab" "baa" "aab"
    assert all(len(t.cpu.per_round) == 3 and len(t.wall.per_round) == 3
               for t in timed.values())
    assert timed["a"].wall.best >= timed["a"].wall.median > 0
    assert median_ratio(timed["a"].wall, timed["a"].wall) == 1.0


def test_registry_finds_core_and_rejects_unknown_names() -> None:
    assert "core" in benchmark_names()
    assert callable(load_benchmark("core"))
    with pytest.raises(KeyError, match="no benchmark"):
        load_benchmark("nope")
    assert BenchOptions().quick is False


def test_population_looks_like_production_data() -> None:
    population = Population(7)
    ids = population.uuids(1000)
    assert len(set(ids)) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                            i) for i in ids)
    mix = channel_mix(200)
    assert [mix.count(c) for c, _ in CHANNEL_MIX] == [2 * share for _, share in CHANNEL_MIX]
    addresses = population.addresses(mix)
    assert len(set(addresses)) == 200
    for channel, address in zip(mix, addresses, strict=True):
        pattern = {ChannelType.SMS: r"\+1[2-9]\d{9}", ChannelType.APNS: r"[0-9a-f]{64}",
                   ChannelType.GCM: r"[\w-]{22}:APA91b[\w-]{134}"}[channel]
        assert re.fullmatch(pattern, address), (channel, address)
    assert Population(7).uuids(3) == ids[:3]


def test_time_step_keeps_rate_limits_and_pools_below_capacity() -> None:
    mix = channel_mix(100)  # 34 SMS, 33 GCM, 33 APNS
    assert sustainable_step_s({}, mix) == 1e-3
    sms = ChannelProfile(latency=ConstantLatency(value_s=0.0),
                         rate_limit=RateLimit(rate_per_s=100, unit="part"))
    assert sustainable_step_s({"SMS": sms}, mix, sms_parts=2) == pytest.approx(1.25 * 68 / 100)
    apns = ChannelProfile(latency=ConstantLatency(value_s=0.1), pool=Pool(connections=1))
    assert sustainable_step_s({"APNS": apns}, mix) == pytest.approx(1.25 * 33 * 0.1)


def test_building_the_command_line_loads_no_benchmark() -> None:
    from tests.test_layers import modules_after_import

    loaded = modules_after_import("sim.bench.cli")
    assert not loaded & {"numpy", "numba", "sim.core", "sim.engine", "sim.emulator"}
