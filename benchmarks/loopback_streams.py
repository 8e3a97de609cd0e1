"""Loopback for the streaming scenarios: SSE events per second and websocket round trips per second.

    .venv-bench/bin/python -m benchmarks.loopback_streams            # raw, lette_fp, Starlette
    .venv-bench/bin/python -m benchmarks.loopback_streams --seconds 3 --rounds 5 --connections 8

Each framework gets ``uvicorn --factory benchmarks.apps.<name>:make_app`` (uvloop, httptools,
websockets, one worker, no access log) pinned to core 0 with ``taskset``; this client pins itself
to core 1. Then, round after round (the first framework rotating), for ``--seconds`` each:

- SSE: ``--connections`` concurrent httpx streams of ``GET /sse`` (S11's 1,000 events), each
  reopened when it ends; the figure is events received per second.
- websocket: ``--connections`` concurrent ``websockets`` clients on ``/ws/echo``, each sending
  the next 64-byte text only once the echo of the previous one arrived (S10), reconnecting after
  1,000; the figure is round trips per second.

A cell is the median of its rounds. The client's own CPU use (its share of core 1) is printed
with each figure: near 100% the client, not the server, is the limit. On a machine shared with
other work the wall-clock rates mostly measure how soon the server gets the core back, so each
cell also gives the rate per second of the server's own CPU time (user + system, read from
/proc): events or round trips per server CPU-second, which load on the machine hardly moves.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import websockets  # noqa: E402

from benchmarks.apps.common import SSE_EVENTS, WS_MESSAGES, WS_TEXTS  # noqa: E402
from benchmarks.loopback import free_port, serve, stop, wait_for_port  # noqa: E402
from benchmarks.report import display  # noqa: E402


async def sse_rate(port: int, seconds: float, connections: int) -> float:
    """Events per second over `connections` streams of GET /sse for `seconds`."""
    deadline = time.perf_counter() + seconds
    events = 0

    async def one(client: httpx.AsyncClient) -> None:
        nonlocal events
        while time.perf_counter() < deadline:
            async with client.stream("GET", f"http://127.0.0.1:{port}/sse") as resp:
                got = 0
                tail = b""  # shorter than the marker: a marker split between reads counts once
                async for chunk in resp.aiter_raw():
                    joined = tail + chunk
                    got += joined.count(b"data: ")
                    tail = joined[-5:]
            if got != SSE_EVENTS:
                raise RuntimeError(f"a stream carried {got} events, not {SSE_EVENTS}")
            events += got

    started = time.perf_counter()
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        await asyncio.gather(*(one(client) for _ in range(connections)))
    return events / (time.perf_counter() - started)


async def ws_rate(port: int, seconds: float, connections: int) -> float:
    """Echo round trips per second over `connections` websockets for `seconds`."""
    deadline = time.perf_counter() + seconds
    trips = 0

    async def one() -> None:
        nonlocal trips
        while time.perf_counter() < deadline:
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws/echo", compression=None) as ws:
                for text in WS_TEXTS:
                    await ws.send(text)
                    if await ws.recv() != text:
                        raise RuntimeError("an echo differed from what was sent")
                    trips += 1
                    if time.perf_counter() >= deadline:
                        break

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(connections)))
    return trips / (time.perf_counter() - started)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


Sample = tuple[float, float, float]  # rate per wall second, per server CPU second, client CPU share


def measure(names: list[str], seconds: float, rounds: int, connections: int) -> dict[tuple[str, str], list[Sample]]:
    """`{(framework, "sse" | "ws"): [Sample, ...]}`, one per round."""
    import uvloop

    results: dict[tuple[str, str], list[Sample]] = {(n, k): [] for n in names for k in ("sse", "ws")}
    servers = {}
    affinity = os.sched_getaffinity(0)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for name in names:
                port = free_port()
                proc = serve(name, port, Path(tmp) / f"{name}.log")
                wait_for_port(port, proc)
                servers[name] = (proc, port)
            os.sched_setaffinity(0, {1})
            for r in range(rounds):
                k = r % len(names)
                for kind, rate in (("sse", sse_rate), ("ws", ws_rate)):
                    for name in names[k:] + names[:k]:
                        proc, port = servers[name]
                        cpu = time.process_time()
                        wall = time.perf_counter()
                        server = cpu_seconds(proc.pid)
                        value = uvloop.run(rate(port, seconds, connections))
                        wall = time.perf_counter() - wall
                        per_cpu = value * wall / max(cpu_seconds(proc.pid) - server, 1e-9)
                        share = (time.process_time() - cpu) / wall
                        results[(name, kind)].append((value, per_cpu, share))
                print(f"  round {r + 1}/{rounds} done", flush=True)
        finally:
            os.sched_setaffinity(0, affinity)
            for proc, _ in servers.values():
                stop(proc)
    return results


def table(names: list[str], results: dict[tuple[str, str], list[Sample]]) -> str:
    rows = [
        "| framework | SSE events/s | per server CPU-s | websocket round trips/s | per server CPU-s |",
        "|---|---:|---:|---:|---:|",
    ]

    def median(name: str, kind: str, i: int) -> float:
        return statistics.median(sample[i] for sample in results[(name, kind)])

    for name in names:
        cells = []
        for kind in ("sse", "ws"):
            for i in (0, 1):
                value = median(name, kind, i)
                text = f"{value:,.0f}"
                if "raw_asgi" in names and name != "raw_asgi":
                    text += f" ({value / median('raw_asgi', kind, i):.2f}×)"
                if i == 0:
                    text += f", client CPU {median(name, kind, 2):.0%}"
                cells.append(text)
        rows.append(f"| {display(name)} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--frameworks", default="raw_asgi,lette,starlette_app")
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--connections", type=int, default=4)
    args = p.parse_args(argv)
    if len(os.sched_getaffinity(0)) < 2:
        print("needs 2 cores (server on 0, client on 1)", file=sys.stderr)
        return 2
    names = [n.strip() for n in args.frameworks.split(",") if n.strip()]
    print(
        f"loopback streams: {args.rounds} rounds of {args.seconds:g}s, {args.connections} connections, "
        f"{SSE_EVENTS} events or {WS_MESSAGES} echoes per connection",
        flush=True,
    )
    print(table(names, measure(names, args.seconds, args.rounds, args.connections)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
