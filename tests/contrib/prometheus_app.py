"""An app with Prometheus metrics on prometheus-client's default registry, for
`uvicorn --workers 2 tests.contrib.prometheus_app:app` with PROMETHEUS_MULTIPROC_DIR set."""

from __future__ import annotations

import os

from lette_fp import App, Request, Response, get, text
from lette_fp.contrib.prometheus import metrics, metrics_route, prometheus_middleware


def pid(req: Request) -> Response:
    return text(str(os.getpid()))


def item(req: Request) -> Response:
    return text(f"item {req.path_params['id']}")


app = App(
    routes=[get("/pid", pid), get("/items/{id:int}", item), metrics_route()],
    middleware=[prometheus_middleware(metrics())],
)
