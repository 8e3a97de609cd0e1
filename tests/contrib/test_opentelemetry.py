"""lette_fp.contrib.opentelemetry: the spans the SDK's in-memory exporter receives from an
instrumented App, on a real uvicorn (http, mounted routes, 404s, errors, SSE, websocket) and on the
test client (asyncio and trio); the HTTP duration metric labelled by route."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import httpx
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from websockets.sync.client import connect

from lette_fp import (
    App,
    Event,
    HTTPError,
    Request,
    Response,
    get,
    json,
    mount,
    sse,
    websocket,
)
from lette_fp.contrib.opentelemetry import instrument
from lette_fp.testing import AsyncTestClient
from tests.served import echo
from tests.servers import ROOT, run_uvicorn


def item(req: Request) -> Response:
    return json(dict(req.path_params))


def boom(req: Request) -> Response:
    raise RuntimeError("the handler broke")


def teapot(req: Request) -> Response:
    raise HTTPError(418)


def ticks(req: Request) -> Response:
    async def source() -> AsyncIterator[Event]:
        for n in range(3):
            await anyio.sleep(0.1)
            yield Event(data=str(n))

    return sse(source(), ping=None)


app = App(
    routes=[
        get("/items/{id:int}", item),
        get("/boom", boom),
        get("/teapot", teapot),
        get("/sse", ticks),
        websocket("/ws/{room}", echo),
        mount("/api", [get("/users/{name}", item), mount("/v1", [get("/orders/{n:int}", item)])]),
    ],
)


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def provider(exporter: InMemorySpanExporter) -> Iterator[TracerProvider]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider
    provider.shutdown()


def finished_server_spans(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    """The server spans `exporter` has received so far."""
    return [span for span in exporter.get_finished_spans() if span.kind is SpanKind.SERVER]


def server_spans(exporter: InMemorySpanExporter, count: int, timeout: float = 5) -> list[ReadableSpan]:
    """The finished server spans, once there are `count` of them (the server ends a span after
    the client has its answer, so wait a bounded time)."""
    deadline = time.monotonic() + timeout
    while True:
        spans = finished_server_spans(exporter)
        if len(spans) >= count or time.monotonic() > deadline:
            return spans
        time.sleep(0.01)


def test_spans_are_named_by_route_template_on_a_real_server(exporter: InMemorySpanExporter, provider: TracerProvider) -> None:
    with run_uvicorn(instrument(app, tracer_provider=provider)) as base, httpx.Client(base_url=base, timeout=5) as client:
        assert client.get("/items/7").json() == {"id": 7}
        assert client.get("/api/users/ada").json() == {"name": "ada"}
        assert client.get("/api/v1/orders/3").json() == {"n": 3}
        assert client.get("/no/such/path/42").status_code == 404
        assert client.get("/teapot").status_code == 418
        spans = server_spans(exporter, 5)
    named = {span.name: span for span in spans}
    assert sorted(named) == ["GET", "GET /api/users/{name}", "GET /api/v1/orders/{n:int}", "GET /items/{id:int}", "GET /teapot"]
    assert named["GET /items/{id:int}"].attributes["http.route"] == "/items/{id:int}"
    assert named["GET /items/{id:int}"].attributes["http.status_code"] == 200
    assert named["GET /api/v1/orders/{n:int}"].attributes["http.route"] == "/api/v1/orders/{n:int}"
    not_found = named["GET"]
    assert "http.route" not in not_found.attributes
    assert not_found.attributes["http.status_code"] == 404
    assert named["GET /teapot"].attributes["http.status_code"] == 418
    assert named["GET /teapot"].status.status_code is StatusCode.UNSET


def test_an_unhandled_exception_is_recorded_and_still_reaches_the_server(
    exporter: InMemorySpanExporter, provider: TracerProvider
) -> None:
    with run_uvicorn(instrument(app, tracer_provider=provider)) as base:
        resp = httpx.get(base + "/boom", timeout=5)
        assert (resp.status_code, resp.text) == (500, "Internal Server Error")
        # uvicorn closes a connection whose app raised, even after a complete answer: a new one
        assert httpx.get(base + "/items/1", timeout=5).status_code == 200
        (span, _) = sorted(server_spans(exporter, 2), key=lambda s: s.name)
    assert span.name == "GET /boom"
    assert span.attributes["http.status_code"] == 500
    assert span.status.status_code is StatusCode.ERROR
    (event,) = [e for e in span.events if e.name == "exception"]
    assert event.attributes["exception.type"] == "RuntimeError"
    assert event.attributes["exception.message"] == "the handler broke"


async def test_the_exception_is_re_raised_out_of_the_instrumented_app(
    exporter: InMemorySpanExporter, provider: TracerProvider, caplog: pytest.LogCaptureFixture
) -> None:
    async with AsyncTestClient(instrument(app, tracer_provider=provider)) as client:
        assert (await client.get("/items/5")).json() == {"id": 5}
        with pytest.raises(RuntimeError, match="the handler broke"):
            await client.get("/boom")
    spans = finished_server_spans(exporter)
    assert [span.name for span in spans] == ["GET /items/{id:int}", "GET /boom"]
    assert [event.name for event in spans[1].events] == ["exception"]
    assert not [r for r in caplog.records if r.name.startswith("opentelemetry")]  # no "ended span" warnings


def test_an_sse_span_lasts_as_long_as_the_stream(exporter: InMemorySpanExporter, provider: TracerProvider) -> None:
    with run_uvicorn(instrument(app, tracer_provider=provider)) as base, httpx.Client(base_url=base, timeout=5) as client:
        assert client.get("/sse").text == "data: 0\n\ndata: 1\n\ndata: 2\n\n"
        (span,) = server_spans(exporter, 1)
    assert span.name == "GET /sse"
    assert span.end_time is not None and span.start_time is not None
    assert span.end_time - span.start_time >= 0.3e9


def test_a_websocket_span_ends_when_the_connection_does(exporter: InMemorySpanExporter, provider: TracerProvider) -> None:
    with run_uvicorn(instrument(app, tracer_provider=provider)) as base:
        with connect(base.replace("http://", "ws://") + "/ws/lobby", open_timeout=5, close_timeout=5) as ws:
            ws.send("hi")
            assert ws.recv(timeout=5) == "hi"
            time.sleep(0.2)
            assert server_spans(exporter, 1, timeout=0) == []
            closing = time.time_ns()
        (span,) = server_spans(exporter, 1)
    assert span.name == "WEBSOCKET /ws/{room}"
    assert span.attributes["http.route"] == "/ws/{room}"
    assert span.end_time is not None and span.end_time >= closing


async def test_the_duration_metric_never_holds_a_raw_path(provider: TracerProvider) -> None:
    reader = InMemoryMetricReader()
    meters = MeterProvider(metric_readers=[reader])
    async with AsyncTestClient(instrument(app, tracer_provider=provider, meter_provider=meters)) as client:
        for path in ["/items/1", "/items/2", "/nowhere"]:
            await client.get(path)
    points = [
        point
        for resource in reader.get_metrics_data().resource_metrics
        for scope in resource.scope_metrics
        for metric in scope.metrics
        if metric.name == "http.server.duration"
        for point in metric.data.data_points
    ]
    assert sum(point.count for point in points) == 3
    assert {point.attributes["http.status_code"] for point in points} == {200, 404}
    values = {str(value) for point in points for value in point.attributes.values()}
    assert not values & {"/items/1", "/items/2", "/nowhere"}
    meters.shutdown()


def test_with_the_newer_semantic_conventions_the_duration_metric_carries_the_route(tmp_path: Path) -> None:
    """The conventions mode is read once per process: this runs in a fresh one."""
    script = tmp_path / "semconv.py"
    script.write_text(textwrap.dedent('''
        from opentelemetry.sdk.metrics import MeterProvider
        from opentelemetry.sdk.metrics.export import InMemoryMetricReader
        from lette_fp.testing import TestClient
        from lette_fp.contrib.opentelemetry import instrument
        from tests.contrib.test_opentelemetry import app

        reader = InMemoryMetricReader()
        with TestClient(instrument(app, meter_provider=MeterProvider(metric_readers=[reader]))) as client:
            client.get("/items/1"); client.get("/items/2"); client.get("/nowhere")
        for resource in reader.get_metrics_data().resource_metrics:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    if metric.name == "http.server.request.duration":
                        for point in metric.data.data_points:
                            print(point.attributes.get("http.route"), point.count)
    '''))
    env = {**os.environ, "OTEL_SEMCONV_STABILITY_OPT_IN": "http", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.splitlines()) == ["/items/{id:int} 2", "None 1"]


async def test_under_a_root_path_the_template_is_the_apps(exporter: InMemorySpanExporter, provider: TracerProvider) -> None:
    async with AsyncTestClient(instrument(app, tracer_provider=provider), root_path="/shop") as client:
        assert (await client.get("/items/3")).json() == {"id": 3}
        await client.request("BREW", "/items/3")
    names = [span.name for span in finished_server_spans(exporter)]
    assert names == ["GET /items/{id:int}", "HTTP"]


async def test_the_callers_trace_context_is_continued(exporter: InMemorySpanExporter, provider: TracerProvider) -> None:
    trace_id, parent_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    async with AsyncTestClient(instrument(app, tracer_provider=provider)) as client:
        await client.get("/items/1", headers={"traceparent": f"00-{trace_id}-{parent_id}-01"})
    (span,) = finished_server_spans(exporter)
    assert span.context is not None and span.parent is not None
    assert format(span.context.trace_id, "032x") == trace_id
    assert format(span.parent.span_id, "016x") == parent_id
