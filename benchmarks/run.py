"""Run the lette_fp benchmark suite and write docs/performance.md.

    python benchmarks/run.py            # check, in-process, memory, loopback; writes the doc
    python benchmarks/run.py --check    # only the correctness check (a few seconds)
    BENCH_QUICK=1 python benchmarks/run.py   # a 1-2 minute smoke run

``make bench`` runs it in .venv-bench (peers installed, lette_fp editable). Speed is
reported, never asserted: a framework that fails to import, build or answer correctly
shows up as a FAILED row or cell and the rest of the run goes on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import driver, inprocess, loopback, loopback_streams, report  # noqa: E402
from benchmarks.apps import FRAMEWORKS  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
MEMORY_TARGET_MB = 5.0
QUICK = dict(repeats=5, batch=0.02, seconds=1.0, rounds=3, warmup=0.0)
THOROUGH = dict(repeats=21, batch=0.1, seconds=2.0, rounds=8, warmup=1.0)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--check", action="store_true", help="only run the correctness check")
    p.add_argument("--quick", action="store_true", help="smoke run (same as BENCH_QUICK=1)")
    p.add_argument(
        "--frameworks",
        default=",".join(FRAMEWORKS),
        help="comma-separated subset of: " + ", ".join(FRAMEWORKS),
    )
    p.add_argument(
        "--scenarios",
        default="",
        help="comma-separated subset of the in-process scenarios (e.g. S10,S11); all by default",
    )
    p.add_argument("--no-loopback", action="store_true", help="skip uvicorn + wrk")
    p.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    p.add_argument("--no-write", action="store_true", help="print, do not write the doc")
    p.add_argument(
        "--profile",
        metavar="FRAMEWORK:SCENARIO",
        help="cProfile one in-process cell (e.g. lette:S2) and print the top",
    )
    return p.parse_args(argv)


async def profile(name: str, key: str, requests: int = 20_000) -> int:
    import cProfile
    import pstats

    scenario = next((sc for sc in driver.SCENARIOS if sc.key == key), None)
    if scenario is None:
        print(f"unknown scenario {key!r}", file=sys.stderr)
        return 2
    fw = await driver.load(name, (scenario,))
    await driver.check(fw, (scenario,))
    inst = fw.instance_for(scenario)
    if fw.error or scenario.key in fw.failures or inst is None:
        print(f"FAILED: {fw.error or fw.failures.get(scenario.key)}", file=sys.stderr)
        return 1
    await inprocess.run_batch(inst, scenario, max(5, 1000 // scenario.units))  # warm
    prof = cProfile.Profile()
    prof.enable()
    await inprocess.run_batch(inst, scenario, max(20, requests // scenario.units))
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    await driver.shutdown(fw)
    return 0


async def load_and_check(names: list[str], scenarios: tuple[driver.Scenario, ...]) -> list[driver.Framework]:
    frameworks = [await driver.load(name, scenarios) for name in names]
    # BlackSheep sets its logger to INFO when an app is built, then logs every 404.
    logging.getLogger("blacksheep.server").setLevel(logging.WARNING)
    for fw in frameworks:
        await driver.check(fw, scenarios)
    return frameworks


def print_check(frameworks: list[driver.Framework], scenarios: tuple[driver.Scenario, ...]) -> bool:
    ok = True
    for fw in frameworks:
        if fw.error:
            print(f"  {report.display(fw.name):18} FAILED: {fw.error}")
            ok = False
        elif fw.failures:
            ok = False
            print(f"  {report.display(fw.name):18} FAILED {len(fw.failures)} scenario(s):")
            for key, reason in fw.failures.items():
                print(f"      {key}: FAILED: {reason}")
        else:
            print(f"  {report.display(fw.name):18} ok ({len(scenarios) + 1} answers)")
    return ok


def memory(names: list[str]) -> list[dict[str, object]]:
    results = []
    for name in names:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.memory", name],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        try:
            results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        except (IndexError, ValueError):
            err = (proc.stderr.strip().splitlines() or ["no output"])[-1][:160]
            results.append({"framework": name, "error": err})
    return results


def command_line(quick: bool) -> str:
    return ("BENCH_QUICK=1 " if quick else "") + "make bench"


async def in_process(
    frameworks: list[driver.Framework], scenarios: tuple[driver.Scenario, ...], cfg: dict[str, float]
) -> dict:
    return await inprocess.measure(frameworks, scenarios, int(cfg["repeats"]), cfg["batch"])


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    quick = args.quick or os.environ.get("BENCH_QUICK", "") not in ("", "0")
    cfg = QUICK if quick else THOROUGH
    names = [n.strip() for n in args.frameworks.split(",") if n.strip()]
    unknown = [n for n in names if n not in FRAMEWORKS]
    if unknown:
        print(f"unknown framework(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    if args.profile:
        import uvloop

        name, _, key = args.profile.partition(":")
        return uvloop.run(profile(name, key))
    wanted = {k.strip() for k in args.scenarios.split(",") if k.strip()}
    scenarios = tuple(sc for sc in driver.SCENARIOS if not wanted or sc.key in wanted)
    if wanted - {sc.key for sc in scenarios}:
        print(f"unknown scenario(s): {', '.join(sorted(wanted - {sc.key for sc in scenarios}))}", file=sys.stderr)
        return 2
    started = time.perf_counter()

    import uvloop

    loop = uvloop.new_event_loop()
    asyncio.set_event_loop(loop)
    all_cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(all_cpus)})
    frameworks: list[driver.Framework] = []
    try:
        print("correctness check (status, content-type, body of every scenario):", flush=True)
        frameworks = loop.run_until_complete(load_and_check(names, scenarios))
        ok = print_check(frameworks, scenarios)
        if args.check:
            return 0 if ok else 1
        background = report.background_cpu()
        print(f"background CPU use (other processes): {background:.0%} of all cores", flush=True)
        raw = next((fw for fw in frameworks if fw.name == "raw_asgi"), None)
        if raw is not None and (raw.error or raw.failures):
            print("the raw ASGI floor itself is broken: not measuring", file=sys.stderr)
            return 1
        print(
            f"in-process: {cfg['repeats']:.0f} repeats, ~{cfg['batch']}s batches, core "
            f"{min(all_cpus)}",
            flush=True,
        )
        cells = loop.run_until_complete(in_process(frameworks, scenarios, cfg))
    finally:
        for fw in frameworks:
            loop.run_until_complete(driver.shutdown(fw))
        os.sched_setaffinity(0, all_cpus)
        loop.close()

    mem: list[dict[str, object]] = []
    if not args.no_memory and "lette" in names:
        print("memory: lette_fp (and the raw floor for reference), S2 in-process", flush=True)
        mem = memory([n for n in ("raw_asgi", "lette") if n in names])

    lb_cells: dict = {}
    stream_cells: dict = {}
    stream_names: list[str] = []
    stream_keys = [sc.key for sc in scenarios if sc.units > 1]
    lb_errors = {fw.name: fw.error for fw in frameworks if fw.error}
    if not args.no_loopback:
        if len(all_cpus) < 2:
            print("loopback: needs 2 cores (server on 0, wrk on 1): skipped", flush=True)
        else:
            print(
                f"loopback: {cfg['rounds']:.0f} round(s), wrk -t1 -c64 -d{cfg['seconds']:g}s",
                flush=True,
            )
            lb_names = [n for n in names if n not in lb_errors]
            skip = {fw.name: fw.failures for fw in frameworks}
            lb_cells = loopback.measure(
                lb_names,
                driver.LOOPBACK_KEYS,
                cfg["seconds"],
                int(cfg["rounds"]),
                cfg["warmup"],
                skip,
            )
            stream_names = [n for n in ("raw_asgi", "lette", "starlette_app") if n in lb_names]
            if stream_keys and len(stream_names) > 1:
                print(f"loopback streams: {', '.join(stream_names)}", flush=True)
                stream_cells = loopback_streams.measure(stream_names, cfg["seconds"], int(cfg["rounds"]), 4)

    settings = (
        f"{'quick (BENCH_QUICK=1)' if quick else 'thorough'}: in-process {cfg['repeats']:.0f} "
        f"repeats of ~{cfg['batch'] * 1000:.0f} ms batches; loopback {cfg['rounds']:.0f} "
        f"round(s) of wrk -t1 -c64 -d{cfg['seconds']:g}s per scenario"
    )
    http_keys = [sc.key for sc in scenarios if sc.units == 1]
    parts = [
        "## Results",
        "",
        report.environment(command_line(quick), settings, background),
    ]
    if http_keys:
        parts += [
            "",
            "### In-process: µs per request (median), and × the raw ASGI floor",
            "",
            "Lower is better. Scenarios are described below; S8/n is S3 with n decoy routes.",
            "",
            report.inprocess_table(frameworks, cells, http_keys),
        ]
    if stream_keys:
        parts += [
            "",
            "### In-process streams: µs per message (S10) or event (S11), and × the raw ASGI floor",
            "",
            "Lower is better. Each connection is timed whole (handshake or headers included) and",
            "divided by its 1,000 messages or events.",
            "",
            report.inprocess_table(frameworks, cells, stream_keys),
        ]
    notes = [n for fw in frameworks for n in getattr(fw.module, "NOTES", ())]
    if notes:
        parts += [""] + [f"- {n}" for n in notes]
    if mem:
        parts += [
            "",
            "### Memory: resident set size after in-process S2 requests",
            "",
            report.memory_table(mem, MEMORY_TARGET_MB),
        ]
    if lb_cells or lb_errors and not args.no_loopback:
        parts += [
            "",
            "### Loopback: requests per second through uvicorn, and × the raw ASGI floor",
            "",
            "Higher is better. uvicorn (uvloop, httptools, 1 worker) on core 0, wrk on core 1.",
            "",
            report.loopback_table(names, lb_errors, lb_cells, driver.LOOPBACK_KEYS),
        ]
    if stream_cells:
        parts += [
            "",
            "### Loopback streams: SSE events and websocket round trips per second through uvicorn",
            "",
            "Higher is better. uvicorn on core 0, the client (httpx streams, `websockets`) on core 1, 4",
            "connections; also per second of the server's own CPU time (see benchmarks/loopback_streams.py).",
            "",
            loopback_streams.table(stream_names, stream_cells),
        ]
    generated = "\n".join(parts) + "\n"
    print()
    print(generated)
    if not args.no_write:
        report.write_doc(DOC, generated, TEMPLATE)
        print(f"wrote {DOC.relative_to(ROOT)}")
    print(f"total {time.perf_counter() - started:.0f}s")
    return 0


TEMPLATE = """\
# Performance

