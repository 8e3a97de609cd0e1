"""The in-process driver: realistic ASGI scopes, one request/response cycle at a time.

This is what a server would do per request, minus the sockets and the HTTP parsing:
build a fresh scope (headers as a real client sends them), hand the app a ``receive``
that yields the body once and then blocks until the response is complete (as uvicorn
does), and a ``send`` that records the status, the headers and the body.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import re
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.apps.common import (
    ITEM,
    ITEM_BYTES,
    MESSAGE,
    PLAINTEXT,
    SSE_EVENTS,
    STREAM_CHUNK,
    STREAM_CHUNKS,
    WS_MESSAGES,
    WS_TEXTS,
)

ASGIApp = Callable[..., Awaitable[None]]

USER_ID = 4242
CLIENT_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"host", b"127.0.0.1:8000"),
    (
        b"user-agent",
        b"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    ),
    (b"accept", b"*/*"),
    (b"accept-encoding", b"gzip, deflate"),
    (b"connection", b"keep-alive"),
)


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    method: str
    path: str
    query: bytes = b""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    body: bytes = b""
    decoys: int = 50  # which app instance serves it
    middleware: bool = False  # served by make_mw_app() where a module has one
    status: int = 200
    media_type: str = "application/json"
    expect: Any = None  # parsed JSON for application/json, event data for SSE, bytes otherwise
    kind: str = "http"  # "http", or "websocket" (driven by WsCycle)
    units: int = 1  # messages or events per request: the tables give µs per unit

    @property
    def instance(self) -> tuple[str, int]:
        return ("mw", 0) if self.middleware else ("app", self.decoys)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "S1",
        "GET /plaintext",
        "GET",
        "/plaintext",
        media_type="text/plain",
        expect=PLAINTEXT.encode(),
    ),
    Scenario("S2", "GET /json", "GET", "/json", expect=MESSAGE),
    Scenario(
        "S3", "GET /users/{id:int}, 50 decoys", "GET", f"/users/{USER_ID}", expect={"id": USER_ID}
    ),
    Scenario(
        "S4",
        "GET /echo?q=abc + x-token",
        "GET",
        "/echo",
        query=b"q=abc",
        headers=((b"x-token", b"t"),),
        expect={"q": "abc", "token": "t"},
    ),
    Scenario(
        "S5",
        "POST /items (1 KB JSON)",
        "POST",
        "/items",
        body=ITEM_BYTES,
        headers=(
            (b"content-type", b"application/json"),
            (b"content-length", str(len(ITEM_BYTES)).encode()),
        ),
        expect=ITEM,
    ),
    Scenario("S6", "S2 behind 3 middleware", "GET", "/mw/json", middleware=True, expect=MESSAGE),
    Scenario(
        "S7",
        "GET /stream (100 x 1 KB)",
        "GET",
        "/stream",
        media_type="application/octet-stream",
        expect=STREAM_CHUNK * STREAM_CHUNKS,
    ),
    *(
        Scenario(
            f"S8/{n}",
            f"S3 with {n} decoys",
            "GET",
            f"/users/{USER_ID}",
            decoys=n,
            expect={"id": USER_ID},
        )
        for n in (10, 100, 1000)
    ),
)
STREAM_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "S10",
        f"websocket echo ({WS_MESSAGES:,} x 64 B texts, one at a time)",
        "GET",
        "/ws/echo",
        kind="websocket",
        units=WS_MESSAGES,
        media_type="",
    ),
    Scenario(
        "S11",
        f"SSE: {SSE_EVENTS:,} events from an async generator",
        "GET",
        "/sse",
        units=SSE_EVENTS,
        media_type="text/event-stream",
        expect=[str(i) for i in range(SSE_EVENTS)],
    ),
)
SCENARIOS = SCENARIOS + STREAM_SCENARIOS
# Not a benchmark, only checked: an unknown path is a 404 everywhere.
NOT_FOUND = Scenario("404", "GET /nope", "GET", "/nope", status=404, media_type="", expect=None)
LOOPBACK_KEYS = ("S1", "S2", "S3", "S5")


class Cycle:
    """One request/response exchange, as uvicorn's RequestResponseCycle behaves."""

    __slots__ = ("body", "body_sent", "complete", "waiter", "status", "headers", "chunks")

    def __init__(self, body: bytes, record: bool) -> None:
        self.body = body
        self.body_sent = False
        self.complete = False
        self.waiter: asyncio.Future[None] | None = None
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] | None = [] if record else None

    async def receive(self) -> dict[str, Any]:
        if not self.body_sent:
            self.body_sent = True
            return {"type": "http.request", "body": self.body, "more_body": False}
        if not self.complete:
            self.waiter = asyncio.get_running_loop().create_future()
            await self.waiter
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = message["status"]
            if self.chunks is not None:
                self.headers = list(message.get("headers", ()))
        elif kind == "http.response.body":
            if self.chunks is not None:
                self.chunks.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                self.complete = True
                if self.waiter is not None and not self.waiter.done():
                    self.waiter.set_result(None)


