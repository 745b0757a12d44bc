"""``sim.Pinpoint``: the simulator behind boto3's method names, arguments and answers.

Code written against ``boto3.client("pinpoint")`` runs against it unchanged: the same keyword
arguments, the same response dicts (with ``ResponseMetadata``), and errors raised as
``client.exceptions.NotFoundException`` etc., subclasses of botocore's ``ClientError`` with
boto3's error dict.

Time: by default the client keeps a virtual clock that starts at 0 and moves to each send's
completion time, as if the caller waited for every answer (one synchronous caller); ``advance``
moves it on, and ``clock=time.monotonic`` runs on real time instead. ``last_trace()`` returns the
simulated per-recipient latencies and completion time of the latest send.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import msgspec
from botocore.exceptions import ClientError

from sim.api import (
    ERROR_CLASSES,
    CreateApplicationRequest,
    EndpointBatchRequest,
    EndpointRequest,
    MessageRequest,
    PinpointError,
    SendUsersMessageRequest,
    to_builtins,
)
from sim.api.errors import BadRequest
from sim.core.service import SendTrace, Service, ServiceConfig
from sim.scenario.profiles import load_channel_profiles


def _convert(type_: type[Any], value: Any, name: str) -> Any:
    try:
        return msgspec.convert(value, type_)
    except msgspec.ValidationError as exc:
        raise BadRequest(f"Invalid {name}: {exc}") from None


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

    # -- time ----------------------------------------------------------------------------

    def _now(self) -> float:
        return self._clock() if self._clock is not None else self.now_s

    def advance(self, seconds: float) -> None:
        """Move the virtual clock on (no effect with a real ``clock``)."""
        self.now_s += seconds

    def last_trace(self) -> SendTrace:
        """Simulated per-recipient latencies and completion time of the latest send."""
        if self._last_trace is None:
            raise RuntimeError("no send has been made yet")
        return self._last_trace

    # -- plumbing ------------------------------------------------------------------------

    def _answer(self, operation: str, key: str, fn: Callable[[], Any], status: int) -> Any:
        request_id = self.service.next_request_id()
        try:
            value = fn()
        except PinpointError as exc:
            error = {"Error": {"Code": exc.error_type, "Message": exc.message},
                     "Message": exc.message,
                     "ResponseMetadata": self._metadata(request_id, exc.status)}
            raise getattr(self.exceptions, exc.error_type)(error, operation) from None
        if isinstance(value, tuple):
            value, trace = value
            self._last_trace = trace
            if self._clock is None:
                self.now_s = max(self.now_s, trace.completion_s)
        return {key: to_builtins(value), "ResponseMetadata": self._metadata(request_id, status)}

    @staticmethod
    def _metadata(request_id: str, status: int) -> dict[str, Any]:
        return {"RequestId": request_id, "HTTPStatusCode": status,
                "HTTPHeaders": {"content-type": "application/json",
                                "x-amzn-requestid": request_id},
                "RetryAttempts": 0}

    # -- operations (boto3 names) --------------------------------------------------------

    def send_messages(self, *, ApplicationId: str, MessageRequest: Mapping[str, Any]) -> Any:
        req = MessageRequest
        return self._answer("SendMessages", "MessageResponse", lambda: self.service.send_messages(
            ApplicationId, _convert(_MessageRequest, req, "MessageRequest"), self._now()), 200)

    def send_users_messages(self, *, ApplicationId: str,
                            SendUsersMessageRequest: Mapping[str, Any]) -> Any:
        req = SendUsersMessageRequest
        return self._answer(
            "SendUsersMessages", "SendUsersMessageResponse",
            lambda: self.service.send_users_messages(
                ApplicationId, _convert(_SendUsersMessageRequest, req, "SendUsersMessageRequest"),
                self._now()), 200)

    def update_endpoint(self, *, ApplicationId: str, EndpointId: str,
                        EndpointRequest: Mapping[str, Any]) -> Any:
        req = EndpointRequest
        return self._answer("UpdateEndpoint", "MessageBody", lambda: self.service.update_endpoint(
            ApplicationId, EndpointId, _convert(_EndpointRequest, req, "EndpointRequest"),
            self._now()), 202)

    def update_endpoints_batch(self, *, ApplicationId: str,
                               EndpointBatchRequest: Mapping[str, Any]) -> Any:
        req = EndpointBatchRequest
        return self._answer(
            "UpdateEndpointsBatch", "MessageBody", lambda: self.service.update_endpoints_batch(
                ApplicationId, _convert(_EndpointBatchRequest, req, "EndpointBatchRequest"),
                self._now()), 202)

    def get_endpoint(self, *, ApplicationId: str, EndpointId: str) -> Any:
        return self._answer("GetEndpoint", "EndpointResponse",
                            lambda: self.service.get_endpoint(ApplicationId, EndpointId), 200)

    def delete_endpoint(self, *, ApplicationId: str, EndpointId: str) -> Any:
        return self._answer("DeleteEndpoint", "EndpointResponse",
                            lambda: self.service.delete_endpoint(ApplicationId, EndpointId), 202)

    def get_user_endpoints(self, *, ApplicationId: str, UserId: str) -> Any:
        return self._answer("GetUserEndpoints", "EndpointsResponse",
                            lambda: self.service.get_user_endpoints(ApplicationId, UserId), 200)

    def delete_user_endpoints(self, *, ApplicationId: str, UserId: str) -> Any:
        return self._answer("DeleteUserEndpoints", "EndpointsResponse",
                            lambda: self.service.delete_user_endpoints(ApplicationId, UserId),
                            202)

    def create_app(self, *, CreateApplicationRequest: Mapping[str, Any]) -> Any:
        req = CreateApplicationRequest
        return self._answer("CreateApp", "ApplicationResponse", lambda: self.service.create_app(
            _convert(_CreateApplicationRequest, req, "CreateApplicationRequest"), self._now()),
            201)

    def get_app(self, *, ApplicationId: str) -> Any:
        return self._answer("GetApp", "ApplicationResponse",
                            lambda: self.service.get_app(ApplicationId), 200)

    def delete_app(self, *, ApplicationId: str) -> Any:
        return self._answer("DeleteApp", "ApplicationResponse",
                            lambda: self.service.delete_app(ApplicationId), 200)

    def get_apps(self, *, PageSize: str | None = None, Token: str | None = None) -> Any:
        size = int(PageSize) if PageSize is not None else None
        return self._answer("GetApps", "ApplicationsResponse",
                            lambda: self.service.get_apps(size, Token), 200)


_MessageRequest = MessageRequest
_SendUsersMessageRequest = SendUsersMessageRequest
_EndpointRequest = EndpointRequest
_EndpointBatchRequest = EndpointBatchRequest
_CreateApplicationRequest = CreateApplicationRequest
