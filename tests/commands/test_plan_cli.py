"""``pinsim plan`` on a case with a known answer.

Requests arrive every 10 ms (constant process, one APNS recipient each) and every delivery
takes exactly 100 ms, so the pool needs 10 servers: with 10 nobody waits, with 9 the queue grows
by 10 per second and the request p99 passes the 150 ms SLO within the 5 s run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.report import decode_plan

from .helpers import call

SCENARIO = """
name = "pool-size"
seed = 5
duration_s = 5
[population]
users = 2000
channel_mix = { APNS = 1.0 }
[workload]
arrival = { kind = "open", process = "constant", rate_per_s = 100 }
[channels.inline.APNS]
latency = { kind = "constant", value_s = 0.1 }
pool = { connections = 1, streams_per_connection = 1 }
[slo]
request_p99_s = 0.15
"""


def test_plan_finds_the_smallest_pool_meeting_the_slo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "pool-size.toml"
    scenario.write_text(SCENARIO)
    assert call("plan", scenario, "--vary", "channels.inline.APNS.pool.connections=1..40",
                "--out", tmp_path) == 0
    out = capsys.readouterr().out
    assert "smallest channels.inline.APNS.pool.connections meeting all SLOs: 10" in out
    plan_dir = Path(out.strip().splitlines()[-1].split(" written to ", 1)[1])
    assert plan_dir.parent == tmp_path / "pool-size" and plan_dir.name.startswith("plan-")
    assert (plan_dir / "plan.png").read_bytes().startswith(b"\x89PNG")
    plan = decode_plan((plan_dir / "plan.json").read_bytes())
    assert plan.answer == 10 and plan.integer and plan.goal == "min"
    verdicts = {t.value: t.slo_met for t in plan.trials}
    assert verdicts[10] and not verdicts[9]
    assert len(plan.trials) <= 2 + 6  # bisection, not a sweep


def test_plan_refuses_a_scenario_without_slo_or_a_bad_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "pool-size.toml"
    scenario.write_text(SCENARIO.replace("request_p99_s = 0.15", ""))
    assert call("plan", scenario, "--vary", "channels.inline.APNS.pool.connections=1..4") == 2
    assert "no [slo] target" in capsys.readouterr().err
    scenario.write_text(SCENARIO)
    assert call("plan", scenario, "--vary", "channels.inline.APNS.pool.conections=1..4") == 2
    assert "conections" in capsys.readouterr().err


def test_plan_refuses_a_scenario_the_engine_cannot_run_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "pool-size.toml"
    scenario.write_text(SCENARIO.replace("[channels.inline.APNS]",
                                         "[channels]\nfailure_marks_inactive = true\n"
                                         "[channels.inline.APNS]"))
    assert call("plan", scenario, "--vary", "channels.inline.APNS.pool.connections=1..4",
                "--out", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert "pinsim plan: channels.failure_marks_inactive" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()
