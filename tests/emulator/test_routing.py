"""Routing from sim.api.OPERATIONS: every operation is reachable, labels are split before they
are decoded, and the pitfalls of similar paths stay apart."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.api import OPERATIONS
from sim.api.errors import BadRequest, MethodNotAllowed, NotFound
from sim.emulator import Router
from sim.emulator._routing import MAX_RECENT_ROUTES, Route

ROUTER = Router()


def concrete(uri: str, value: str = "x") -> str:
    return "/".join(value if part.startswith("{") else part for part in uri.split("/"))


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_operation_routes_to_itself(name: str) -> None:
    op = OPERATIONS[name]
    route = ROUTER.resolve(op.method, concrete(op.uri))
    assert route.operation == name
    assert set(route.params) == {p[1:-1] for p in op.uri.split("/") if p.startswith("{")}


@pytest.mark.parametrize("method, target, operation", [
    ("PUT", "/v1/apps/a/endpoints", "UpdateEndpointsBatch"),
    ("PUT", "/v1/apps/a/endpoints/endpoints", "UpdateEndpoint"),
    ("POST", "/v1/apps/a/users-messages", "SendUsersMessages"),
    ("GET", "/v1/apps/a/users/users-messages", "GetUserEndpoints"),
    ("GET", "/v1/apps/messages", "GetApp"),
    ("GET", "/v1/apps", "GetApps"),
    ("POST", "/v1/apps", "CreateApp"),
])
def test_similar_paths_stay_apart(method: str, target: str, operation: str) -> None:
    assert ROUTER.resolve(method, target).operation == operation


@given(app_id=st.text(min_size=1, max_size=30), endpoint_id=st.text(min_size=1, max_size=30))
def test_labels_are_split_then_decoded(app_id: str, endpoint_id: str) -> None:
    target = f"/v1/apps/{quote(app_id, safe='')}/endpoints/{quote(endpoint_id, safe='')}"
    route = ROUTER.resolve("GET", target)
    assert route.operation == "GetEndpoint"
    assert dict(route.params) == {"application-id": app_id, "endpoint-id": endpoint_id}


def test_query_is_parsed_and_absolute_form_targets_are_accepted() -> None:
    route = ROUTER.resolve("GET", "http://127.0.0.1:8080/v1/apps?page-size=5&token=a%2Fb")
    assert route.operation == "GetApps"
    assert dict(route.query) == {"page-size": "5", "token": "a/b"}


def test_errors_for_unrouted_requests() -> None:
    with pytest.raises(MethodNotAllowed) as wrong_method:
        ROUTER.resolve("POST", "/v1/apps/a/endpoints/e")
    assert getattr(wrong_method.value, "allow", None) == ("DELETE", "GET", "PUT")
    with pytest.raises(BadRequest, match="GetCampaigns"):
        ROUTER.resolve("GET", "/v1/apps/a/campaigns")
    with pytest.raises(BadRequest, match="not emulated"):
        ROUTER.resolve("GET", "/v1/apps/a/endpoints/e/extra")
    with pytest.raises(NotFound):
        ROUTER.resolve("GET", "/v2/apps")


def test_recent_routes_are_the_same_routes_and_the_memory_of_them_is_bounded() -> None:
    router = Router()
    targets = [f"/v1/apps/a/endpoints/e-{i}" for i in range(MAX_RECENT_ROUTES + 10)]
    first = [router.resolve("GET", t) for t in targets]
    again = [router.resolve("GET", t) for t in reversed(targets)][::-1]
    assert again == first == [Route("GetEndpoint", {"application-id": "a", "endpoint-id":
                                                    f"e-{i}"}, {}) for i in range(len(targets))]
    assert len(router._recent) <= MAX_RECENT_ROUTES
    with pytest.raises(MethodNotAllowed):  # errors are never remembered as routes
        router.resolve("POST", targets[0])
