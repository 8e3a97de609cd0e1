"""Micro-batching under load: the digits model of examples/model_api.py, batched or not.

`uvicorn examples.model_api:app` (uvloop, httptools, one worker, no access log, 127.0.0.1,
`OMP_NUM_THREADS=1`) runs pinned to core 0. Once the model is trained, round after round,
`wrk -t1 -c64 -d<N>s --latency` pinned to core 1 posts one held-out image to

- `/predict` — concurrent requests share one `predict_proba` call (`batched`, up to 32 images,
  5 ms), and
- `/predict/unbatched` — one `predict_proba` call per request (in a worker thread),

alternating which goes first. A figure is the median of its rounds: requests per second and the
50th and 99th percentile latencies wrk reports, and the ratio batched / unbatched.

    .venv/bin/python -m benchmarks.batching               # 3 rounds of 5 s per route
    BENCH_QUICK=1 .venv/bin/python -m benchmarks.batching # 1 round of 2 s

Needs `wrk` (`make bench` installs it) and the `examples` extra (scikit-learn).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.loopback import free_port  # noqa: E402

ROUTES = {"batched": "/predict", "unbatched": "/predict/unbatched"}
CONNECTIONS = 64
LUA = """
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
"""
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 120.0) -> bytes:
    """Wait until the model answers; return a JSON body with one held-out image."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(base + "/samples?count=1", timeout=2) as answer:
                sample = json.loads(answer.read())["samples"][0]
            return json.dumps({"pixels": sample["pixels"]}).encode()
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the model was not ready within {timeout:.0f}s")


def wrk(url: str, seconds: int, script: str, body_file: str) -> tuple[float, float, float]:
    """Run wrk against `url`; return (requests per second, p50 and p99 latency in ms)."""
    cmd = ["taskset", "-c", "1", "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", script, url]
    out = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, BENCH_BODY_FILE=body_file), timeout=seconds + 60)
    if out.returncode != 0:
        raise RuntimeError("wrk failed: " + " ".join((out.stderr or out.stdout).split())[:160])
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out.stdout)
    if bad:
        raise RuntimeError(f"{bad.group(1)} non-2xx responses from {url}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    p50, p99 = (re.search(rf"^\s*{p}%\s+([\d.]+)(us|ms|s)\s*$", out.stdout, re.MULTILINE) for p in (50, 99))
    if not rps or not p50 or not p99:
        raise RuntimeError(f"unexpected wrk output: {out.stdout[-200:]!r}")
    return float(rps.group(1)), float(p50.group(1)) * _UNITS[p50.group(2)], float(p99.group(1)) * _UNITS[p99.group(2)]


def main() -> None:
    quick = os.environ.get("BENCH_QUICK") == "1"
    rounds, seconds = (1, 2) if quick else (3, 5)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    cmd = [
        "taskset", "-c", "0", sys.executable, "-m", "uvicorn", "examples.model_api:app",
        "--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop", "--http", "httptools",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    samples: dict[str, list[tuple[float, float, float]]] = {name: [] for name in ROUTES}
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "post.lua")
        Path(script).write_text(LUA)
        body_file = os.path.join(tmp, "image.json")
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
        try:
            Path(body_file).write_bytes(wait_ready(base, proc))
            for path in ROUTES.values():
                wrk(base + path, 1, script, body_file)  # warm-up
            for r in range(rounds):
                names = list(ROUTES) if r % 2 == 0 else list(reversed(ROUTES))
                for name in names:
                    samples[name].append(wrk(base + ROUTES[name], seconds, script, body_file))
                print(f"  round {r + 1}/{rounds} done", flush=True)
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
    median = {name: tuple(statistics.median(s[i] for s in runs) for i in range(3)) for name, runs in samples.items()}
    print(f"\n{CONNECTIONS} connections, {rounds} round(s) of {seconds} s per route (medians)\n")
    print("| route | req/s | p50 latency | p99 latency |")
    print("| --- | ---: | ---: | ---: |")
    for name, path in ROUTES.items():
        rps, p50, p99 = median[name]
        print(f"| `{path}` ({name}) | {rps:,.0f} | {p50:.1f} ms | {p99:.1f} ms |")
    (b_rps, _, b_p99), (u_rps, _, u_p99) = median["batched"], median["unbatched"]
    print(f"\nbatched / unbatched: {b_rps / u_rps:.1f}× the requests per second, {b_p99 / u_p99:.2f}× the p99 latency")


if __name__ == "__main__":
    main()
