"""Fixtures: emulators on ephemeral loopback ports and boto3 clients pointed at them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from sim.emulator import EmulatorConfig, EmulatorThread, start_in_thread

TEST_KEY_ID = "AKIAPINSIMEXAMPLE000"  # the emulator's documented default credentials
TEST_SECRET = "pinsim-secret-access-key-for-tests-only"

StartServer = Callable[..., EmulatorThread]


@pytest.fixture
def start_server() -> Iterator[StartServer]:
    """``start_server(**EmulatorConfig fields)``: instant pacing, no results files by default."""
    servers: list[EmulatorThread] = []

    def start(**fields: Any) -> EmulatorThread:
        fields.setdefault("port", 0)
        fields.setdefault("pacing", "instant")
        fields.setdefault("results_dir", None)
        server = start_in_thread(EmulatorConfig(**fields))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def server(start_server: StartServer) -> EmulatorThread:
    return start_server()


def boto_client(url: str, *, total_attempts: int = 1, key_id: str = TEST_KEY_ID,
                secret: str = TEST_SECRET, **config: Any) -> Any:
    """A real boto3 Pinpoint client; ``total_attempts=1`` (the first try only) turns boto3's
    retries off. (botocore's ``max_attempts`` counts retries on top of the first try.)"""
    return boto3.client(
        "pinpoint", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(retries={"mode": "standard", "total_max_attempts": total_attempts},
                      **config))


@pytest.fixture
def client(server: EmulatorThread) -> Any:
    return boto_client(server.url)


@pytest.fixture
def app_id(client: Any) -> str:
    created = client.create_app(CreateApplicationRequest={"Name": "emulator-tests"})
    return str(created["ApplicationResponse"]["Id"])
