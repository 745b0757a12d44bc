"""The Pinpoint operations, implemented once on Structs (used in process and over HTTP).

Every method takes the driver's time ``now_s`` (seconds, float) and never reads a clock. Errors
are raised as ``sim.api.PinpointError`` subclasses; every check runs before the store changes, so
a rejected request changes nothing. ``call`` is the bytes-in, bytes-out entry used by the HTTP
emulator and the fast in-process path; the typed methods are used by ``sim.Pinpoint``.

Decisions where reference/pinpoint.md is silent:
- A send with no recipients is a 400 naming ``Addresses``/``Endpoints`` (``Users``).
- ``TemplateConfiguration`` is accepted only alongside direct content: message templates are not
  emulated, so a request that relies on a template alone is a 400 that says so.
- App ids are 32 hex characters derived from the seed and a counter (deterministic).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, NamedTuple

import msgspec
import numpy as np
import numpy.typing as npt

from sim.api import (
    MAX_RECIPIENTS_PER_REQUEST,
    ApplicationResponse,
    ApplicationsResponse,
    CreateApplicationRequest,
    DirectMessageConfiguration,
    EndpointBatchRequest,
    EndpointMessageResult,
    EndpointRequest,
    EndpointResponse,
    EndpointsResponse,
    MessageBody,
    MessageRequest,
    MessageResponse,
    SendUsersMessageRequest,
    SendUsersMessageResponse,
    TemplateConfiguration,
    decode,
    encode,
)
from sim.api import AddressConfiguration as _Address
from sim.api import ChannelType as _ChannelType
from sim.api import DefaultMessage as _DefaultMessage
from sim.api import EndpointSendConfiguration as _EndpointConfig
from sim.api.errors import BadRequest, NotFound
from sim.channels import PERMANENT_FAILURE, ChannelProfile, ChannelState

from .channel_types import CODE_BY_NAME
from .plain_send import decode_message_request, escape_free
from .results import address_results, address_results_json, endpoint_results
from .router import ChannelRouter
from .sends import (
    GCM_CODE,
    STATUSES,
    Expanded,
    Outcome,
    PlainContentCache,
    deliver,
    expand,
)
from .store import AppStore, check_id, check_not_empty, iso8601

MAX_BATCH_ITEMS = 100


class ServiceConfig(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What a simulated Pinpoint account is made of; scenario files embed it."""

    seed: int = 0
    channels: dict[str, ChannelProfile] = {}
    opt_out_as_permanent_p: float = 0.0
    updated_token_p: float = 0.0
    failure_marks_inactive: bool = False
    disabled_channels: list[str] = []
    sms_opt_out_numbers: list[str] = []
    """The account's SMS opt-out list: SMS to these numbers gets OPT_OUT (reference §3)."""
    epoch_unix_s: float = 1_767_225_600.0  # 2026-01-01T00:00:00Z: dates are reproducible
    account_id: str = "123456789012"
    region: str = "us-east-1"


class SendTrace(NamedTuple):
    """The simulated timing of one send, beside its boto3-shaped answer.

    ``latency_s[i]`` is how long recipient ``recipients[i]`` took from the request's arrival to
    its provider's answer (0 for recipients no channel was asked about).
    """

    started_s: float
    completion_s: float
    recipients: list[str]  # address, endpoint id, or "user/endpoint id", in request order
    latency_s: npt.NDArray[np.float64]
    status_codes: npt.NDArray[np.uint8]  # sim.channels status codes (DeliveryStatus order)
    channel_codes: npt.NDArray[np.uint8]  # sim.core.channel_types codes; 255: no channel

    @property
    def statuses(self) -> list[str]:
        """DeliveryStatus names, aligned with ``recipients``."""
        return [STATUSES[s].value for s in self.status_codes.tolist()]


class Reply(NamedTuple):
    status: int
    body: bytes
    completion_s: float
    trace: SendTrace | None = None
    """The simulated timing of a send (None for other operations)."""


