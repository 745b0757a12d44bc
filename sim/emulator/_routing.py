"""From method and raw request target to an operation name and its decoded path labels.

The table comes from ``sim.api.OPERATIONS`` (the one the in-process client uses), so the
emulator cannot route to an operation the core does not know. The raw path is split on ``/``
before each segment is percent-decoded: an endpoint id ``a/b`` arrives as ``a%2Fb`` and stays
one label. Literal segments must match whole, which keeps ``PUT .../endpoints`` apart from
``PUT .../endpoints/{endpoint-id}`` and ``/users/{user-id}`` apart from ``/users-messages``.

Unrouted paths: a Pinpoint operation the botocore model knows, or anything under ``/v1/apps/``,
is a 400 that says it is not emulated (reference §1); any other path is a 404.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote_to_bytes

from sim.api import OPERATIONS
from sim.api.errors import BadRequest, MethodNotAllowed, NotFound

MAX_QUERY_FIELDS = 64
MAX_RECENT_ROUTES = 4096
OPS_PREFIX = "/_pinsim/"
OPS_ROUTES: dict[str, str] = {"/_pinsim/stats": "GET", "/_pinsim/reset": "POST",
                              "/_pinsim/advance": "POST"}
"""Operations endpoints of the emulator itself (path -> method); never signed or rate-limited."""


class Template(NamedTuple):
    """One URI template split into segments; a label segment is ``{name}``."""

    method: str
    name: str
    segments: tuple[str, ...]

    def match(self, segments: Sequence[str]) -> dict[str, str] | None:
        """Raw (still percent-encoded) label values by name, or None if the shape differs."""
        if len(segments) != len(self.segments):
            return None
        labels: dict[str, str] = {}
        for want, got in zip(self.segments, segments, strict=True):
            if want.startswith("{"):
                labels[want[1:-1]] = got
            elif want != got:
                return None
        return labels


class Route(NamedTuple):
    """A routed request: operation name, decoded path labels and query parameters (shared by
    the requests of one target: read, never change)."""

    operation: str
    params: Mapping[str, str]
    query: Mapping[str, str]


def split_target(target: str) -> tuple[str, str]:
    """Path and query of a request target; absolute-form (``http://host/p``) is accepted."""
    if target.startswith(("http://", "https://")):
        rest = target.split("://", 1)[1]
        slash = rest.find("/")
        target = rest[slash:] if slash >= 0 else "/"
    path, _, query = target.partition("?")
    if not path.startswith("/"):
        raise BadRequest(f"Request target must start with '/': {target[:200]!r}")
    return path, query


def decode_segment(raw: str) -> str:
    """Percent-decode one path segment; bytes that are not UTF-8 are a 400."""
    if "%" not in raw:  # nothing to decode: the same string (UTF-8 round-trips)
        return raw
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(f"Path segment {raw[:200]!r} is not percent-encoded UTF-8") from None


def parse_query(query: str) -> dict[str, str]:
    """Query parameters (the last of a repeated name wins); malformed encoding is a 400."""
    try:
        pairs = parse_qsl(query, keep_blank_values=True,
                          errors="strict", max_num_fields=MAX_QUERY_FIELDS)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"Malformed query string: {exc}") from None
    return dict(pairs)