lette_fp is measured side by side with a hand-written raw ASGI app (the floor) and
with Starlette, FastAPI, Litestar, BlackSheep and Falcon, every run on the same machine
in the same session. Numbers are only comparable within one run. Nothing here is a
test: speed is measured and written down, never asserted.

Rerun everything (creates `.venv-bench` with the peers and lette_fp installed editable,
installs `wrk` with apt-get if missing, writes this file):

    make bench                  # thorough, about 15 minutes on 2 cores
    BENCH_QUICK=1 make bench    # a 1-2 minute smoke run
    .venv-bench/bin/python benchmarks/run.py --check   # only the correctness check

`benchmarks/run.py --help` lists the other switches (a subset of frameworks, no
loopback, no write).

@@GENERATED@@

## Scenarios

Every framework implements each scenario the fastest way its own docs recommend; the
code is in `benchmarks/apps/<framework>.py`. A correctness check runs first: every app
must give the same status, content type (media type) and body (JSON compared parsed)
for every scenario, and a 404 for an unknown path. A framework or scenario that fails
is shown as FAILED with the reason and is not measured.

| | request | answer |
|---|---|---|
| S1 | `GET /plaintext` | `Hello, World!`, text/plain |
| S2 | `GET /json` | `{"message": "Hello, World!"}` |
| S3 | `GET /users/4242`, route `/users/{id:int}` declared after 50 decoy routes | `{"id": 4242}` |
| S4 | `GET /echo?q=abc` with `x-token: t` | `{"q": "abc", "token": "t"}` |
| S5 | `POST /items`, a ~1 KB JSON document | decoded into a typed value (msgspec Struct, pydantic model or dataclass), encoded back |
| S6 | `GET /mw/json` | S2 behind three pass-through middleware |
| S7 | `GET /stream` | 100 × 1 KB chunks from an async generator |
| S8/n | S3 with n = 10, 100, 1,000 decoys | a separate app instance per n |
| S10 | websocket `/ws/echo`: 1,000 texts of 64 bytes, each sent once the echo of the one before arrived, then a disconnect | every text echoed, in order |
| S11 | `GET /sse` | 1,000 events `data: <i>` from an async generator, each framework's SSE with its default settings (lette_fp's idle ping included) |

