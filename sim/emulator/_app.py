"""The emulator's request handling: route, authenticate, rate-limit, call the Service, pace.

Every Pinpoint semantic is the Service's (``Service.call``); this layer only turns requests
into calls and answers into responses. Order of checks for a ``/v1`` request: routing (its
error, if any, is held), SigV4 (403), then the routing error (404, 405, 400 not emulated), then
the operation's quota (429), then the Service. ``/_pinsim/*`` endpoints are neither signed nor
rate-limited, and use their own request ids so that polling them leaves the service's
deterministic ids alone.
"""

from __future__ import annotations

import logging

import msgspec
import trio

from sim.api import CreateApplicationRequest
from sim.api.errors import BadRequest, InternalServerError, PinpointError, TooManyRequests
from sim.core.service import Service

from ._config import EmulatorConfig
from ._deadlines import DeadlineWatcher
from ._pacing import ServiceClock
from ._preload import preload_population
from ._quotas import OperationQuotas
from ._responses import (
    SERVICE_UNAVAILABLE_TYPE,
    IncomingRequest,
    OutgoingResponse,
    error_response,
    json_response,
    pinpoint_error_response,
)
from ._routing import OPS_PREFIX, OPS_ROUTES, Route, Router, parse_query, split_target
from ._sigv4 import SigV4Verifier
from ._stats import EmulatorStats, StatsReport

log = logging.getLogger("sim.emulator")

UNROUTED = "_unrouted"
PROTOCOL = "_protocol"
OPS = "_pinsim"
SHUTDOWN = "_shutdown"
CLIENT_CLOSED_STATUS = 499
"""Counted for a held send whose client closed the connection (nginx's "client closed
request"); its deliveries were decided and are counted."""


class ResetAnswer(msgspec.Struct):
    app_ids: list[str]


class ClockAnswer(msgspec.Struct):
    now_s: float


_encode = msgspec.json.Encoder().encode