class Router:
    """Routes requests to the operations in ``sim.api.OPERATIONS`` with dict lookups.

    Templates are grouped by length and by where their labels are (their layout); within a
    layout, by their literal segments. A request takes its segments at each layout's literal
    places and looks them up: one dict lookup per layout of its length (one for Pinpoint).
    """

    def __init__(self, operations: Mapping[str, tuple[str, str]] | None = None) -> None:
        table = operations or {name: (op.method, op.uri) for name, op in OPERATIONS.items()}
        self._recent: dict[tuple[str, str, str], Route] = {}
        self._layouts: dict[int, list[_Layout]] = {}
        for order, (name, (method, uri)) in enumerate(table.items()):
            segments = _segments(uri)
            is_label = tuple(s.startswith("{") for s in segments)
            layouts = self._layouts.setdefault(len(segments), [])
            layout = next((lay for lay in layouts if lay.is_label == is_label), None)
            if layout is None:
                layout = _Layout.of(is_label)
                layouts.append(layout)
            labels = tuple((s[1:-1], i) for i, s in enumerate(segments) if is_label[i])
            by_method = layout.templates.setdefault(layout.literals(segments), {})
            by_method.setdefault(method, _Compiled(order, name, labels))

    def resolve(self, method: str, target: str) -> Route:
        """The route of one request, or the modelled error a client should get for it."""
        path, query = split_target(target)
        return self.resolve_path(method, path, query)

    def resolve_path(self, method: str, path: str, query: str) -> Route:
        """``resolve`` for a target already split by ``split_target``. Routes are kept for
        the targets seen last (a load test repeats a few): a dict lookup instead of a split,
        a match and percent-decoding per request."""
        key = (method, path, query)
        route = self._recent.get(key)
        if route is None:
            route = self._resolve_path(method, path, query)
            if len(self._recent) >= MAX_RECENT_ROUTES:
                self._recent.clear()
            self._recent[key] = route
        return route

    def _resolve_path(self, method: str, path: str, query: str) -> Route:
        segments = path.split("/")[1:]
        found: _Compiled | None = None
        allowed: list[str] = []
        for layout in self._layouts.get(len(segments), ()):
            by_method = layout.templates.get(layout.literals(segments))
            if by_method is None:
                continue
            compiled = by_method.get(method)
            if compiled is None:
                allowed.extend(by_method)
            elif found is None or compiled.order < found.order:
                found = compiled
        if found is not None:
            params = {name: decode_segment(segments[i]) for name, i in found.labels}
            return Route(found.name, params, parse_query(query) if query else {})
        if allowed:
            raise MethodNotAllowedWith(
                f"Method {method} is not allowed on {path}; allowed: {', '.join(allowed)}",
                allow=sorted(set(allowed)))
        raise _unrouted(method, path)


class _Compiled(NamedTuple):
    order: int
    """Position in the operations table: the first of several matching templates wins."""
    name: str
    labels: tuple[tuple[str, int], ...]
    """Label name and segment index, in path order."""


class _Layout(NamedTuple):
    """Templates of one length with labels at the same places, by their literal segments."""

    is_label: tuple[bool, ...]
    literals: Callable[[Sequence[str]], Hashable]
    """A path's segments at this layout's literal places (an ``itemgetter``: C speed)."""
    templates: dict[Hashable, dict[str, _Compiled]]
    """Literal segments -> method -> template."""

    @classmethod
    def of(cls, is_label: tuple[bool, ...]) -> _Layout:
        places = [i for i, label in enumerate(is_label) if not label]
        literals = operator.itemgetter(*places) if places else _no_literals
        return cls(is_label, literals, {})


def _no_literals(segments: Sequence[str]) -> Hashable:
    return ()


class MethodNotAllowedWith(MethodNotAllowed):
    """A 405 that knows the methods the path does accept (sent as the ``Allow`` header)."""

    def __init__(self, message: str, allow: Sequence[str]) -> None:
        super().__init__(message)
        self.allow = tuple(allow)


def _segments(uri: str) -> tuple[str, ...]:
    return tuple(uri.split("?", 1)[0].split("/")[1:])


def _unrouted(method: str, path: str) -> BadRequest | NotFound:
    raw_segments = path.split("/")[1:]
    for template in _pinpoint_model_templates():
        if template.method == method and template.match(raw_segments) is not None:
            return BadRequest(f"Operation {template.name} ({method} /{'/'.join(template.segments)})"
                              " is not emulated by pinsim")
    if path.startswith("/v1/apps/") or any(t.match(raw_segments) is not None
                                           for t in _pinpoint_model_templates()):
        return BadRequest(f"{method} {path[:200]} is not emulated by pinsim (no Pinpoint "
                          "operation pinsim knows has this method and path)")
    return NotFound(f"No such resource: {path[:200]}")


@functools.cache
def _pinpoint_model_templates() -> tuple[Template, ...]:
    """Every operation of botocore's Pinpoint model, for naming the ones that are not emulated."""
    import botocore.session  # loaded only when an unknown path is seen

    model = botocore.session.get_session().get_service_model("pinpoint")
    templates = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        templates.append(Template(http["method"], name, _segments(http["requestUri"])))
    return tuple(templates)
