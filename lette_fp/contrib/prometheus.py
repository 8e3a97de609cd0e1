"""Prometheus metrics on prometheus-client (extra `lette-fp[prometheus]`): a middleware counting
requests and timing them, labelled by method, route template and status, an in-flight gauge, and
the `/metrics` route that Prometheus scrapes.

Labels never hold a raw path: a request no route took is labelled `UNMATCHED`, and a method no
route declared (anything a client may send) is `OTHER_METHOD` unless it is a standard one, so
the number of series is bounded by the route table.

With `PROMETHEUS_MULTIPROC_DIR` set (several worker processes), every worker writes its values
to that directory and `/metrics` adds up all of them; see docs/observability.md.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

import msgspec
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

from lette_fp.asgi.types import ASGIApp, Message, Receive, Scope, Send
from lette_fp.http.entities import Delegate
from lette_fp.http.errors import ClientDisconnected
from lette_fp.http.request import Request
from lette_fp.http.response import Response, raw
from lette_fp.pipeline import Handler, Middleware
from lette_fp.routing import Route, get

UNMATCHED = "<unmatched>"
"""The route label of a request no route took (404, 405, a slash redirect)."""

OTHER_METHOD = "_OTHER"
"""The method label of an unmatched request whose method is not a standard one (as
OpenTelemetry's semantic conventions name it)."""

CLIENT_CLOSED = 499
"""The status label of a request whose client went away before it was answered."""

STANDARD_METHODS = frozenset(
    {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "WEBSOCKET"}
)
"""Methods kept as they are in the label even when no route matched."""

LABELS = ("method", "route", "status")
"""The labels of the request counter and the latency histogram."""


class Metrics(msgspec.Struct, frozen=True):
    """The three metrics the middleware records: `requests` (Counter), `latency` (Histogram,
    seconds), both labelled by `LABELS`, and `in_flight` (Gauge, requests being handled)."""

    requests: Counter
    latency: Histogram
    in_flight: Gauge


def metrics(
    namespace: str = "lette_fp",
    registry: CollectorRegistry | None = REGISTRY,
    buckets: Sequence[float] = Histogram.DEFAULT_BUCKETS,
) -> Metrics:
    """Create and return the metrics `{namespace}_requests_total`,
    `{namespace}_request_duration_seconds` and `{namespace}_requests_in_progress`, registered on
    `registry` (prometheus-client's default one unless given; None registers them nowhere).

    Create them once per process (at import, next to the App): a second call on the same
    registry is prometheus-client's "Duplicated timeseries" ValueError.
    """
    return Metrics(
        requests=Counter(
            "requests", "HTTP requests answered, by method, route template and status.",
            LABELS, namespace=namespace, registry=registry,
        ),
        latency=Histogram(
            "request_duration_seconds",
            "Time from the request reaching the app to its Response being ready, in seconds.",
            LABELS, namespace=namespace, registry=registry, buckets=tuple(buckets),
        ),
        in_flight=Gauge(
            "requests_in_progress", "Requests being handled now.",
            namespace=namespace, registry=registry, multiprocess_mode="livesum",
        ),
    )


def labels(method: str, route: str | None, status: int) -> tuple[str, str, str]:
    """Return the (method, route, status) label values for a request: `route` is the matched
    route's template, or None when no route took the request (then `UNMATCHED`, and a
    non-standard method becomes `OTHER_METHOD`)."""
    if route is None:
        return (method if method in STANDARD_METHODS else OTHER_METHOD, UNMATCHED, str(status))
    return (method, route, str(status))


def route_template(req: Request) -> str | None:
    """Return the template of the route that took `req` (the edge writes it to the scope while
    routing), or None when none did."""
    route = req.scope.get("route")
    return route if isinstance(route, str) else None


def prometheus_middleware(recorded: Metrics) -> Middleware:
    """Return app middleware recording every request into `recorded`: the in-flight gauge while
    the handler runs, then one count and one latency observation labelled by `labels` (an
    exception is status 500 and is re-raised; a client that went away is `CLIENT_CLOSED`; a
    cancelled request is not counted).

    Latency is measured until the Response is ready: for a stream or SSE that is the time to
    its start, not the connection's length (tracing covers that, docs/observability.md); for a
    mounted ASGI app, until that app starts its response, whose status is the one counted.
    Put it first in `App(middleware=[...])` so it times the other middleware too. Each label
    combination's series is looked up once and kept (there are as many as the route table and
    the statuses allow).
    """

    children: dict[tuple[str, str, str], tuple[Any, Any]] = {}

    def record(req: Request, status: int, start: float) -> None:
        elapsed = time.perf_counter() - start
        values = labels(req.method, route_template(req), status)
        series = children.get(values)
        if series is None:
            series = children[values] = (recorded.requests.labels(*values), recorded.latency.labels(*values))
        series[0].inc()
        series[1].observe(elapsed)

    def middleware(next_handler: Handler) -> Handler:
        async def measured(req: Request) -> Response:
            recorded.in_flight.inc()
            start = time.perf_counter()
            try:
                resp = await next_handler(req)
            except ClientDisconnected:
                record(req, CLIENT_CLOSED, start)
                raise
            except Exception:
                record(req, 500, start)
                raise
            finally:
                recorded.in_flight.dec()
            body = resp.body
            if type(body) is Delegate and req.method != "WEBSOCKET":
                observed = status_reported(body.app, lambda status: record(req, status, start))
                return msgspec.structs.replace(resp, body=msgspec.structs.replace(body, app=observed))
            record(req, resp.status, start)
            return resp

        return measured

    return middleware


def status_reported(app: ASGIApp, report: Callable[[int], None]) -> ASGIApp:
    """Return the mounted ASGI `app` calling `report(status)` once, when it starts its response
    (500 when it raises or returns before that): a mount's Response only delegates, so the real
    status is known only then."""

    async def reporting(scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            if not started and message["type"] == "http.response.start":
                started = True
                report(message["status"])
            await send(message)

        try:
            await app(scope, receive, watching_send)
        finally:
            if not started:
                report(500)

    return reporting


def scrape_registry(registry: CollectorRegistry | None = None) -> CollectorRegistry:
    """Return the registry `/metrics` reads: with `PROMETHEUS_MULTIPROC_DIR` set, a new one
    collecting every process's values from that directory; else `registry` or the default."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        collected = CollectorRegistry()
        MultiProcessCollector(collected)  # type: ignore[no-untyped-call]
        return collected
    return registry if registry is not None else REGISTRY


def metrics_endpoint(registry: CollectorRegistry | None = None) -> Callable[[Request], Response]:
    """Return a handler answering with `scrape_registry(registry)`'s metrics in the text format
    Prometheus asks for in its Accept header (OpenMetrics or the classic text format)."""
    scraped = scrape_registry(registry)

    def scrape(req: Request) -> Response:
        encode, content_type = choose_encoder(req.headers.get("accept") or "")
        return raw(encode(scraped), headers={"content-type": content_type})

    return scrape


def metrics_route(path: str = "/metrics", registry: CollectorRegistry | None = None) -> Route:
    """Return the GET route (named "metrics") serving `metrics_endpoint(registry)` at `path`."""
    return get(path, metrics_endpoint(registry), name="metrics")