The decoys are `/d<i>/items` (static) and `/d<i>/items/{id:int}` (parameterised),
alternating, declared before `/users/{id:int}` and after the other scenario routes, so
S1, S2, S4-S7 do not pay for them in routers that try routes in order.

S10 and S11, per framework: raw ASGI loops over `receive`/`send` itself and formats
`b"data: %d\\n\\n"`; lette_fp `accept(pipe)` with `async for m in incoming: yield m` and
`sse(gen)` of `str(i)` (ping every 15 s while idle); Starlette `WebSocketRoute` with
`iter_text`/`send_text`, and (it has no SSE helper) a `StreamingResponse` of preformatted
events; FastAPI `@app.websocket` with `receive_text`/`send_text`, and its `EventSourceResponse`
path operation yielding ints (keep-alive ping every 15 s); Litestar `@websocket` with
`iter_data`/`send_text` and `ServerSentEvent(gen)`; BlackSheep `router.add_ws` with
`receive_text`/`send_text` and `ServerSentEventsResponse` of `TextServerSentEvent`; Falcon
`on_websocket` and `resp.sse` of `SSEvent(text=...)`.

Typed values and middleware, per framework:

- raw ASGI: msgspec Struct; three ASGI wrapper functions around the /mw/json handler.
- lette_fp: msgspec Struct (the typed handler form where the App accepts it, else
  `await req.read()` + `req.json(Item)`); three `Handler -> Handler` middleware attached
  to the /mw/json route only.