class Service:
    def __init__(self, config: ServiceConfig | None = None) -> None:
        self.config = config or ServiceConfig()
        self.apps: dict[str, AppStore] = {}
        self._app_seq = 0
        self._message_seq = 0
        self._request_seq = 0
        root = np.random.SeedSequence(self.config.seed)
        router_seed, rules_seed, token_seed = root.spawn(3)
        self.channels = ChannelRouter(self.config.channels, router_seed,
                                      self.config.disabled_channels)
        self._rules_rng = np.random.default_rng(rules_seed)
        self._token_rng = np.random.default_rng(token_seed)
        self.sms_opt_out = set(self.config.sms_opt_out_numbers)
        self._plain_content = PlainContentCache()
        self._id_salt = hashlib.blake2b(str(self.config.seed).encode(), digest_size=4).hexdigest()
        self._message_id_format = f"{self._id_salt}%020x"
        self._request_id_format = f"{self._id_salt}-0000-4000-8000-%012x"  # UUID-shaped

    # -- ids -----------------------------------------------------------------------------

    def next_request_id(self) -> str:
        self._request_seq += 1
        return self._request_id_format % self._request_seq

    def _next_message_prefix(self) -> str:
        """A new message id prefix (salt and a counter): a request's ids are it followed by
        the recipient's position, unique and deterministic like a counter."""
        self._message_seq += 1
        return self._message_id_format % self._message_seq

    def channel_states(self, now_s: float) -> dict[str, ChannelState]:
        """The load of each configured channel at ``now_s`` (pool and rate-limit buckets)."""
        fleet = self.channels.fleet
        return {name: fleet.state(CODE_BY_NAME[name], now_s)
                for name in sorted(self.config.channels)}

    # -- apps ----------------------------------------------------------------------------

    def app(self, app_id: str) -> AppStore:
        found = self.apps.get(app_id)
        if found is None:
            raise NotFound(f"Resource not found: application '{app_id}'")
        return found

    def _app_response(self, app: AppStore) -> ApplicationResponse:
        c = self.config
        return ApplicationResponse(
            Arn=f"arn:aws:mobiletargeting:{c.region}:{c.account_id}:apps/{app.app_id}",
            Id=app.app_id, Name=app.name, tags=app.tags,
            CreationDate=iso8601(c.epoch_unix_s + app.created_s))

    def create_app(self, request: CreateApplicationRequest, now_s: float,
                   app_id: str | None = None) -> ApplicationResponse:
        if not request.Name:
            raise BadRequest("CreateApplicationRequest.Name must not be empty")
        if app_id is None:
            self._app_seq += 1
            app_id = hashlib.blake2b(f"{self.config.seed}/{self._app_seq}".encode(),
                                     digest_size=16).hexdigest()
        app = self.apps[app_id] = AppStore(app_id, request.Name, now_s, request.tags)
        return self._app_response(app)

    def get_app(self, app_id: str) -> ApplicationResponse:
        return self._app_response(self.app(app_id))

    def delete_app(self, app_id: str) -> ApplicationResponse:
        response = self._app_response(self.app(app_id))
        del self.apps[app_id]
        return response

    def get_apps(self, page_size: int | None = None, token: str | None = None
                 ) -> ApplicationsResponse:
        ids = sorted(self.apps, key=lambda a: (self.apps[a].created_s, a))
        start = ids.index(token) if token in ids else 0
        if token is not None and token not in ids:
            raise BadRequest(f"Invalid token '{token}'")
        size = page_size or 1000
        page = ids[start:start + size]
        rest = ids[start + size:]
        return ApplicationsResponse(Item=[self._app_response(self.apps[a]) for a in page],
                                    NextToken=rest[0] if rest else None)

    # -- endpoints -----------------------------------------------------------------------

    def update_endpoint(self, app_id: str, endpoint_id: str, request: EndpointRequest,
                        now_s: float, request_id: str | None = None) -> MessageBody:
        app = self.app(app_id)
        app.check_write(endpoint_id, request)
        app.check_user_capacity([(endpoint_id, request)])
        app.upsert(endpoint_id, request, now_s, self.config.epoch_unix_s)
        return MessageBody(Message="Accepted", RequestID=request_id or self.next_request_id())

    def update_endpoints_batch(self, app_id: str, request: EndpointBatchRequest, now_s: float,
                               request_id: str | None = None) -> MessageBody:
        app = self.app(app_id)
        items = request.Item
        if len(items) > MAX_BATCH_ITEMS:
            raise BadRequest(f"EndpointBatchRequest.Item has {len(items)} items; the limit is "
                             f"{MAX_BATCH_ITEMS}")
        writes = []
        for i, item in enumerate(items):
            if item.Id is None:
                raise BadRequest(f"EndpointBatchRequest.Item[{i}].Id is required")
            app.check_write(item.Id, item)
            writes.append((item.Id, item))
        app.check_user_capacity(writes)
        for endpoint_id, item in writes:
            app.upsert(endpoint_id, item, now_s, self.config.epoch_unix_s)
        return MessageBody(Message="Accepted", RequestID=request_id or self.next_request_id())

    def get_endpoint(self, app_id: str, endpoint_id: str) -> EndpointResponse:
        app = self.app(app_id)
        check_not_empty("Endpoint Id", endpoint_id)  # any other id no endpoint has is a 404
        return app.response(app.row_of(endpoint_id), self.config.epoch_unix_s)

    def delete_endpoint(self, app_id: str, endpoint_id: str) -> EndpointResponse:
        app = self.app(app_id)
        check_not_empty("Endpoint Id", endpoint_id)
        row = app.row_of(endpoint_id)
        response = app.response(row, self.config.epoch_unix_s)
        app.delete(row)
        return response

    def _user_rows(self, app: AppStore, user_id: str) -> list[int]:
        check_id("User Id", user_id)
        rows = app.rows_of_user(user_id)
        if not rows:
            raise NotFound(f"Resource not found: user '{user_id}' has no endpoints")
        return rows

    def get_user_endpoints(self, app_id: str, user_id: str) -> EndpointsResponse:
        app = self.app(app_id)
        epoch = self.config.epoch_unix_s
        return EndpointsResponse(Item=[app.response(r, epoch)
                                       for r in self._user_rows(app, user_id)])

    def delete_user_endpoints(self, app_id: str, user_id: str) -> EndpointsResponse:
        app = self.app(app_id)
        rows = self._user_rows(app, user_id)
        items = [app.response(r, self.config.epoch_unix_s) for r in rows]
        for row in rows:
            app.delete(row)
        return EndpointsResponse(Item=items)

    # -- sends ---------------------------------------------------------------------------

    def send_messages(self, app_id: str, request: MessageRequest, now_s: float,
                      request_id: str | None = None, *, json_results: bool = False,
                      plain_text: bool = False) -> tuple[MessageResponse, SendTrace]:
        """SendMessages. With ``json_results`` the response's ``Result`` may be a
        ``msgspec.Raw`` holding the same JSON (for callers that only encode it: faster);
        ``plain_text`` says that no address needs escaping in JSON (see ``escape_free``)."""
        app = self.app(app_id)
        _check_content(request.MessageConfiguration, request.TemplateConfiguration)
        addresses = request.Addresses or {}
        endpoints = request.Endpoints or {}
        count = len(addresses) + len(endpoints)
        if count > MAX_RECIPIENTS_PER_REQUEST:
            raise BadRequest(f"MessageRequest has {count} recipients (Addresses + Endpoints); "
                             f"the limit is {MAX_RECIPIENTS_PER_REQUEST}")
        if count == 0:
            raise BadRequest("MessageRequest has no recipients: set Addresses or Endpoints")
        if "" in addresses:
            raise BadRequest("MessageRequest.Addresses has an empty address")
        rows = list(zip(app.index.get_many(list(endpoints)).tolist(), endpoints.values(),
                        strict=True)) if endpoints else []
        expanded = expand(app, addresses, rows, self.sms_opt_out)
        outcome = self._deliver(app, expanded, request.MessageConfiguration, request.Context,
                                now_s)
        n = len(addresses)
        keys = list(addresses)
        result: Any = None
        if addresses:
            json = json_results and not endpoints and address_results_json(
                outcome, keys, plain_text=plain_text)
            result = msgspec.Raw(json) if json else dict(zip(
                keys, address_results(outcome, n), strict=True))
        endpoint_result = dict(zip(endpoints, endpoint_results(outcome, expanded, range(
            n, n + len(endpoints))), strict=True)) if endpoints else None
        response = MessageResponse(ApplicationId=app_id,
                                   RequestId=request_id or self.next_request_id(),
                                   Result=result, EndpointResult=endpoint_result)
        return response, _trace(now_s, outcome, expanded,
                                [*keys, *endpoints] if endpoints else keys)

    def send_users_messages(self, app_id: str, request: SendUsersMessageRequest, now_s: float,
                            request_id: str | None = None
                            ) -> tuple[SendUsersMessageResponse, SendTrace]:
        app = self.app(app_id)
        _check_content(request.MessageConfiguration, request.TemplateConfiguration)
        users = request.Users
        if len(users) > MAX_RECIPIENTS_PER_REQUEST:
            raise BadRequest(f"SendUsersMessageRequest.Users has {len(users)} users; the limit "
                             f"is {MAX_RECIPIENTS_PER_REQUEST}")
        if not users:
            raise BadRequest("SendUsersMessageRequest.Users is empty")
        rows: list[tuple[int, Any]] = []
        owners: list[tuple[str, str]] = []
        for user_id, cfg in users.items():
            check_id("User Id", user_id)
            for row in app.rows_of_user(user_id):
                rows.append((row, cfg))
                owners.append((user_id, app.ids[row]))
        if not rows:
            raise NotFound("Resource not found: none of the users has an endpoint")
        expanded = expand(app, None, rows, self.sms_opt_out)
        outcome = self._deliver(app, expanded, request.MessageConfiguration, request.Context,
                                now_s)
        result: dict[str, dict[str, EndpointMessageResult]] = {u: {} for u in users}
        for (user_id, endpoint_id), one in zip(
                owners, endpoint_results(outcome, expanded, range(len(owners))), strict=True):
            result[user_id][endpoint_id] = one
        response = SendUsersMessageResponse(ApplicationId=app_id,
                                            RequestId=request_id or self.next_request_id(),
                                            Result=result)
        return response, _trace(now_s, outcome, expanded, [f"{u}/{e}" for u, e in owners])

    def _deliver(self, app: AppStore, expanded: Expanded, config: DirectMessageConfiguration,
                 context: dict[str, str] | None, now_s: float) -> Outcome:
        c = self.config
        outcome = deliver(expanded, config, context, now_s, self.channels, self._plain_content,
                          self._next_message_prefix, c.opt_out_as_permanent_p, self._rules_rng)
        if c.updated_token_p > 0.0 or c.failure_marks_inactive:
            self._after_delivery(app, expanded, outcome)
        return outcome

    def _after_delivery(self, app: AppStore, expanded: Expanded, outcome: Outcome) -> None:
        """GCM token refresh and the optional SNS-style deactivation (reference §3, §5)."""
        if expanded.rows is None:
            return  # bare addresses only: no endpoint to update
        rows = expanded.rows.tolist()
        for i, row in enumerate(rows):
            if row < 0:
                continue
            st = int(outcome.status[i])
            if self.config.failure_marks_inactive and st == PERMANENT_FAILURE:
                app.active[row] = False
            if (st == 0 and int(expanded.channel[i]) == GCM_CODE and self.config.updated_token_p > 0
                    and self._token_rng.random() < self.config.updated_token_p):
                token = f"{expanded.addresses[i]}:{self._next_message_prefix()[-12:]}"
                outcome.updated_tokens[i] = token
                app.upsert(app.ids[row], EndpointRequest(Address=token), float(
                    app.effective_s[row]), self.config.epoch_unix_s)

    # -- bytes in, bytes out -------------------------------------------------------------

    def call(self, operation: str, params: Mapping[str, str], query: Mapping[str, str],
             body: bytes, now_s: float, request_id: str | None = None) -> Reply:
        """One operation from its path parameters and JSON body to (status, JSON body).

        ``request_id`` (the driver's, e.g. the ``x-amzn-RequestId`` it answers with) is the one
        bodies carry (MessageResponse.RequestId, MessageBody.RequestID); else a fresh one.
        """
        handler = _HANDLERS.get(operation)
        if handler is None:
            raise BadRequest(f"Operation {operation} is not emulated by pinsim")
        status, payload, trace = handler(self, params, query, body, now_s, request_id)
        return Reply(status, encode(payload), trace.completion_s if trace else now_s, trace)


