"""Channels fan-out: 1 publisher to N subscribers, M messages, in one process on a real Redis.

Contenders, in the same run and on the same redis-server:
- lette_fp `Channels` on `MemoryBackend` and on `RedisBackend` (pub/sub + a Streams history);
- encode's `broadcaster` (`Broadcast("redis://...")`, pub/sub);
- Litestar's channels (`ChannelsPlugin` on `RedisChannelsPubSubBackend`, and on
  `RedisChannelsStreamBackend` with a history like ours).

Two phases per contender:
- burst: M messages published back to back; "delivered/s" is N*M over the time from the first
  publish to the last delivery; its latency percentiles are queueing under saturation;
- paced: P messages at a steady rate (a load every contender keeps up with); its p99 is the
  delivery latency of an unsaturated bus.

Latency is the time from just before `publish` to the subscriber task receiving the message
(perf_counter, one process). Subscribers' buffers are made large enough that nothing is dropped.

Run (from the repo root, after `make bench` made .venv-bench):
    taskset -c 1 .venv-bench/bin/python benchmarks/channels.py
`BENCH_QUICK=1` for a smoke run; `BENCH_ROUNDS=N` for N rounds (3 by default; medians reported). redis-server is started by the script on a free port on
127.0.0.1 (pinned to CPU 0 with taskset when available) and stopped at the end.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.loopback import free_port  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK") == "1"
SUBSCRIBERS = 100 if QUICK else 1000
MESSAGES = 100 if QUICK else 1000
PACED = 20 if QUICK else 100
PACE = 0.01
"""Seconds between paced messages."""
TIMEOUT = 60.0
"""Seconds a phase may take before the contender counts as failed for that round."""
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1" if QUICK else "3"))
"""Rounds of every contender, in a rotated order each round; the tables give each figure's
median over the rounds (the machine is shared: a burst of someone else's load hits whoever
runs at that moment, and rotating spreads it)."""


@dataclass
class Bus:
    """What the benchmark needs of a contender: subscribe (an async context manager yielding an
    async iterator of payloads, str or bytes) and publish."""

    subscribe: Callable[[str], AbstractAsyncContextManager[AsyncIterator[Any]]]
    publish: Callable[[str, str], Awaitable[Any]]
    after_subscribing: Callable[[], Awaitable[None]] | None = None


# -- contenders --------------------------------------------------------------------------------


@asynccontextmanager
async def lette_fp_bus(url: str | None) -> AsyncIterator[Bus]:
    from lette_fp.channels import Channels, MemoryBackend, Message, RedisBackend

    backend = MemoryBackend() if url is None else RedisBackend(url, prefix="bench-lette:")
    channels = Channels(backend, buffer=MESSAGES + 16)

    @asynccontextmanager
    async def subscribe(name: str) -> AsyncIterator[AsyncIterator[Any]]:
        async with channels.subscribe(name) as messages:

            async def payloads() -> AsyncIterator[Any]:
                async for item in messages:
                    if type(item) is Message:
                        yield item.data

            yield payloads()

    async with channels:
        yield Bus(subscribe, channels.publish)


@asynccontextmanager
async def broadcaster_bus(url: str) -> AsyncIterator[Bus]:
    from broadcaster import Broadcast

    broadcast = Broadcast(url)

    @asynccontextmanager
    async def subscribe(name: str) -> AsyncIterator[AsyncIterator[Any]]:
        async with broadcast.subscribe(name) as subscriber:

            async def payloads() -> AsyncIterator[Any]:
                async for event in subscriber:
                    yield event.message

            yield payloads()

    async def publish(name: str, data: str) -> None:
        await broadcast.publish(name, data)

    async def poke() -> None:
        # broadcaster 0.3.1's Redis listener can wake before its first SUBSCRIBE is recorded,
        # find nothing subscribed and wait for a next subscribe that, for one channel, never
        # comes; setting its readiness event again after subscribing gets it listening
        await asyncio.sleep(0.2)
        backend = getattr(broadcast, "_backend", None)
        ready = getattr(backend, "_ready", None)
        if ready is not None:
            ready.set()

    await broadcast.connect()
    try:
        yield Bus(subscribe, publish, poke)
    finally:
        await broadcast.disconnect()


@asynccontextmanager
async def litestar_bus(url: str, streams: bool) -> AsyncIterator[Bus]:
    from litestar.channels import ChannelsPlugin
    from litestar.channels.backends.redis import (
        RedisChannelsPubSubBackend,
        RedisChannelsStreamBackend,
    )
    from redis.asyncio import Redis

    redis = Redis.from_url(url)
    backend: Any = (
        RedisChannelsStreamBackend(history=1000, redis=redis, key_prefix="BENCH_LITESTAR")
        if streams else RedisChannelsPubSubBackend(redis=redis, key_prefix="BENCH_LITESTAR")
    )
    plugin = ChannelsPlugin(backend=backend, arbitrary_channels_allowed=True)

    @asynccontextmanager
    async def subscribe(name: str) -> AsyncIterator[AsyncIterator[Any]]:
        async with plugin.start_subscription([name]) as subscriber:
            yield subscriber.iter_events()

    async def publish(name: str, data: str) -> None:
        await plugin.wait_published(data, [name])

    async with plugin:
        yield Bus(subscribe, publish)
    await redis.aclose()


# -- the measurement ---------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    delivered_per_s: float
    burst_p50_ms: float
    burst_p99_ms: float
    paced_p50_ms: float
    paced_p99_ms: float


def median_of(name: str, runs: list[Result]) -> Result:
    """Each figure's median over `runs`."""

    def middle(field: str) -> float:
        return float(statistics.median(getattr(run, field) for run in runs))

    return Result(name, *(middle(field) for field in ("delivered_per_s", "burst_p50_ms", "burst_p99_ms", "paced_p50_ms", "paced_p99_ms")))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(name: str, bus_cm: AbstractAsyncContextManager[Bus]) -> Result:
    channel = f"bench-{name.replace(' ', '-')}-{os.urandom(4).hex()}"  # nothing carried over from a round before
    async with bus_cm as bus:
        ready = 0
        all_ready = asyncio.Event()
        phase_done: list[asyncio.Event] = [asyncio.Event(), asyncio.Event(), asyncio.Event()]
        counts = [0, 0, 0]
        expected = [1, MESSAGES, PACED]
        latencies: list[list[float]] = [[], [], []]
        last_delivery = [0.0, 0.0, 0.0]

        async def subscriber() -> None:
            nonlocal ready
            async with bus.subscribe(channel) as payloads:
                ready += 1
                if ready == SUBSCRIBERS:
                    all_ready.set()
                phase = 0
                seen = 0
                clock = time.perf_counter
                async for payload in payloads:
                    now = clock()
                    text = payload.decode() if isinstance(payload, bytes) else payload
                    tag, _, stamp = text.partition(" ")
                    phase = int(tag)
                    latencies[phase].append(now - float(stamp))
                    seen += 1
                    if seen == expected[phase]:
                        seen = 0
                        counts[phase] += 1
                        if counts[phase] == SUBSCRIBERS:
                            last_delivery[phase] = now
                            phase_done[phase].set()
                        if phase == 2:
                            return

        # the first subscriber alone, then the others: broadcaster 0.3.1 keeps only one of several
        # subscribers that subscribe to a new channel at the same moment
        tasks = [asyncio.create_task(subscriber())]
        while ready == 0:
            await asyncio.sleep(0.01)
        tasks += [asyncio.create_task(subscriber()) for _ in range(SUBSCRIBERS - 1)]
        try:
            await asyncio.wait_for(all_ready.wait(), TIMEOUT)
            if bus.after_subscribing is not None:
                await bus.after_subscribing()
            # warm-up: one message every subscriber must see (the subscriptions are live)
            for _ in range(50):
                await bus.publish(channel, f"0 {time.perf_counter()}")
                try:
                    await asyncio.wait_for(phase_done[0].wait(), 0.5)
                    break
                except TimeoutError:
                    continue
            else:
                raise RuntimeError(f"{name}: the warm-up message did not reach every subscriber ({counts[0]} of {SUBSCRIBERS})")
            await asyncio.sleep(0.5)  # warm-up extras drain
            for values in latencies:
                values.clear()

            start = time.perf_counter()
            for _ in range(MESSAGES):
                await bus.publish(channel, f"1 {time.perf_counter()}")
            await asyncio.wait_for(phase_done[1].wait(), TIMEOUT)
            burst_time = last_delivery[1] - start

            for _ in range(PACED):
                await bus.publish(channel, f"2 {time.perf_counter()}")
                await asyncio.sleep(PACE)
            await asyncio.wait_for(phase_done[2].wait(), TIMEOUT)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    burst, paced = latencies[1], latencies[2]
    return Result(
        name, SUBSCRIBERS * MESSAGES / burst_time,
        percentile(burst, 0.5) * 1e3, percentile(burst, 0.99) * 1e3,
        percentile(paced, 0.5) * 1e3, percentile(paced, 0.99) * 1e3,
    )


