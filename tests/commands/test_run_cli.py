"""``pinsim run``: the files a user gets, errors on bad input, partial results on Ctrl-C."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from hdrh.log import HistogramLogReader

from sim.report import load_run

from .helpers import QUICKSTART, call, quickstart_variant, run_dir_from, spawn


def test_run_writes_every_result_file_and_prints_the_summary(tmp_path: Path) -> None:
    child = spawn("run", QUICKSTART, "--out", tmp_path, "--seed", "3")
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == 0, stderr
    run = run_dir_from(stdout)
    assert run.parent == tmp_path / "quickstart"
    assert {p.name for p in run.iterdir()} == {
        "summary.json", "histograms.hlog", "report.md",
        "latency_spectrum.png", "throughput.png", "queue_depth.png",
    }
    for heading in ("channel/status", "APNS/SUCCESSFUL", "p99.9 s", "achieved deliveries/s",
                    "request_p99_s"):
        assert heading in stdout
    summary = load_run(run).summary
    assert (summary.seed, summary.partial, summary.driver) == (3, False, "engine")
    assert summary.totals.requests > 0 and summary.slo_met
    reader = HistogramLogReader(str(run / "histograms.hlog"), None)
    first = reader.get_next_interval_histogram()
    reader.close()
    assert first is not None and first.get_total_count() > 0


def test_missing_scenario_is_one_line_and_exit_2(tmp_path: Path) -> None:
    child = spawn("run", tmp_path / "nope.toml", "--out", tmp_path)
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == 2
    assert stderr.strip().splitlines() == [f"pinsim run: scenario file "
                                           f"'{tmp_path / 'nope.toml'}' not found"]
    assert stdout == "" and not (tmp_path / "quickstart").exists()


def test_invalid_scenario_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = quickstart_variant(tmp_path)
    bad.write_text(bad.read_text().replace("max_attempts = 3", "max_attempts = 0"))
    assert call("run", bad, "--out", tmp_path) == 2
    err = capsys.readouterr().err
    assert f"{bad}:" in err and "max_attempts" in err


@pytest.mark.parametrize("change, fragment", [
    (("[channels]\n", "[channels]\nfailure_marks_inactive = true\n"),
     "channels.failure_marks_inactive: the engine does not model"),
    (("users = ", "users = 1 #"), "workload.recipients_per_request"),
])
def test_scenario_the_engine_cannot_run_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], fragment: str
) -> None:
    scenario = quickstart_variant(tmp_path)
    text = scenario.read_text()
    assert change[0] in text
    scenario.write_text(text.replace(change[0], change[1], 1))
    assert call("run", scenario, "--out", tmp_path / "out") == 2
    assert fragment in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_slo_misses_fail_the_command_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strict = quickstart_variant(tmp_path, name="strict", duration_s=3)
    strict.write_text(strict.read_text().replace("request_p99_s = 2.0", "request_p99_s = 0.01"))
    assert call("run", strict, "--out", tmp_path, "--no-plots") == 0
    assert call("run", strict, "--out", tmp_path, "--no-plots", "--fail-on-slo") == 1
    assert "FAIL" in capsys.readouterr().out


def test_interrupt_still_writes_partial_results(tmp_path: Path) -> None:
    long = quickstart_variant(tmp_path, name="long", duration_s=100_000)
    child = spawn("run", long, "--out", tmp_path, "--no-plots")
    assert child.stderr is not None
    assert "simulating long" in child.stderr.readline()  # the engine is about to start
    time.sleep(1.0)
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == 130, stderr
    assert "stopping early" in stderr
    run = run_dir_from(stdout)
    assert stdout.strip().splitlines()[-1].startswith("PARTIAL results written to")
    summary = load_run(run).summary
    assert summary.partial
    assert 0 < summary.offered_duration_s < 100_000
    assert summary.totals.requests > 0
    report = (run / "report.md").read_text()
    assert "PARTIAL" in report
    assert summary.totals.unsent_retries >= 0
    if summary.totals.unsent_retries:
        assert "retries due but not sent (run stopped)" in report
    assert [p.name for p in (tmp_path / "long").iterdir()] == [run.name]  # no staging left


def test_same_scenario_and_seed_give_identical_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    short = quickstart_variant(tmp_path, name="short", duration_s=5)
    runs = []
    for run_id in ("first", "second"):
        assert call("run", short, "--out", tmp_path, "--run-id", run_id, "--no-plots") == 0
        runs.append(tmp_path / "short" / run_id)
    capsys.readouterr()
    first, second = (load_run(run).summary for run in runs)
    varying = {"run_id", "created_utc", "wall_s"}
    for field in first.__struct_fields__:
        if field not in varying:
            assert getattr(first, field) == getattr(second, field), field
    assert (runs[0] / "histograms.hlog").read_bytes() == (runs[1] / "histograms.hlog").read_bytes()
    assert call("run", short, "--out", tmp_path, "--run-id", "first", "--no-plots") == 2
    assert "already exists" in capsys.readouterr().err
