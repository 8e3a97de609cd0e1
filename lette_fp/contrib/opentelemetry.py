"""OpenTelemetry tracing and HTTP metrics for a lette_fp App (extra `lette-fp[otel]`), with
opentelemetry-instrumentation-asgi underneath.

`instrument(app)` returns an ASGI app whose server spans are named `METHOD /route/template` and
carry `http.route`: the template comes from `app.compiled.route_of` before the request runs, so a
404 is named by its method alone and span names can't grow with the paths clients send.

lette_fp sends a complete 500 and then re-raises the exception out of the ASGI callable; under
the plain ASGI middleware the span would already have ended when the exception arrives. So the
final body message of a 5xx answer is held back (its bytes go out at once, only the "no more
body" mark waits) until the app returns: an exception is then recorded on the still-open span,
the response is finished, and the exception is re-raised to the server outside the middleware.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from opentelemetry import trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.metrics import MeterProvider
from opentelemetry.trace import Status, StatusCode, TracerProvider
from opentelemetry.util.http import sanitize_method

from lette_fp.app import App
from lette_fp.asgi.types import ASGIApp, Message, Receive, Scope, Send

RAISED = "lette_fp.opentelemetry.raised"
"""Scope key carrying an exception from below the ASGI middleware to above it."""

WEBSOCKET = "WEBSOCKET"


def span_details(route_of: Callable[[str, str, str | None], str | None], scope: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """Return the span name and extra attributes for an http or websocket `scope`:
    (`"GET /items/{id}"`, `{"http.route": "/items/{id}"}`) when a route matches (websockets are
    named `WEBSOCKET /template`), else the method alone and no attributes. A method outside
    the standard ones is "HTTP", as OpenTelemetry's own default names it."""
    if scope["type"] == "websocket":
        method = WEBSOCKET
    else:
        method = sanitize_method(scope.get("method", "").strip())
        if method == "_OTHER":
            method = "HTTP"
    path = scope.get("path", "")
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):] or "/"
    route = route_of(method, path, _host(scope)) if method != "HTTP" else None
    if route is None:
        return method, {}
    return f"{method} {route}", {"http.route": route}


def _host(scope: Mapping[str, Any]) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"host":
            return str(value.decode("latin-1"))
    return None


def record_raised(app: ASGIApp) -> ASGIApp:
    """Return `app` run below the ASGI middleware: an exception it raises is recorded on the
    current span (the server span) before the response is finished, then left in the scope for
    `raise_recorded` above the middleware; a 5xx's final body message waits for the app to end."""

    async def recorded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        status = 0
        held = False

        async def holding_send(message: Message) -> None:
            nonlocal status, held
            kind = message["type"]
            if kind == "http.response.start":
                status = message["status"]
            elif kind == "http.response.body" and status >= 500 and not message.get("more_body", False):
                held = True
                message = {**message, "more_body": True}
            await send(message)

        try:
            await app(scope, receive, holding_send)
        except Exception as exc:
            span = trace.get_current_span()
            if span.is_recording():
                span.record_exception(exc)
                span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
            scope[RAISED] = exc
        if held:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    return recorded


def raise_recorded(app: ASGIApp) -> ASGIApp:
    """Return `app` (the ASGI middleware) re-raising the exception `record_raised` kept."""

    async def reraising(scope: Scope, receive: Receive, send: Send) -> None:
        await app(scope, receive, send)
        raised = scope.get(RAISED) if scope["type"] != "lifespan" else None
        if raised is not None:
            raise raised

    return reraising


def instrument(
    app: App,
    tracer_provider: TracerProvider | None = None,
    meter_provider: MeterProvider | None = None,
    **options: Any,
) -> ASGIApp:
    """Return `app` wrapped in OpenTelemetry's ASGI middleware: one server span per http request
    or websocket connection, named `METHOD /route/template` with `http.route` (see
    `span_details`), the status code, exceptions recorded; a websocket's or a stream's span ends
    when the connection or the stream does. `tracer_provider` and `meter_provider` default to
    the global ones; `options` go to `OpenTelemetryMiddleware` (`excluded_urls`, hooks, ...).
    Lifespan passes through. `app` itself is unchanged."""
    route_of = app.compiled.route_of

    def details(scope: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
        return span_details(route_of, scope)

    middleware = OpenTelemetryMiddleware(
        record_raised(cast(ASGIApp, app)),
        default_span_details=details,
        tracer_provider=tracer_provider,
        meter_provider=meter_provider,
        **options,
    )
    return raise_recorded(cast(ASGIApp, middleware))