- Starlette: dataclass built from `await request.json()`, answered with `vars(item)`
  (the flat dataclass's own dict; `dataclasses.asdict` would deep-copy); three pure
  ASGI middleware on the /mw/json `Route` (Starlette recommends pure ASGI over
  `BaseHTTPMiddleware`).
- FastAPI: pydantic models and return annotations (FastAPI serialises through pydantic);
  middleware is app-wide in FastAPI, so S6 runs on a separate app with three pure ASGI
  middleware added by `app.add_middleware`.
- Litestar: msgspec Struct; three `ASGIMiddleware` on the /mw/json handler.
- BlackSheep: `FromJSON[dataclass]`, answered with `json(item)` (BlackSheep's encoder
  turns dataclasses into dicts with `dataclasses.asdict`); S6 on a separate app with
  three app-wide `async def (request, handler)` middleware.
- Falcon: dataclass from `await req.get_media()`, answered with `vars(item)`. Falcon
  middleware is a component with `process_request`/`process_response` rather than a
  wrapper, so S6 runs on a separate app with three pass-through components.

## How it is measured

- **In-process.** Each app's ASGI callable is driven directly by a minimal server
  stand-in (`benchmarks/driver.py`) on uvloop, in one process pinned to one core: a
  fresh scope per request with the headers a real client sends (host, user-agent,
  accept, accept-encoding, connection; content-type and content-length for the POST),
  a `receive` that yields the body once and then blocks until the response is complete
  (as uvicorn's does), and a `send` that keeps the status. Apps get their lifespan
  startup first. Each cell is calibrated to a fixed batch duration; then, repeat after
  repeat, the frameworks run round-robin per scenario (the first one rotates), so drift
  hits all equally. The figure is the median over repeats of the time per request; the
  ratio is to the raw ASGI app in the same scenario. The heap is frozen (`gc.freeze`)
  before timing so no framework pays to scan another's objects. The driver's own cost
  is inside every figure, the floor's included. S10 is driven by `WsCycle`, an echo client
  standing in for uvicorn's websocket protocol (it answers `websocket.accept` with the first
  text and each echo with the next one, then `websocket.disconnect`; `receive` blocks on a
  future when nothing is pending); S10 and S11 are timed per connection and given per
  message or event.
- **Memory.** A fresh process serves S2 in-process; resident memory (VmRSS, after
  `gc.collect()`) is read after 10,000 and after 200,000 requests. The target for
  lette_fp is a growth within 5 MB.
- **Loopback.** uvicorn (`--loop uvloop --http httptools`, one worker, `--no-access-log`,
  `--log-level warning`, bound to 127.0.0.1) pinned to core 0 with `taskset`, `wrk -t1
  -c64` pinned to core 1 (`benchmarks/post_items.lua` for S5). All servers are started
  first (an idle server costs nothing); each is probed once per scenario and warmed up
  (1 s per scenario, none in the quick run). Then, round after round, each scenario
  runs against each framework in turn, the first framework rotating, and a cell is the
  median of its rounds. With 2 cores the client and the server each own one, so the
  figures are bound by the single server core.

## What the time goes to

This section is for the framework engineers to extend with findings from profiling the
in-process scenarios, for example
`.venv-bench/bin/python benchmarks/run.py --profile lette:S2` (cProfile over 20,000
requests, top functions by own time). Write down only what a profile or a measured
change showed, with the run it came from.

- The ratio to the raw floor is the framework's own cost per request: everything the
  raw app does (one dict lookup, one msgspec encode, two `send` calls) is in the floor.
- Nothing has been profiled yet.
""".replace("@@GENERATED@@", f"{report.BEGIN}\n{report.END}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