_NO_CONTENT = DirectMessageConfiguration()
_NO_TEMPLATES = TemplateConfiguration()


def _check_content(config: DirectMessageConfiguration,
                   templates: TemplateConfiguration | None) -> None:
    if config != _NO_CONTENT:
        return
    if templates is not None and templates != _NO_TEMPLATES:
        raise BadRequest("MessageConfiguration is empty and message templates are not emulated: "
                         "set DefaultMessage or a channel message")
    raise BadRequest("MessageConfiguration is empty: set DefaultMessage, "
                     "DefaultPushNotificationMessage or a channel message")


def _trace(now_s: float, outcome: Outcome, expanded: Expanded, keys: list[str]) -> SendTrace:
    return SendTrace(now_s, outcome.completion_s, keys, outcome.latency_s, outcome.status,
                     expanded.channel)


Handler = Any
Params = Mapping[str, str]


def _send(svc: Service, p: Params, q: Params, b: bytes, now: float, rid: str | None
          ) -> tuple[int, Any, SendTrace]:
    response, trace = svc.send_messages(p["application-id"], decode_message_request(b), now,
                                        rid, json_results=True, plain_text=escape_free(b))
    return 200, response, trace


def _send_users(svc: Service, p: Params, q: Params, b: bytes, now: float, rid: str | None
                ) -> tuple[int, Any, SendTrace]:
    response, trace = svc.send_users_messages(p["application-id"],
                                              decode(SendUsersMessageRequest, b), now, rid)
    return 200, response, trace