# -- redis-server ------------------------------------------------------------------------------


@asynccontextmanager
async def redis_server() -> AsyncIterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is missing: apt-get install redis-server")
    port = free_port()
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []
    with tempfile.TemporaryDirectory() as directory:
        process = subprocess.Popen(
            [*pin, binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                with socket.socket() as sock:
                    if sock.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start")
                await asyncio.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(10)


async def main() -> None:
    async with redis_server() as url:
        contenders: list[tuple[str, Callable[[], AbstractAsyncContextManager[Bus]]]] = [
            ("lette_fp memory", lambda: lette_fp_bus(None)),
            ("lette_fp redis", lambda: lette_fp_bus(url)),
            ("broadcaster redis", lambda: broadcaster_bus(url)),
            ("litestar redis pubsub", lambda: litestar_bus(url, streams=False)),
            ("litestar redis streams", lambda: litestar_bus(url, streams=True)),
        ]
        only = os.environ.get("BENCH_ONLY")
        chosen = [(name, make) for name, make in contenders if not only or only in name]
        rounds: dict[str, list[Result]] = {name: [] for name, _ in chosen}
        failures: dict[str, int] = {}
        for round_number in range(ROUNDS):
            shift = round_number % len(chosen)
            for name, make in chosen[shift:] + chosen[:shift]:
                try:
                    result = await measure(name, make())
                except TimeoutError:
                    failures[name] = failures.get(name, 0) + 1
                    print(f"  round {round_number + 1}, {name}: not every message arrived within {TIMEOUT:.0f} s", file=sys.stderr, flush=True)
                    continue
                rounds[name].append(result)
                print(f"  round {round_number + 1}, {name}: {result.delivered_per_s:,.0f} delivered/s", file=sys.stderr, flush=True)
    results = [median_of(name, runs) for name, runs in rounds.items() if runs]
    reference = next((r for r in results if r.name == "lette_fp redis"), results[0])
    print(f"\nfan-out: 1 publisher -> {SUBSCRIBERS} subscribers, {MESSAGES} messages (burst), {PACED} paced at {1 / PACE:.0f}/s;"
          f" median of {ROUNDS} rotated round(s); python {sys.version.split()[0]}, {os.cpu_count()} CPUs (shared machine)\n")
    print("| contender | delivered/s | × lette_fp redis | burst p50 ms | burst p99 ms | paced p50 ms | paced p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(f"| {r.name} | {r.delivered_per_s:,.0f} | {r.delivered_per_s / reference.delivered_per_s:.2f} | "
              f"{r.burst_p50_ms:.1f} | {r.burst_p99_ms:.1f} | {r.paced_p50_ms:.2f} | {r.paced_p99_ms:.2f} |")
    for name, count in failures.items():
        print(f"\n{name}: {count} of {ROUNDS} round(s) did not deliver every message within {TIMEOUT:.0f} s (left out of its medians)")


if __name__ == "__main__":
    asyncio.run(main())
