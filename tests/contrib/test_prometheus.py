"""lette_fp.contrib.prometheus: what Prometheus scrapes from `/metrics` after real requests, on the
test client (asyncio and trio), on a real uvicorn, and summed over `uvicorn --workers 2` in
multiprocess mode (PROMETHEUS_MULTIPROC_DIR)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from lette_fp import App, HTTPError, Request, Response, get, json, mount, post, text
from lette_fp.contrib.prometheus import (
    OTHER_METHOD,
    UNMATCHED,
    labels,
    metrics,
    metrics_route,
    prometheus_middleware,
)
from lette_fp.testing import AsyncTestClient
from tests.drive import drive
from tests.servers import run_uvicorn, uvicorn_process

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(body: str) -> Samples:
    """Every sample of a text exposition, keyed by (sample name, sorted labels)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
    }


def count(samples: Samples, method: str, route: str, status: str) -> float:
    key = ("lette_fp_requests_total", (("method", method), ("route", route), ("status", status)))
    return samples.get(key, 0.0)


def item(req: Request) -> Response:
    return json(dict(req.path_params))


def boom(req: Request) -> Response:
    raise RuntimeError("unhandled")


def teapot(req: Request) -> Response:
    raise HTTPError(418)


def make_app(registry: CollectorRegistry, gate: threading.Event | None = None) -> App:
    async def slow(req: Request) -> Response:
        while gate is not None and not gate.is_set():
            await anyio.sleep(0.01)
        return text("done")

    return App(
        routes=[
            get("/items/{id:int}", item),
            get("/boom", boom),
            post("/teapot", teapot),
            get("/slow", slow),
            mount("/api", [get("/users/{name}", item)]),
            metrics_route(registry=registry),
        ],
        middleware=[prometheus_middleware(metrics(registry=registry))],
    )


def test_labels_never_hold_a_raw_path_or_an_unknown_method() -> None:
    assert labels("GET", "/items/{id:int}", 200) == ("GET", "/items/{id:int}", "200")
    assert labels("GET", None, 404) == ("GET", UNMATCHED, "404")
    assert labels("BREW", None, 404) == (OTHER_METHOD, UNMATCHED, "404")
    assert labels("PROPFIND", "/dav", 207) == ("PROPFIND", "/dav", "207")


async def test_counts_by_route_template_and_status() -> None:
    registry = CollectorRegistry()
    async with AsyncTestClient(make_app(registry), raise_server_exceptions=False) as client:
        for path in ["/items/1", "/items/2", "/api/users/ada", "/nowhere/1", "/nowhere/2", "/boom"]:
            await client.get(path)
        await client.post("/teapot")
        await client.request("BREW", "/nowhere")
        await client.post("/items/1")
        body = (await client.get("/metrics")).text
    samples = scrape(body)
    assert count(samples, "GET", "/items/{id:int}", "200") == 2
    assert count(samples, "GET", "/api/users/{name}", "200") == 1
    assert count(samples, "GET", UNMATCHED, "404") == 2
    assert count(samples, "GET", "/boom", "500") == 1
    assert count(samples, "POST", "/teapot", "418") == 1
    assert count(samples, OTHER_METHOD, UNMATCHED, "404") == 1
    assert count(samples, "POST", UNMATCHED, "405") == 1
    for raw_path in ["/items/1", "/nowhere", "/api/users/ada", "BREW"]:
        assert raw_path not in body
    key = (("method", "GET"), ("route", "/items/{id:int}"), ("status", "200"))
    assert samples[("lette_fp_request_duration_seconds_count", key)] == 2
    assert samples[("lette_fp_request_duration_seconds_bucket", tuple(sorted((*key, ("le", "+Inf")))))] == 2
    assert samples[("lette_fp_request_duration_seconds_sum", key)] > 0


def test_scraped_from_a_real_server_with_the_in_flight_gauge() -> None:
    registry = CollectorRegistry()
    gate = threading.Event()
    app = make_app(registry, gate)
    with run_uvicorn(app) as base, httpx.Client(base_url=base, timeout=5) as client:
        result: list[httpx.Response] = []
        waiting = threading.Thread(target=lambda: result.append(httpx.get(base + "/slow", timeout=5)))
        waiting.start()
        try:
            for _ in range(500):
                samples = scrape(client.get("/metrics").text)
                if samples[("lette_fp_requests_in_progress", ())] == 2:  # /slow and this scrape
                    break
            else:
                raise AssertionError("the slow request was never in flight")
        finally:
            gate.set()
            waiting.join(5)
        assert result[0].text == "done"
        resp = client.get("/metrics", headers={"accept": "application/openmetrics-text; version=1.0.0"})
        assert resp.headers["content-type"].startswith("application/openmetrics-text")
        assert resp.text.endswith("# EOF\n")
        samples = scrape(client.get("/metrics").text)
    assert samples[("lette_fp_requests_in_progress", ())] == 1
    assert count(samples, "GET", "/slow", "200") == 1


@pytest.fixture
def multiproc_dir(tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "prometheus"
    directory.mkdir()
    yield directory


def test_multiprocess_mode_sums_every_worker(multiproc_dir: Path) -> None:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir)}
    with uvicorn_process("tests.contrib.prometheus_app:app", "--lifespan", "on", "--workers", "2", env=env) as base:
        pids: set[str] = set()
        sent = 0
        for _ in range(300):
            with httpx.Client(base_url=base, timeout=5) as fresh_connection:
                pids.add(fresh_connection.get("/pid").text)
            sent += 1
            if len(pids) == 2 and sent >= 20:
                break
        assert len(pids) == 2, "every request went to one worker"
        with httpx.Client(base_url=base, timeout=5) as client:
            client.get("/items/7")
            scrapes = [scrape(client.get("/metrics").text) for _ in range(4)]
    for samples in scrapes:
        assert count(samples, "GET", "/pid", "200") == sent
        assert count(samples, "GET", "/items/{id:int}", "200") == 1


async def test_a_client_gone_before_its_body_arrived_is_counted_as_499() -> None:
    registry = CollectorRegistry()

    async def upload(req: Request) -> Response:
        req = await req.read()
        return text("stored")

    app = App(routes=[post("/upload", upload)], middleware=[prometheus_middleware(metrics(registry=registry))])
    await drive(app, [b"part of a body"], path="/upload", disconnect=True)
    labels_ = {"method": "POST", "route": "/upload", "status": "499"}
    assert registry.get_sample_value("lette_fp_requests_total", labels_) == 1
    assert registry.get_sample_value("lette_fp_requests_in_progress") == 0


async def test_a_mounted_asgi_app_is_counted_with_the_status_it_sent() -> None:
    async def legacy(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"].endswith("/broken"):
            raise RuntimeError("the legacy app broke")
        status = 404 if scope["path"].endswith("/gone") else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"legacy"})

    registry = CollectorRegistry()
    app = App(routes=[mount("/legacy", legacy)], middleware=[prometheus_middleware(metrics(registry=registry))])
    async with AsyncTestClient(app, raise_server_exceptions=False) as client:
        assert (await client.get("/legacy/here")).status_code == 200
        assert (await client.get("/legacy/gone")).status_code == 404
        assert (await client.get("/legacy/broken")).status_code == 500
    for status in ["200", "404", "500"]:
        labels_ = {"method": "GET", "route": "/legacy", "status": status}
        assert registry.get_sample_value("lette_fp_requests_total", labels_) == 1, status
