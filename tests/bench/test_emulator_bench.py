"""``pinsim bench emulator``: its parts work and its results file is complete.

Performance targets are not asserted: they are judged by running the benchmark. The end-to-end
run needs the wrk binary (not installed by ``.ci/run``, which uses pip only), so the parts that
do not need it are tested on their own: the bare comparison server, the in-flight client
against a real emulator, the wrk script and output parsing, and child clean-up.
"""

from __future__ import annotations

import argparse
import http.client
import math
import sys
from pathlib import Path

import msgspec
import pytest

from sim.bench import BenchResult, benchmark_names
from sim.bench._core_send import request_body
from sim.bench._emulator_held import HeldPlan, run_held
from sim.bench._emulator_procs import HOST, call, emulator_argv, running
from sim.bench._emulator_send import APP_ID, check_send
from sim.bench._emulator_wrk import MARKER, parse_output, write_script, wrk_binary
from sim.bench._population import Population
from sim.bench.cli import add_arguments, main

COUNTS = {"error_answers", "socket_errors", "non_200_answers"}
"""Figures that count problems: zero is the good value."""


def test_emulator_is_a_registered_benchmark() -> None:
    assert "emulator" in benchmark_names()


def test_wrk_script_sets_method_body_headers_and_prints_totals(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(b'{"a": 1}')
    text = write_script(tmp_path / "s.lua", "POST", {"Content-Type": "application/json"},
                        body).read_text()
    assert 'wrk.method = [==[POST]==]' in text
    assert f"io.open([==[{body}]==], 'rb')" in text
    assert "wrk.headers[ [==[Content-Type]==] ] = [==[application/json]==]" in text
    assert "function done(" in text and "function response(" not in text
    line = (MARKER + '{"requests":10,"duration_us":1000000,"bytes":5,"connect":0,"read":1,'
            '"write":0,"status":2,"timeout":0,"p50_us":100,"p99_us":900}')
    totals = parse_output("Running 1s test\n" + line + "\n")
    assert (totals.requests, totals.status, totals.read, totals.p99_us) == (10, 2, 1, 900)
    with pytest.raises(RuntimeError, match="no totals"):
        parse_output("post.lua:5: unexpected symbol near '='\n")


def test_bare_server_answers_its_fixed_body_on_one_keep_alive_connection(
        tmp_path: Path) -> None:
    answer = b'{"Result": {}}' * 100
    (tmp_path / "answer.json").write_bytes(answer)
    argv = [sys.executable, "-m", "sim.emulator._bare_floor", "--body-file",
            str(tmp_path / "answer.json")]
    with running(argv, log=tmp_path / "bare.log") as bare:
        connection = http.client.HTTPConnection(HOST, bare.port, timeout=10)
        try:
            for _ in range(3):
                connection.request("POST", "/v1/apps/a/messages", body=b"x" * 10_000,
                                   headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                assert (response.status, response.read()) == (200, answer)
                assert not response.will_close
                assert response.getheader("content-type") == "application/json"
        finally:
            connection.close()
    assert bare.popen.returncode is not None, "the server was not stopped"


def test_children_are_stopped_when_the_caller_fails(tmp_path: Path) -> None:
    (tmp_path / "answer.json").write_bytes(b"{}")
    argv = [sys.executable, "-m", "sim.emulator._bare_floor", "--body-file",
            str(tmp_path / "answer.json")]
    with pytest.raises(ValueError, match="boom"), \
            running(argv, log=tmp_path / "bare.log") as bare:
        raise ValueError("boom")
    assert bare.popen.returncode is not None


def test_in_flight_sends_are_concurrent_and_all_answered_after_the_hold(
        tmp_path: Path) -> None:
    measured = run_held(HeldPlan(requested=200, hold_s=1.0), tmp_path, lambda _: None)
    figures = {f.name: f for f in measured.figures}
    assert figures["held_in_flight_peak"].value == 200, "the sends were not all in flight"
    assert figures["held_in_flight_peak"].passed
    assert figures["held_answered_200_fraction"].value == 1.0
    assert measured.settings["held_statuses"] == "200 x 200"
    assert figures["held_latency_min_s"].value >= 0.99
    assert figures["held_latency_max_s"].value < 10.0
    assert figures["held_rss_peak_mb"].value > 0 and figures["held_kb_per_in_flight"].value > 0


def test_the_emulator_answers_the_benchmark_request_with_100_results(tmp_path: Path) -> None:
    with running(emulator_argv("instant", APP_ID, tmp_path / "results"),
                 log=tmp_path / "emulator.log") as emulator:
        answer, statuses = check_send(emulator.port, f"/v1/apps/{APP_ID}/messages",
                                      request_body(Population(1)))
        connection = http.client.HTTPConnection(HOST, emulator.port, timeout=10)
        status, _ = call(connection, "GET", "/_pinsim/stats")
        connection.close()
    assert status == 200 and len(answer) > 10_000
    assert statuses == "100 SUCCESSFUL"


@pytest.mark.slow
def test_quick_run_writes_a_complete_results_file(tmp_path: Path) -> None:
    if wrk_binary() is None:
        pytest.skip("the wrk binary is not installed (apt-get install wrk); the parts that "
                    "do not need it are tested above")
    parser = argparse.ArgumentParser(prog="pinsim bench")
    add_arguments(parser)
    assert main(parser.parse_args(["emulator", "--quick", "--out", str(tmp_path)])) == 0
    result = msgspec.json.decode((tmp_path / "emulator.json").read_bytes(), type=BenchResult)
    assert result.benchmark == "emulator" and result.quick
    names = {f.name for f in result.figures}
    assert len(names) == len(result.figures)
    assert {"send_emulator_req_per_s_best", "send_bare_req_per_s_best",
            "send_emulator_to_bare_ratio_median", "get_emulator_req_per_s_best",
            "held_kb_per_in_flight", "held_in_flight_peak"} <= names
    if result.settings["get_moto_ratio_verdict"] == "measured":
        assert "get_emulator_to_moto_ratio_median" in names
    else:
        assert result.settings["get_moto_ratio_verdict"] == "not measured"
        assert "get_emulator_to_moto_ratio_median" not in names
    for f in result.figures:
        assert math.isfinite(f.value), f
        zero_is_fine = any(f.name.endswith(c) for c in COUNTS)
        assert f.value >= 0 if zero_is_fine else f.value > 0, f
        assert (f.target is None) == (f.passed is None), f
    for name in ("send_emulator_non_200_answers", "get_emulator_non_200_answers"):
        assert next(f for f in result.figures if f.name == name).value == 0
