"""What observability costs per request, in process: one lette_fp App served plain, under
`prometheus_middleware`, and under `opentelemetry.instrument` (a real SDK TracerProvider whose
spans go to an exporter that drops them, so export costs nothing; with the ASGI middleware's
send/receive child spans, and without them; and OpenTelemetry's middleware alone around the raw
ASGI app, to tell its own cost from lette_fp's), interleaved round after round
on the same scope, against the raw ASGI floor. Reported as microseconds per request and as
ratios to the plain App.

    .venv/bin/python benchmarks/observability.py              # needs the dev extra (otel, prometheus)
    taskset -c 1 .venv/bin/python benchmarks/observability.py --rounds 15 --batch 2000
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult  # noqa: E402
from prometheus_client import CollectorRegistry  # noqa: E402

from benchmarks.driver import Cycle  # noqa: E402
from lette_fp import App, Request, Response, get, json  # noqa: E402
from lette_fp.contrib.opentelemetry import instrument  # noqa: E402
from lette_fp.contrib.prometheus import metrics, prometheus_middleware  # noqa: E402

ASGI = Callable[[dict[str, Any], Any, Any], Any]


class Drop(SpanExporter):
    def export(self, spans: Any) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def item(req: Request) -> Response:
    return json({"id": req.path_params["id"]})


def apps() -> dict[str, ASGI]:
    routes = [get("/items/{id:int}", item)]
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(Drop()))

    async def raw(scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b'{"id":7}'
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return {
        "raw ASGI": raw,
        "App": App(routes=routes),
        "App + prometheus": App(routes=routes, middleware=[prometheus_middleware(metrics(registry=CollectorRegistry()))]),
        "instrument(App)": instrument(App(routes=routes), tracer_provider=provider),
        "instrument, 1 span": instrument(App(routes=routes), tracer_provider=provider, exclude_spans=["send", "receive"]),
        "OTel on raw ASGI": OpenTelemetryMiddleware(raw, tracer_provider=provider),
    }


def scope() -> dict[str, Any]:
    return {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": "/items/7", "raw_path": b"/items/7", "root_path": "", "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench")],
        "client": ("127.0.0.1", 51234), "server": ("127.0.0.1", 8000), "state": {},
    }


async def batch(app: ASGI, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        cycle = Cycle(b"", False)
        await app(scope(), cycle.receive, cycle.send)
        if cycle.status != 200:
            raise RuntimeError(f"status {cycle.status}")
    return (time.perf_counter() - start) / n


async def main(rounds: int, n: int) -> None:
    served = apps()
    samples: dict[str, list[float]] = {name: [] for name in served}
    for app in served.values():
        await batch(app, n // 4)  # warm up
    for _ in range(rounds):
        for name, app in served.items():
            samples[name].append(await batch(app, n))
    plain = statistics.median(samples["App"])
    print(f"{'app':<18} {'us/request':>11} {'x App':>7}   (median of {rounds} rounds of {n})")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<18} {median * 1e6:>11.2f} {median / plain:>7.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.batch))
