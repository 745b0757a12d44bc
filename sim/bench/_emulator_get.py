"""Part 2: GetEndpoint on ``pinsim serve`` against moto_server's GetApp, same wrk settings.

moto 5 has no endpoints (reference §7), so its nearest read is GetApp. moto's server finds the
service from the SigV4 credential scope, so both servers get the same static Authorization
header (neither checks it). moto answers with ``Connection: close``, so wrk reconnects for
every request there: that is how moto serves, and part of what is compared. When moto cannot
be started the ratio is recorded as not measured, never estimated.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec

from ._emulator_pair import (
    WrkPlan,
    WrkSubject,
    paired_runs,
    ratio_figures,
    saturation,
    subject_figures,
)
from ._emulator_procs import HOST, Child, call, emulator_argv, free_port, running
from ._emulator_send import APP_ID, JSON, answers_by_status
from ._emulator_wrk import WRK_THREADS, write_script
from ._population import Population
from ._registry import Measurement
from ._schema import Figure, Setting, at_least, at_most, figure

TARGET_MOTO_RATIO = 20.0
AUTHORIZATION = ("AWS4-HMAC-SHA256 Credential=AKIAPINSIMEXAMPLE000/20260101/us-east-1/"
                 "mobiletargeting/aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
                 "0" * 64)
NOT_MEASURED = "not measured"


class _Endpoint(msgspec.Struct):
    Id: str
    Address: str


def create_endpoint(port: int, seed: int) -> str:
    """PUT one GCM endpoint, read it back, check a real field; its path for GetEndpoint."""
    population = Population(seed)
    endpoint_id, address = population.uuids(1)[0], population.fcm_tokens(1)[0]
    path = f"/v1/apps/{APP_ID}/endpoints/{endpoint_id}"
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        status, answer = call(connection, "PUT", path, msgspec.json.encode(
            {"ChannelType": "GCM", "Address": address}), JSON)
        if status != 202:
            raise RuntimeError(f"UpdateEndpoint answered {status}: {answer[:300]!r}")
        status, answer = call(connection, "GET", path)
    finally:
        connection.close()
    endpoint = msgspec.json.decode(answer, type=_Endpoint) if status == 200 else None
    if endpoint is None or endpoint.Id != endpoint_id or endpoint.Address != address:
        raise RuntimeError(f"GetEndpoint answered {status}: {answer[:300]!r}")
    return path


@contextlib.contextmanager
def moto_app(tmp: Path, log: Callable[[str], None]
             ) -> Iterator[tuple[Child, str] | str]:
    """A running moto_server and the path of an app created through boto3, or why not."""
    missing = [m for m in ("moto", "boto3", "flask") if importlib.util.find_spec(m) is None]
    if missing:
        yield f"{', '.join(missing)} not installed (pip install 'moto[server]' boto3)"
        return
    port = free_port()
    log(f"get: starting moto_server on port {port}")
    argv = [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)]
    with running(argv, port=port, log=tmp / "moto.log") as moto:
        import boto3

        client: Any = boto3.client("pinpoint", region_name="us-east-1",
                                   endpoint_url=f"http://{HOST}:{port}",
                                   aws_access_key_id="testing", aws_secret_access_key="testing")
        app_id = client.create_app(CreateApplicationRequest={"Name": "pinsim-bench"}
                                   )["ApplicationResponse"]["Id"]
        if client.get_app(ApplicationId=app_id)["ApplicationResponse"]["Name"] != "pinsim-bench":
            raise RuntimeError("moto's GetApp did not return the app created")
        yield moto, f"/v1/apps/{app_id}"


def _moto_version() -> str:
    try:
        import moto
    except ImportError:
        return "not installed"
    return str(moto.__version__)


def run_get(plan: WrkPlan, seed: int, tmp: Path, log: Callable[[str], None]) -> Measurement:
    headers = {"Authorization": AUTHORIZATION}
    script = write_script(tmp / "get.lua", "GET", headers)
    log("get: starting the emulator (instant pacing) and creating one endpoint")
    with running(emulator_argv("instant", APP_ID, tmp / "results"),
                 log=tmp / "emulator-get.log") as emulator, moto_app(tmp, log) as moto:
        path = create_endpoint(emulator.port, seed)
        subjects = [WrkSubject("emulator", f"http://{HOST}:{emulator.port}{path}", script,
                               emulator.process)]
        if not isinstance(moto, str):
            child, app_path = moto
            subjects.append(WrkSubject("moto", f"http://{HOST}:{child.port}{app_path}",
                                       script, child.process))
        log(f"get: wrk -t{WRK_THREADS} -c{plan.connections}, {plan.rounds} round(s) of "
            f"{plan.duration_s:g} s per server" + (", alternating" if len(subjects) > 1
                                                    else f" (moto: {moto})"))
        runs = paired_runs(subjects, plan, tmp, log)
        served = answers_by_status(emulator.port, "GetEndpoint")
    figures: list[Figure] = [
        *subject_figures("get", "emulator", "GetEndpoint on pinsim serve --pacing instant",
                         runs["emulator"]),
        figure("get_emulator_non_200_answers",
               sum(n for status, n in served.items() if status != "200"), "answers",
               "GetEndpoint answers other than 200, from the emulator's /_pinsim/stats",
               at_most(0, "answers")),
    ]
    settings: dict[str, Setting] = {
        "get_moto_version": _moto_version(),
        "get_saturated_emulator": saturation(runs["emulator"]),
    }
    if isinstance(moto, str):
        settings["get_moto_ratio_verdict"] = NOT_MEASURED
        settings["get_moto_not_measured_because"] = moto
    else:
        figures += [
            *subject_figures("get", "moto", "GetApp on moto_server (Connection: close)",
                             runs["moto"]),
            *ratio_figures("get", "emulator", "moto", runs,
                           at_least(TARGET_MOTO_RATIO, "ratio")),
        ]
        settings["get_saturated_moto"] = saturation(runs["moto"])
        settings["get_moto_ratio_verdict"] = "measured"
    return Measurement(figures, settings)