def _page_size(q: Params) -> int | None:
    raw = q.get("page-size")
    if raw is None:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise BadRequest(f"page-size must be a whole number from 1 to 1000, not '{raw}'")
    return int(raw)


_HANDLERS: dict[str, Handler] = {
    "SendMessages": _send,
    "SendUsersMessages": _send_users,
    "UpdateEndpoint": lambda s, p, q, b, n, r: (202, s.update_endpoint(
        p["application-id"], p["endpoint-id"], decode(EndpointRequest, b), n, r), None),
    "UpdateEndpointsBatch": lambda s, p, q, b, n, r: (202, s.update_endpoints_batch(
        p["application-id"], decode(EndpointBatchRequest, b), n, r), None),
    "GetEndpoint": lambda s, p, q, b, n, r: (200, s.get_endpoint(
        p["application-id"], p["endpoint-id"]), None),
    "DeleteEndpoint": lambda s, p, q, b, n, r: (202, s.delete_endpoint(
        p["application-id"], p["endpoint-id"]), None),
    "GetUserEndpoints": lambda s, p, q, b, n, r: (200, s.get_user_endpoints(
        p["application-id"], p["user-id"]), None),
    "DeleteUserEndpoints": lambda s, p, q, b, n, r: (202, s.delete_user_endpoints(
        p["application-id"], p["user-id"]), None),
    "CreateApp": lambda s, p, q, b, n, r: (201, s.create_app(
        decode(CreateApplicationRequest, b), n), None),
    "GetApp": lambda s, p, q, b, n, r: (200, s.get_app(p["application-id"]), None),
    "DeleteApp": lambda s, p, q, b, n, r: (200, s.delete_app(p["application-id"]), None),
    "GetApps": lambda s, p, q, b, n, r: (200, s.get_apps(_page_size(q), q.get("token")), None),
}