class WsCycle:
    """One websocket connection, as uvicorn's websockets protocol behaves, with an echo client:
    it connects, sends text i+1 as soon as echo i arrived (checking it), and disconnects after
    the last echo. ``receive`` blocks while nothing is pending."""

    __slots__ = ("pending", "waiter", "status", "echoed", "bad", "closed", "texts")

    def __init__(self, texts: list[str] = WS_TEXTS) -> None:
        self.texts = texts
        self.pending: deque[dict[str, Any]] = deque([{"type": "websocket.connect"}])
        self.waiter: asyncio.Future[None] | None = None
        self.status = 0  # 101 once accepted, the HTTP status of a denial otherwise
        self.echoed = 0
        self.bad = 0
        self.closed: int | None = None

    async def receive(self) -> dict[str, Any]:
        while not self.pending:
            self.waiter = asyncio.get_running_loop().create_future()
            await self.waiter
        return self.pending.popleft()

    def _push(self, message: dict[str, Any]) -> None:
        self.pending.append(message)
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def send(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "websocket.send":
            if message.get("text") != self.texts[self.echoed]:
                self.bad += 1
            self.echoed += 1
            if self.echoed < len(self.texts):
                self._push({"type": "websocket.receive", "text": self.texts[self.echoed]})
            else:
                self._push({"type": "websocket.disconnect", "code": 1000})
        elif kind == "websocket.accept":
            self.status = 101
            self._push({"type": "websocket.receive", "text": self.texts[0]})
        elif kind == "websocket.close":
            self.closed = message.get("code", 1000)
            self._push({"type": "websocket.disconnect", "code": self.closed})
        elif kind == "websocket.http.response.start":
            self.status = message["status"]

    @property
    def complete(self) -> bool:
        return self.echoed == len(self.texts) and not self.bad


def scope_factory(sc: Scenario, state: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """A function returning a fresh scope per call, like a server does per request."""
    headers = list(CLIENT_HEADERS) + list(sc.headers)
    template: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 51234),
        "scheme": "http",
        "root_path": "",
        "method": sc.method,
        "path": sc.path,
        "raw_path": sc.path.encode(),
        "query_string": sc.query,
    }
    if sc.kind == "websocket":
        del template["method"]
        template.update(type="websocket", scheme="ws", subprotocols=[])
        template["asgi"] = {"version": "3.0", "spec_version": "2.4"}
        headers += [
            (b"upgrade", b"websocket"),
            (b"sec-websocket-version", b"13"),
            (b"sec-websocket-key", b"dGhlIHNhbXBsZSBub25jZQ=="),
        ]

    def make() -> dict[str, Any]:
        scope = template.copy()
        scope["headers"] = headers.copy()
        scope["state"] = state.copy()
        return scope

    return make


@dataclass
class Lifespan:
    """The lifespan protocol run the way uvicorn's ``--lifespan auto`` runs it."""

    app: ASGIApp
    state: dict[str, Any] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None
    inbox: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    outbox: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    supported: bool = True

    async def _run(self) -> None:
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self.state,
        }
        try:
            await self.app(scope, self.inbox.get, self.outbox.put)
        except Exception:  # uvicorn's "auto": an app that rejects lifespan runs without
            self.supported = False
        finally:
            await self.outbox.put({"type": "lifespan.ended"})

    async def startup(self, timeout: float = 60.0) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())
        await self.inbox.put({"type": "lifespan.startup"})
        message = await asyncio.wait_for(self.outbox.get(), timeout)
        if message["type"] == "lifespan.startup.failed":
            raise RuntimeError(f"lifespan startup failed: {message.get('message', '')}")

    async def shutdown(self, timeout: float = 10.0) -> None:
        if self.task is None or self.task.done():
            return
        await self.inbox.put({"type": "lifespan.shutdown"})
        try:
            await asyncio.wait_for(self.outbox.get(), timeout)
            await asyncio.wait_for(self.task, timeout)
        except Exception:
            self.task.cancel()


@dataclass
class Instance:
    """One built app (one decoy count, or the middleware app) with its lifespan running."""

    app: ASGIApp
    lifespan: Lifespan


@dataclass
class Framework:
    name: str
    module: Any = None
    error: str | None = None
    instances: dict[tuple[str, int], Instance] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)  # scenario key -> reason

    def instance_for(self, sc: Scenario) -> Instance | None:
        return self.instances.get(sc.instance)


def short(exc: BaseException) -> str:
    text = (
        f"{type(exc).__name__}: {exc}".strip().splitlines()[0] if str(exc) else type(exc).__name__
    )
    return text[:160]


