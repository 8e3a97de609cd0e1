"""The soak run (`make soak`): does a long-running uvicorn process serving lette_fp stay the same?

1. `benchmarks/soak_app.py` is served by uvicorn (uvloop, httptools, one worker) pinned to core 0.
2. wrk (core 1, 64 connections, `benchmarks/soak.lua`) sends 10,000 requests alternating
   `GET /json` and `GET /items/<n>`; the server's RSS is read; then 90,000 more, and RSS again.
   Pass: 0 errors (socket errors and non-2xx), RSS at the end within 5 MB of RSS at 10,000.
3. The soak app's `/_debug/counts` gives the starting asyncio tasks, open fds and spool files. Then
   3,000 clients, 50 at a time, each hang up half-way: mid-body, mid-upload (past the spool's
   roll-over to disk), mid-stream, mid-SSE, mid-download and mid-websocket, 500 of each. Pass:
   every one was answered as expected up to the hang-up, the three counts return to their
   starting values (polled for up to 20 s), and the server logged no traceback. Each route is
   first sent one complete request, which must be a 200.

Prints the figures and writes them as JSON to build/soak.json; exits 1 when a check fails.
`SOAK_QUICK=1` runs 2,000 requests and 120 hang-ups, as a smoke test.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.loopback import free_port, stop, wait_for_port  # noqa: E402

LUA = ROOT / "benchmarks" / "soak.lua"
BUILD = ROOT / "build"
QUICK = os.environ.get("SOAK_QUICK") == "1"
WARM_REQUESTS = 1_000 if QUICK else 10_000
TOTAL_REQUESTS = 2_000 if QUICK else 100_000
HANGUPS = 120 if QUICK else 3_000
AT_ONCE = 50
RSS_SLACK = 5 * 1024 * 1024
DOWNLOAD_SIZE = 8 * 1024 * 1024


def serve(port: int, download: Path, log: Path) -> subprocess.Popen[bytes]:
    cmd = [
        "taskset", "-c", "0", sys.executable, "-m", "uvicorn",
        "--factory", "benchmarks.soak_app:make_app",
        "--host", "127.0.0.1", "--port", str(port),
        "--loop", "uvloop", "--http", "httptools", "--workers", "1",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    env = dict(os.environ, SOAK_DOWNLOAD=str(download))
    with open(log, "wb") as f:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT, env=env)


def wrk(port: int, requests: int) -> dict[str, Any]:
    """Run wrk until `requests` responses came back (it is interrupted then); return its totals."""
    done = BUILD / "soak-wrk.done"
    done.unlink(missing_ok=True)
    cmd = ["taskset", "-c", "1", "wrk", "-t1", "-c64", "-d600s", "--timeout", "10s", "-s", str(LUA), f"http://127.0.0.1:{port}"]
    env = dict(os.environ, SOAK_PER_THREAD=str(requests), SOAK_DONE_FILE=str(done))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 600
    while not done.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    line = next((ln for ln in stdout.splitlines() if ln.startswith("SOAK ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {(stderr or stdout)[-300:]}")
    result: dict[str, Any] = json.loads(line[5:])
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


async def counts(port: int) -> dict[str, int]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /_debug/counts HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n")
    data = await reader.read()
    writer.close()
    found: dict[str, int] = json.loads(data.partition(b"\r\n\r\n")[2])
    return found


async def probe(port: int) -> None:
    """Send each hang-up route one complete request first: a route that can't answer a whole
    request (a missing extra, a typo) would make its hang-ups prove nothing."""
    part = (b"--soakboundary\r\nContent-Disposition: form-data; name=\"f\"; filename=\"small.bin\"\r\n\r\n"
            b"abc\r\n--soakboundary--\r\n")
    requests = [
        b"POST /body HTTP/1.1\r\nHost: soak\r\nConnection: close\r\nContent-Length: 3\r\n\r\nabc",
        b"POST /upload HTTP/1.1\r\nHost: soak\r\nConnection: close\r\nContent-Type: multipart/form-data; "
        b"boundary=soakboundary\r\nContent-Length: " + str(len(part)).encode() + b"\r\n\r\n" + part,
        b"HEAD /download HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n",
    ]
    for request in requests:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request)
        answer = await reader.read()
        writer.close()
        if not answer.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"probe {request.split(b' ')[1].decode()} answered {answer[:200]!r}")


async def _head(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


async def _send_part_then_hang_up(port: int, request: bytes, after: float) -> bool:
    """Send the start of a request whose body is longer, wait `after` seconds, hang up."""
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    await asyncio.sleep(after)
    writer.close()
    return True


async def mid_body(port: int) -> bool:
    return await _send_part_then_hang_up(
        port,
        b"POST /body HTTP/1.1\r\nHost: soak\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Length: 1000000\r\n\r\n" + b"x" * 65536,
        0.02,
    )


async def mid_upload(port: int) -> bool:
    part = (b"--soakboundary\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big.bin\"\r\n"
            b"Content-Type: application/octet-stream\r\n\r\n")
    return await _send_part_then_hang_up(
        port,
        b"POST /upload HTTP/1.1\r\nHost: soak\r\nContent-Type: multipart/form-data; boundary=soakboundary\r\n"
        b"Content-Length: 2000000\r\n\r\n" + part + b"y" * 100_000,
        0.25,
    )


async def mid_stream(port: int) -> bool:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /stream HTTP/1.1\r\nHost: soak\r\n\r\n")
    head = await _head(reader)
    await reader.readexactly(2048)
    writer.close()
    return head.startswith(b"HTTP/1.1 200")


async def mid_sse(port: int) -> bool:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /sse HTTP/1.1\r\nHost: soak\r\nAccept: text/event-stream\r\n\r\n")
    head = await _head(reader)
    seen = b""
    while b"data:" not in seen:
        seen += await reader.read(1024)
    writer.close()
    return head.startswith(b"HTTP/1.1 200")


async def mid_download(port: int) -> bool:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /download HTTP/1.1\r\nHost: soak\r\n\r\n")
    head = await _head(reader)
    await reader.readexactly(65536)
    writer.close()
    return head.startswith(b"HTTP/1.1 200")


def _frame(text: bytes) -> bytes:
    mask = os.urandom(4)
    return bytes([0x81, 0x80 | len(text)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(text))


async def mid_websocket(port: int) -> bool:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16))
    writer.write(b"GET /ws HTTP/1.1\r\nHost: soak\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key + b"\r\n\r\n")
    head = await _head(reader)
    writer.write(_frame(b"hello"))
    await writer.drain()
    echoed = await reader.readexactly(7)
    writer.close()
    return head.startswith(b"HTTP/1.1 101") and echoed[2:] == b"hello"


KINDS: dict[str, Callable[[int], Awaitable[bool]]] = {
    "mid-body": mid_body,
    "mid-upload": mid_upload,
    "mid-stream": mid_stream,
    "mid-SSE": mid_sse,
    "mid-download": mid_download,
    "mid-websocket": mid_websocket,
}


async def hang_ups(port: int, total: int, peak: dict[str, int]) -> Counter[str]:
    """Run `total` hang-ups, AT_ONCE at a time; return the failures by kind. `peak` gets the
    highest tasks, fds and spools seen while they run (sampled every 0.05 s)."""
    failures: Counter[str] = Counter()
    kinds = list(KINDS.items())
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(i: int) -> None:
        name, op = kinds[i % len(kinds)]
        async with gate:
            try:
                ok = await asyncio.wait_for(op(port), 20)
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                ok = False
            if not ok:
                failures[name] += 1

    async def sample() -> None:
        while True:
            now = await counts(port)
            for k in ("tasks", "fds", "spools"):
                peak[k] = max(peak.get(k, 0), now[k])
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    await asyncio.gather(*(one(i) for i in range(total)))
    sampler.cancel()
    return failures


async def settle(port: int, start: dict[str, int], within: float = 20.0) -> tuple[dict[str, int], float]:
    began = time.monotonic()
    while True:
        now = await counts(port)
        if all(now[k] <= start[k] for k in ("tasks", "fds", "spools")) or time.monotonic() - began > within:
            return now, time.monotonic() - began
        await asyncio.sleep(0.2)


def main() -> int:
    BUILD.mkdir(exist_ok=True)
    download = BUILD / "soak-download.bin"
    if not download.exists() or download.stat().st_size != DOWNLOAD_SIZE:
        download.write_bytes(os.urandom(DOWNLOAD_SIZE))
    port = free_port()
    server = serve(port, download, BUILD / "soak-server.log")
    try:
        wait_for_port(port, server)
        asyncio.run(probe(port))
        started = time.monotonic()
        warm = wrk(port, WARM_REQUESTS)
        rss_warm = asyncio.run(counts(port))["rss"]
        rest = wrk(port, TOTAL_REQUESTS - WARM_REQUESTS)
        rss_end = asyncio.run(counts(port))["rss"]
        wrk_seconds = time.monotonic() - started
        start = asyncio.run(counts(port))
        began = time.monotonic()
        peak: dict[str, int] = {}
        failures = asyncio.run(hang_ups(port, HANGUPS, peak))
        hangup_seconds = time.monotonic() - began
        end, settled_in = asyncio.run(settle(port, start))
    finally:
        stop(server)
    tracebacks = (BUILD / "soak-server.log").read_text(errors="replace").count("Traceback")
    figures = {
        "requests": warm["requests"] + rest["requests"],
        "request_errors": warm["errors"] + rest["errors"],
        "p99_ms": max(warm["p99_ms"], rest["p99_ms"]),
        "wrk_seconds": round(wrk_seconds, 1),
        "rss_at_warm_mb": round(rss_warm / 2**20, 2),
        "rss_at_end_mb": round(rss_end / 2**20, 2),
        "rss_growth_mb": round((rss_end - rss_warm) / 2**20, 2),
        "hangups": HANGUPS,
        "hangup_failures": dict(failures),
        "hangup_seconds": round(hangup_seconds, 1),
        "counts_before": {k: start[k] for k in ("tasks", "fds", "spools")},
        "counts_peak_during": peak,
        "counts_after": {k: end[k] for k in ("tasks", "fds", "spools")},
        "settled_in_s": round(settled_in, 1),
        "server_tracebacks": tracebacks,
    }
    checks = {
        "0 request errors": figures["request_errors"] == 0,
        "RSS within 5 MB": abs(rss_end - rss_warm) <= RSS_SLACK,
        "every hang-up answered": not failures,
        "tasks, fds and spools back": all(end[k] <= start[k] for k in ("tasks", "fds", "spools")),
        "no traceback in the server log": tracebacks == 0,
    }
    figures["checks"] = checks
    (BUILD / "soak.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
