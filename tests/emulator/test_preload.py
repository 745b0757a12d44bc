"""A scenario's population preloaded into the emulator: endpoints and users a load test can hit
by their documented names, with the scenario's opt-out and inactive rates."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.emulator import EmulatorConfig
from sim.emulator.cli import add_arguments, config_from_args
from sim.scenario import Population

from .conftest import StartServer, boto_client

SCENARIO = """
name = "preload-check"
seed = 3
requests = 10
[population]
users = 300
endpoints_per_user = { kind = "constant", value = 2 }
channel_mix = { SMS = 0.5, GCM = 0.5 }
opt_out_rate = 0.1
inactive_rate = 0.1
[workload]
operation = "send_users_messages"
recipients_per_request = { kind = "constant", value = 5 }
arrival = { kind = "open", rate_per_s = 10 }
[channels.inline.SMS]
latency = { kind = "constant", value_s = 0.1 }
[channels.inline.GCM]
latency = { kind = "constant", value_s = 0.1 }
"""


def test_scenario_population_reaches_the_config(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO)
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    config = config_from_args(parser.parse_args(["--scenario", str(path)]))
    assert config.population is not None and config.population.users == 300
    assert config.population_app_id == "preload-check"


def test_preloaded_users_and_endpoints_answer_through_boto3(start_server: StartServer) -> None:
    population = Population(users=300, channel_mix={"SMS": 0.5, "GCM": 0.5},
                            opt_out_rate=0.1, inactive_rate=0.1)
    server = start_server(population=population, population_app_id="app")
    client = boto_client(server.url)
    got = client.get_endpoint(ApplicationId="app", EndpointId="endpoint-00000007")
    endpoint = got["EndpointResponse"]
    assert endpoint["User"]["UserId"] == "user-00000007"
    assert endpoint["ChannelType"] in {"SMS", "GCM"}
    statuses = []
    for first in range(0, 300, 100):
        answer = client.send_users_messages(ApplicationId="app", SendUsersMessageRequest={
            "MessageConfiguration": {"DefaultMessage": {"Body": "hi"}},
            "Users": {f"user-{u:08d}": {} for u in range(first, first + 100)}})
        for by_endpoint in answer["SendUsersMessageResponse"]["Result"].values():
            statuses += [r["DeliveryStatus"] for r in by_endpoint.values()]
    assert len(statuses) == 300
    assert 10 < statuses.count("OPT_OUT") < 60
    assert 10 < statuses.count("PERMANENT_FAILURE") < 60  # inactive endpoints
    assert statuses.count("SUCCESSFUL") > 200


def test_reset_preloads_the_same_population_again(start_server: StartServer) -> None:
    server = start_server(population=Population(users=20, channel_mix={"EMAIL": 1.0}),
                          population_app_id="app")
    client = boto_client(server.url)
    before = client.get_endpoint(ApplicationId="app", EndpointId="endpoint-00000019")
    client.delete_endpoint(ApplicationId="app", EndpointId="endpoint-00000019")
    server.call(server.emulator.reset)
    after = client.get_endpoint(ApplicationId="app", EndpointId="endpoint-00000019")
    assert after["EndpointResponse"]["Address"] == before["EndpointResponse"]["Address"]


def test_config_without_population_creates_no_extra_app() -> None:
    assert EmulatorConfig().population is None