async def load(name: str, scenarios: tuple[Scenario, ...]) -> Framework:
    """Import ``benchmarks.apps.<name>``, build every instance the scenarios need, and
    run their lifespan startup. Failures are recorded, never raised."""
    fw = Framework(name)
    try:
        fw.module = importlib.import_module(f"benchmarks.apps.{name}")
    except BaseException as exc:  # noqa: BLE001 - a broken framework is a table row
        fw.error = f"import failed: {short(exc)}"
        return fw
    fw.failures.update(getattr(fw.module, "MISSING", {}))
    needed = {sc.instance for sc in scenarios} | {("app", 50)}
    for kind, decoys in sorted(needed):
        try:
            if kind == "mw" and hasattr(fw.module, "make_mw_app"):
                app = fw.module.make_mw_app()
            else:
                app = fw.module.make_app(50 if kind == "mw" else decoys)
            lifespan = Lifespan(app)
            await lifespan.startup()
        except BaseException as exc:  # noqa: BLE001
            reason = f"build failed: {short(exc)}"
            if (kind, decoys) == ("app", 50):
                fw.error = reason
                return fw
            for sc in scenarios:
                if sc.instance == (kind, decoys):
                    fw.failures[sc.key] = reason
            continue
        fw.instances[(kind, decoys)] = Instance(app, lifespan)
    return fw


async def request(inst: Instance, sc: Scenario) -> Cycle | WsCycle:
    if sc.kind == "websocket":
        ws = WsCycle()
        await inst.app(scope_factory(sc, inst.lifespan.state)(), ws.receive, ws.send)
        return ws
    cycle = Cycle(sc.body, record=True)
    await inst.app(scope_factory(sc, inst.lifespan.state)(), cycle.receive, cycle.send)
    return cycle


def media_type(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name.lower() == b"content-type":
            return value.decode("latin-1").split(";")[0].strip().lower()
    return ""


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def sse_data(body: bytes) -> list[str]:
    """The data of each event in a text/event-stream body (comments and other fields skipped)."""
    events: list[str] = []
    data: list[str] = []
    for line in _LINE_BREAK.split(body.decode("utf-8")):
        if not line:
            if data:
                events.append("\n".join(data))
            data = []
        elif line.startswith("data:"):
            data.append(line[6:] if line.startswith("data: ") else line[5:])
    return events


def ws_verdict(cycle: WsCycle) -> str | None:
    if cycle.status != 101:
        return f"handshake answered {cycle.status}, not accepted"
    if cycle.bad:
        return f"{cycle.bad} echoes differed from what was sent"
    if not cycle.complete:
        return f"{cycle.echoed}/{len(cycle.texts)} messages echoed"
    return None


def verdict(sc: Scenario, cycle: Cycle | WsCycle) -> str | None:
    """None if the answer is the expected one, else a short reason."""
    if isinstance(cycle, WsCycle):
        return ws_verdict(cycle)
    if cycle.status != sc.status:
        return f"status {cycle.status}, expected {sc.status}"
    if not cycle.complete:
        return "response never completed"
    if sc.status != 200:
        return None
    got_type = media_type(cycle.headers)
    if got_type != sc.media_type:
        return f"content-type {got_type!r}, expected {sc.media_type!r}"
    body = b"".join(cycle.chunks or ())
    if sc.media_type == "application/json":
        try:
            parsed = json.loads(body)
        except ValueError:
            return f"body is not JSON: {body[:60]!r}"
        if parsed != sc.expect:
            return f"body {json.dumps(parsed)[:80]}"
    elif sc.media_type == "text/event-stream":
        got = sse_data(body)
        if got != sc.expect:
            return f"{len(got)} events, expected {len(sc.expect)}; first {got[:3]}"
    elif body != sc.expect:
        return f"body {body[:40]!r}... ({len(body)} bytes)"
    for name, value in cycle.headers:
        if name.lower() == b"content-length" and int(value) != len(body):
            return f"content-length {int(value)} but {len(body)} body bytes"
    return None


async def check(fw: Framework, scenarios: tuple[Scenario, ...]) -> None:
    """Run every scenario once; record a reason in ``fw.failures`` for each wrong answer."""
    if fw.error:
        return
    for sc in (*scenarios, NOT_FOUND):
        if sc.key in fw.failures:
            continue
        inst = fw.instance_for(sc)
        if inst is None:
            fw.failures[sc.key] = "no app instance"
            continue
        try:
            cycle = await asyncio.wait_for(request(inst, sc), 10)
        except BaseException as exc:  # noqa: BLE001
            fw.failures[sc.key] = f"raised {short(exc)}"
            continue
        reason = verdict(sc, cycle)
        if reason:
            fw.failures[sc.key] = reason


async def shutdown(fw: Framework) -> None:
    for inst in fw.instances.values():
        await inst.lifespan.shutdown()