class Emulator:
    """State of one running emulator; create it inside trio (it reads trio's clock)."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.router = Router()
        self.quotas = OperationQuotas(config.quota_profile, config.quota_burst_s)
        self.verifier = (SigV4Verifier(config.access_key_id, config.secret_access_key,
                                       config.max_clock_skew_s)
                         if config.auth == "sigv4" else None)
        self.stats = EmulatorStats()
        self.clock = ServiceClock(config.pacing)
        self.deadlines = DeadlineWatcher(min(config.idle_timeout_s, config.request_timeout_s,
                                             config.send_timeout_s))
        self.started_s = trio.current_time()
        self.service = self._fresh_service()
        self.draining = False
        self.idle_scopes: set[trio.CancelScope] = set()
        self.held_scopes: set[trio.CancelScope] = set()
        """Real-time answers waiting for their sends' simulated completion."""
        self.shutdown_requested = trio.Event()
        self.host = config.host
        self.port = config.port
        self._ops_sequence = 0

    @property
    def url(self) -> str:
        """The endpoint URL for boto3 / the AWS CLI (``endpoint_url=``)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # -- lifecycle -------------------------------------------------------------------------

    def _fresh_service(self) -> Service:
        service = Service(self.config.service)
        now_s = self.clock.now().service_s
        c = self.config
        apps = (*c.app_ids, c.population_app_id) if c.population else c.app_ids
        for app_id in dict.fromkeys(apps):
            service.create_app(CreateApplicationRequest(Name=c.app_name), now_s, app_id=app_id)
        if c.population is not None:
            count = preload_population(service, c.population_app_id, c.population,
                                       c.service.seed, now_s)
            log.info("preloaded %d endpoints into app %s", count, c.population_app_id)
        return service

    def reset(self) -> list[str]:
        """A fresh Service from the same config (and the configured apps) and full quota
        buckets, as after a restart; stats are kept."""
        self.clock.restart()
        self.quotas = OperationQuotas(self.config.quota_profile, self.config.quota_burst_s)
        self.service = self._fresh_service()
        return sorted(self.service.apps)

    def request_shutdown(self) -> None:
        self.shutdown_requested.set()

    def begin_draining(self) -> None:
        """Refuse new requests (503) and close idle keep-alive connections."""
        self.draining = True
        for scope in list(self.idle_scopes):
            scope.cancel()

    def refuse_held(self) -> None:
        """Answer every send still held for its simulated completion with 503 now (shutdown's
        grace is over, or a second signal came)."""
        for scope in list(self.held_scopes):
            scope.cancel()

    def report(self, *, final: bool = False) -> StatsReport:
        c = self.config
        return self.stats.report(run_id=c.run_id, pacing=c.pacing,
                                 quota_profile=c.quota_profile, auth=c.auth,
                                 uptime_s=trio.current_time() - self.started_s, final=final,
                                 channels=self.service.channel_states(
                                     self.clock.now().service_s))

    # -- RequestHandler --------------------------------------------------------------------

    def _ops_request_id(self) -> str:
        self._ops_sequence += 1
        return f"pinsim-{self._ops_sequence:012x}"

    def protocol_error(self, status: int, error_type: str, message: str) -> OutgoingResponse:
        return error_response(status, error_type, message, self._ops_request_id(), PROTOCOL,
                              close=True)

    def record(self, response: OutgoingResponse, latency_s: float | None) -> None:
        self.stats.record_request(response.stats_key, response.status, latency_s)

    async def handle(self, request: IncomingRequest) -> OutgoingResponse:
        """The answer to one request. ``stats.in_flight`` counts the requests of the API (not
        ``/_pinsim/*`` ones, so polling the stats does not count itself)."""
        stats = self.stats
        counted = False
        try:
            if self.draining:
                return error_response(503, SERVICE_UNAVAILABLE_TYPE,
                                      "The emulator is shutting down", self._ops_request_id(),
                                      SHUTDOWN, close=True)
            try:
                path, query = split_target(request.target)
            except PinpointError as exc:
                return pinpoint_error_response(exc, self._ops_request_id(), UNROUTED)
            if path.startswith(OPS_PREFIX):
                return self._operations_endpoint(request.method, path, query)
            stats.in_flight += 1
            counted = True
            response, release_s = self._pinpoint(request, path, query)
            if release_s is None:
                return response
            return await self._hold(response, release_s)
        except Exception:
            log.exception("unexpected error answering %s %s", request.method,
                          request.target[:200])
            error = InternalServerError("Internal error in the emulator; see its log")
            return pinpoint_error_response(error, self._ops_request_id(), UNROUTED)
        finally:
            if counted:
                stats.in_flight -= 1

    async def _hold(self, response: OutgoingResponse, release_s: float) -> OutgoingResponse:
        """Real-time pacing: ``response`` leaves when its sends complete, or as a 503 when
        shutdown refuses held sends (counted under its operation, as it was served). If the
        connection is cancelled meanwhile (its client went away), it is counted as 499."""
        with trio.CancelScope() as held:
            self.held_scopes.add(held)
            try:
                await trio.sleep_until(release_s)
            except trio.Cancelled:
                if not held.cancel_called:  # the connection's cancellation, not shutdown's
                    self.stats.record_request(response.stats_key, CLIENT_CLOSED_STATUS, None)
                raise
            finally:
                self.held_scopes.discard(held)
        if not held.cancelled_caught:
            return response
        return error_response(503, SERVICE_UNAVAILABLE_TYPE, "The emulator shut down before "
                              "this request's simulated deliveries completed (its stats count "
                              "them)", self._ops_request_id(), response.stats_key, close=True)

    def _pinpoint(self, request: IncomingRequest, path: str, query: str
                  ) -> tuple[OutgoingResponse, float | None]:
        """The answer to a ``/v1`` request and the trio time it may leave (None: at once).

        Synchronous, so that an answer that leaves at once costs no coroutine; a send's
        deliveries are counted here, when the service decides them."""
        service = self.service
        request_id = service.next_request_id()
        route: Route | None = None
        route_error: PinpointError | None = None
        try:
            route = self.router.resolve_path(request.method, path, query)
        except PinpointError as exc:
            route_error = exc
        key = route.operation if route is not None else UNROUTED
        try:
            if self.verifier is not None:
                headers = [(k.decode("latin-1"), v.decode("latin-1"))
                           for k, v in request.headers]
                self.verifier.verify(request.method, request.target, headers,
                                     request.body, self.config.wall_clock())
            if route_error is not None:
                raise route_error
            assert route is not None
            started = self.clock.now()
            if not self.quotas.admit(route.operation, started.trio_s):
                raise TooManyRequests(f"Rate exceeded for {route.operation}")
            reply = service.call(route.operation, route.params, route.query, request.body,
                                 started.service_s, request_id)
        except PinpointError as exc:
            return pinpoint_error_response(exc, request_id, key), None
        if reply.trace is not None:
            self.stats.record_send(route.operation, reply.trace)
        return (json_response(reply.status, reply.body, request_id, key),
                self.clock.release_at(started, reply.completion_s))

    def _operations_endpoint(self, method: str, path: str, query: str) -> OutgoingResponse:
        request_id = self._ops_request_id()
        allowed = OPS_ROUTES.get(path)
        if allowed is None:
            return error_response(404, "NotFoundException", f"No such resource: {path[:200]}",
                                  request_id, OPS)
        if method != allowed:
            return error_response(405, "MethodNotAllowedException",
                                  f"Method {method} is not allowed on {path}; allowed: "
                                  f"{allowed}", request_id, OPS,
                                  extra=[(b"allow", allowed.encode())])
        try:
            if path == "/_pinsim/stats":
                body = _encode(self.report())
            elif path == "/_pinsim/reset":
                body = _encode(ResetAnswer(self.reset()))
            else:
                body = _encode(ClockAnswer(self.clock.advance(_seconds(parse_query(query)))))
        except PinpointError as exc:
            return pinpoint_error_response(exc, request_id, OPS)
        return json_response(200, body, request_id, OPS)


def _seconds(query: dict[str, str]) -> float:
    raw = query.get("seconds", "")
    try:
        return float(raw)
    except ValueError:
        raise BadRequest(f"seconds must be a number, not '{raw[:40]}'") from None