def warm_up() -> None:
    """Compile (or load from numba's cache) every kernel a send and a write use.

    The first call of each numba kernel in a process compiles or loads it (about 0.3 s from
    the cache, seconds without); a server calls this before it accepts connections so that the
    first client's latency is not that cost.
    """
    from sim.channels import ChannelProfile as Profile
    from sim.channels import ConstantLatency as Constant
    from sim.channels import Pool, RateLimit

    queued = Profile(latency=Constant(value_s=0.001), pool=Pool(connections=1),
                     rate_limit=RateLimit(rate_per_s=10.0, mode="queue", unit="part", keys=2))
    rejecting = Profile(latency=Constant(value_s=0.001),
                        rate_limit=RateLimit(rate_per_s=10.0, mode="reject"))
    service = Service(ServiceConfig(channels={"SMS": queued, "GCM": rejecting}))
    app = service.create_app(CreateApplicationRequest(Name="warm-up"), 0.0).Id
    service.update_endpoint(app, "e", EndpointRequest(Address="fcm"), 0.0)
    service.send_messages(app, MessageRequest(
        MessageConfiguration=DirectMessageConfiguration(
            DefaultMessage=_DefaultMessage(Body="warm-up")),
        Addresses={"+15550000000": _Address(ChannelType=_ChannelType.SMS),
                   "fcm": _Address(ChannelType=_ChannelType.GCM)},
        Endpoints={"e": _EndpointConfig()}), 0.0)
