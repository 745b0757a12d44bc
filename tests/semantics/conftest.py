"""Clients the semantic tests run against: the same assertions in process and over HTTP.

``make_client(config)`` returns a boto3-shaped Pinpoint client backed by a fresh simulator with
``config``. The ``inprocess`` flavour is ``sim.Pinpoint``; the ``http`` flavour is a real boto3
client talking to ``pinsim serve`` on a loopback port (tests/emulator/harness.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

import sim
from sim.core.service import ServiceConfig

MakeClient = Callable[..., Any]


def _inprocess(stack: list[Callable[[], None]], config: ServiceConfig) -> Any:
    return sim.Pinpoint(config=config)


def _http(stack: list[Callable[[], None]], config: ServiceConfig) -> Any:
    import boto3
    from botocore.config import Config

    from tests.emulator.harness import start_emulator

    url, stop = start_emulator(config)
    stack.append(stop)
    return boto3.client("pinpoint", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"mode": "standard", "total_max_attempts": 1}))


FLAVOURS: dict[str, Callable[[list[Callable[[], None]], ServiceConfig], Any]] = {
    "inprocess": _inprocess,
    "http": _http,
}


@pytest.fixture(params=list(FLAVOURS))
def make_client(request: pytest.FixtureRequest) -> Iterator[MakeClient]:
    stack: list[Callable[[], None]] = []

    def make(config: ServiceConfig | None = None, **fields: Any) -> Any:
        return FLAVOURS[request.param](stack, config or ServiceConfig(**fields))

    yield make
    for stop in reversed(stack):
        stop()


@pytest.fixture
def client(make_client: MakeClient) -> Any:
    return make_client()


@pytest.fixture
def app_id(client: Any) -> str:
    created = client.create_app(CreateApplicationRequest={"Name": "semantics"})
    return str(created["ApplicationResponse"]["Id"])
