"""``sim.Pinpoint``: the simulator behind boto3's method names, arguments and answers.

Code written against ``boto3.client("pinpoint")`` runs against it unchanged: the same keyword
arguments, the same response dicts (with ``ResponseMetadata``), and errors raised as
``client.exceptions.NotFoundException`` etc., subclasses of botocore's ``ClientError`` with
boto3's error dict. Each call goes through the same bytes-in, bytes-out ``Service.call`` as the
HTTP emulator (arguments encoded as the request's JSON body, the answer decoded), so the two
drivers cannot drift apart.

Time: by default the client keeps a virtual clock that starts at 0 and moves to each send's
completion time, as if the caller waited for every answer (one synchronous caller); ``advance``
moves it on, and ``clock=time.monotonic`` runs on real time instead. ``last_trace()`` returns the
simulated per-recipient latencies and completion time of the latest send.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
from botocore.exceptions import ClientError

from sim.api import ERROR_CLASSES, OPERATIONS, BadRequest, PinpointError
from sim.core.service import SendTrace, Service, ServiceConfig
from sim.scenario.loading import load_channel_profiles


class _Call(NamedTuple):
    """How one boto3 method maps to an operation: URI labels, query, body and answer member."""

    operation: str
    labels: dict[str, str]  # boto3 argument -> URI label
    query: dict[str, str]  # boto3 argument -> query parameter
    payload: str | None  # boto3 argument that is the JSON body
    answer: str  # response member holding the decoded body


_APP = {"ApplicationId": "application-id"}
_ENDPOINT = {**_APP, "EndpointId": "endpoint-id"}
_USER = {**_APP, "UserId": "user-id"}
CALLS: dict[str, _Call] = {
    "send_messages": _Call("SendMessages", _APP, {}, "MessageRequest", "MessageResponse"),
    "send_users_messages": _Call("SendUsersMessages", _APP, {}, "SendUsersMessageRequest",
                                 "SendUsersMessageResponse"),
    "update_endpoint": _Call("UpdateEndpoint", _ENDPOINT, {}, "EndpointRequest", "MessageBody"),
    "update_endpoints_batch": _Call("UpdateEndpointsBatch", _APP, {}, "EndpointBatchRequest",
                                    "MessageBody"),
    "get_endpoint": _Call("GetEndpoint", _ENDPOINT, {}, None, "EndpointResponse"),
    "delete_endpoint": _Call("DeleteEndpoint", _ENDPOINT, {}, None, "EndpointResponse"),
    "get_user_endpoints": _Call("GetUserEndpoints", _USER, {}, None, "EndpointsResponse"),
    "delete_user_endpoints": _Call("DeleteUserEndpoints", _USER, {}, None, "EndpointsResponse"),
    "create_app": _Call("CreateApp", {}, {}, "CreateApplicationRequest", "ApplicationResponse"),
    "get_app": _Call("GetApp", _APP, {}, None, "ApplicationResponse"),
    "delete_app": _Call("DeleteApp", _APP, {}, None, "ApplicationResponse"),
    "get_apps": _Call("GetApps", {}, {"PageSize": "page-size", "Token": "token"}, None,
                      "ApplicationsResponse"),
}


class Pinpoint:
    """An in-process Pinpoint client backed by the simulator (see the module docstring)."""

    def __init__(self, *, seed: int = 0,
                 profiles: str | Path | Mapping[str, Any] | None = None,
                 config: ServiceConfig | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        if config is None:
            channels = load_channel_profiles(profiles) if profiles is not None else {}
            config = ServiceConfig(seed=seed, channels=channels)
        self.service = Service(config)
        self.now_s = 0.0
        self._clock = clock
        self._last_trace: SendTrace | None = None
        self.exceptions = types.SimpleNamespace(
            ClientError=ClientError,
            **{cls.error_type: type(cls.error_type, (ClientError,), {})
               for cls in ERROR_CLASSES})

    def advance(self, seconds: float) -> None:
        """Move the virtual clock on (no effect with a real ``clock``)."""
        self.now_s += seconds

    def last_trace(self) -> SendTrace:
        """Simulated per-recipient latencies and completion time of the latest send."""
        if self._last_trace is None:
            raise RuntimeError("no send has been made yet")
        return self._last_trace

    def _invoke(self, method: str, arguments: dict[str, Any]) -> dict[str, Any]:
        call = CALLS[method]
        request_id = self.service.next_request_id()
        try:
            params = {label: _required(arguments, name) for name, label in call.labels.items()}
            query = {q: str(arguments[name]) for name, q in call.query.items()
                     if arguments.get(name) is not None}
            body = msgspec.json.encode(_required(arguments, call.payload)) if call.payload \
                else b""
            now_s = self._clock() if self._clock is not None else self.now_s
            reply = self.service.call(call.operation, params, query, body, now_s, request_id)
        except PinpointError as exc:
            error = {"Error": {"Code": exc.error_type, "Message": exc.message},
                     "Message": exc.message,
                     "ResponseMetadata": _metadata(request_id, exc.status)}
            raise getattr(self.exceptions, exc.error_type)(error, call.operation) from None
        if reply.trace is not None:
            self._last_trace = reply.trace
            if self._clock is None:
                self.now_s = max(self.now_s, reply.completion_s)
        assert reply.status == OPERATIONS[call.operation].status
        return {call.answer: msgspec.json.decode(reply.body),
                "ResponseMetadata": _metadata(request_id, reply.status)}

    # boto3's methods, keyword arguments only, as boto3 requires.

    def send_messages(self, **arguments: Any) -> dict[str, Any]:
        return self._invoke("send_messages", arguments)

    def send_users_messages(self, **arguments: Any) -> dict[str, Any]:
        return self._invoke("send_users_messages", arguments)

    def update_endpoint(self, **arguments: Any) -> dict[str, Any]:
        return self._invoke("update_endpoint", arguments)

    def update_endpoints_batch(self, **arguments: Any) -> dict[str, Any]:
        return self._invoke("update_endpoints_batch", arguments)

    def get_endpoint(self, **arguments: Any) -> dict[str, Any]:
        return self._invoke("get_endpoint", arguments)

    def delete_endpoint(self, **arguments: Any) -> dict[str, Any]:
        return self._invoke("delete_endpoint", arguments)

    def get_user_endpoints(self, **arguments: Any) -> dict[str, Any]:
        return self._invoke("get_user_endpoints", arguments)

    def delete_user_endpoints(self, **arguments: Any) -> dict[str, Any]:
        return self._invoke("delete_user_endpoints", arguments)

    def create_app(self, **arguments: Any) -> dict[str, Any]:
        return self._invoke("create_app", arguments)

    def get_app(self, **arguments: Any) -> dict[str, Any]:
        return self._invoke("get_app", arguments)

    def delete_app(self, **arguments: Any) -> dict[str, Any]:
        return self._invoke("delete_app", arguments)

    def get_apps(self, **arguments: Any) -> dict[str, Any]:
        return self._invoke("get_apps", arguments)


def _required(arguments: Mapping[str, Any], name: str) -> Any:
    """A required argument; boto3 raises ParamValidationError here, this a BadRequest."""
    if name not in arguments or arguments[name] is None:
        raise BadRequest(f"Missing required parameter: {name}")
    return arguments[name]


def _metadata(request_id: str, status: int) -> dict[str, Any]:
    return {"RequestId": request_id, "HTTPStatusCode": status,
            "HTTPHeaders": {"content-type": "application/json", "x-amzn-requestid": request_id},
            "RetryAttempts": 0}
