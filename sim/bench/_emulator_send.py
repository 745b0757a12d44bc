"""Part 1: SendMessages (100 addresses) through ``pinsim serve --pacing instant`` under wrk,
against a bare trio + h11 server answering the emulator's own answer bytes.

Channels are ideal (no ``--scenario``): in instant pacing the service clock is the real clock,
so realistic channel rate limits would turn most deliveries into THROTTLED at these rates and
the benchmark would time a different path. Every answer must be a 200 with 100 results: wrk
counts answers >= 400, and the emulator's own stats must show nothing but 200s.
"""

from __future__ import annotations

import http.client
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import msgspec

from sim.api import MessageResponse

from ._core_send import RECIPIENTS, request_body
from ._emulator_pair import (
    WrkPlan,
    WrkSubject,
    paired_runs,
    ratio_figures,
    request_rates,
    saturation,
    subject_figures,
)
from ._emulator_procs import HOST, call, emulator_argv, fetch_stats, running
from ._emulator_wrk import WRK_THREADS, write_script
from ._population import Population
from ._registry import Measurement
from ._schema import Setting, at_least, at_most, figure

APP_ID = "bench-app"
TARGET_REQ_PER_S = 6_000
TARGET_BARE_RATIO = 0.5
JSON = {"Content-Type": "application/json"}


def answers_by_status(port: int, operation: str) -> dict[str, int]:
    """What the emulator says it answered for ``operation`` (HTTP status -> count)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        return fetch_stats(connection).requests.get(operation, {})
    finally:
        connection.close()


def check_send(port: int, path: str, body: bytes) -> tuple[bytes, str]:
    """One SendMessages over HTTP: the answer bytes and its DeliveryStatus counts."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        status, answer = call(connection, "POST", path, body, JSON)
    finally:
        connection.close()
    if status != 200:
        raise RuntimeError(f"SendMessages answered {status}: {answer[:300]!r}")
    results = msgspec.json.decode(answer, type=MessageResponse).Result or {}
    if len(results) != RECIPIENTS:
        raise RuntimeError(f"SendMessages answered {len(results)} results, not {RECIPIENTS}")
    statuses = Counter(r.DeliveryStatus.value for r in results.values() if r.DeliveryStatus)
    return answer, ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))


def run_send(plan: WrkPlan, seed: int, tmp: Path, log: Callable[[str], None]) -> Measurement:
    body = request_body(Population(seed))
    body_file = tmp / "send-request.json"
    body_file.write_bytes(body)
    path = f"/v1/apps/{APP_ID}/messages"
    argv = emulator_argv("instant", APP_ID, tmp / "results")
    log("send: starting the emulator (instant pacing) and the bare trio + h11 server")
    with running(argv, log=tmp / "emulator-send.log") as emulator:
        answer, statuses = check_send(emulator.port, path, body)
        answer_file = tmp / "send-answer.json"
        answer_file.write_bytes(answer)
        bare_argv = [sys.executable, "-m", "sim.emulator._bare_floor",
                     "--body-file", str(answer_file)]
        with running(bare_argv, log=tmp / "bare.log") as bare:
            bare_answer = _bare_answer(bare.port, path, body)
            if len(bare_answer) != len(answer):
                raise RuntimeError("the bare server's answer is not the emulator's size")
            script = write_script(tmp / "post.lua", "POST", JSON, body_file)
            subjects = [
                WrkSubject("emulator", f"http://{HOST}:{emulator.port}{path}", script,
                           emulator.process),
                WrkSubject("bare", f"http://{HOST}:{bare.port}{path}", script, bare.process)]
            log(f"send: wrk -t{WRK_THREADS} -c{plan.connections}, {plan.rounds} round(s) of "
                f"{plan.duration_s:g} s per server, alternating")
            runs = paired_runs(subjects, plan, tmp, log)
        served = answers_by_status(emulator.port, "SendMessages")
    non_200 = sum(n for status, n in served.items() if status != "200")
    figures = [
        *subject_figures("send", "emulator", "SendMessages, 100 addresses, pinsim serve "
                         "--pacing instant", runs["emulator"],
                         at_least(TARGET_REQ_PER_S, "req/s")),
        figure("send_emulator_recipients_per_s_best",
               request_rates(runs["emulator"]).best * RECIPIENTS, "recipients/s",
               "recipient results per second, best round",
               at_least(TARGET_REQ_PER_S * RECIPIENTS, "recipients/s")),
        figure("send_emulator_non_200_answers", non_200, "answers",
               "SendMessages answers other than 200, from the emulator's /_pinsim/stats",
               at_most(0, "answers")),
        *subject_figures("send", "bare", "bare trio + h11 server, fixed answer of the same "
                         "bytes", runs["bare"]),
        *ratio_figures("send", "emulator", "bare", runs, at_least(TARGET_BARE_RATIO, "ratio")),
    ]
    settings: dict[str, Setting] = {
        "send_channels": "ideal (no --scenario): every delivery SUCCESSFUL at once",
        "send_http_framing": "emulator: wrk's requests take the strict fast path of "
                             "sim/emulator/_fastpath.py (h11 only for other shapes); bare: h11 "
                             "for every request",
        "send_request_bytes": len(body),
        "send_answer_bytes": len(answer),
        "send_first_answer_statuses": statuses,
        "send_emulator_200_answers": served.get("200", 0),
        "send_saturated_emulator": saturation(runs["emulator"]),
        "send_saturated_bare": saturation(runs["bare"]),
    }
    return Measurement(figures, settings)


def _bare_answer(port: int, path: str, body: bytes) -> bytes:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        for _ in range(2):  # twice on one connection: keep-alive works
            status, answer = call(connection, "POST", path, body, JSON)
            if status != 200:
                raise RuntimeError(f"the bare server answered {status}")
    finally:
        connection.close()
    return answer
