"""Loopback measurement: uvicorn on core 0, wrk on core 1, over 127.0.0.1.

For each framework: start ``uvicorn --factory benchmarks.apps.<name>:make_app`` (uvloop,
httptools, one worker, no access log) pinned with ``taskset -c 0``, wait until the port
accepts, check each scenario answers 200 once, warm up, then run
``wrk -t1 -c64 -d<N>s`` pinned with ``taskset -c 1`` per scenario; the server is
terminated afterwards. Rounds repeat the whole thing; a cell is the median of rounds.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.apps.common import ITEM_BYTES
from benchmarks.driver import SCENARIOS, Scenario

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "benchmarks" / "post_items.lua"


@dataclass
class Cell:
    samples: list[float] = field(default_factory=list)  # requests per second
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples) if self.samples else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"port {port} did not accept within {timeout:.0f}s")


def probe(port: int, sc: Scenario) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        path = sc.path + ("?" + sc.query.decode() if sc.query else "")
        headers = {k.decode(): v.decode() for k, v in sc.headers}
        conn.request(sc.method, path, body=sc.body or None, headers=headers)
        resp = conn.getresponse()
        resp.read()
        if resp.status != sc.status:
            raise RuntimeError(f"{sc.method} {path} answered {resp.status} over HTTP")
    finally:
        conn.close()


def wrk(port: int, sc: Scenario, seconds: float, body_file: str) -> tuple[float, list[str]]:
    url = f"http://127.0.0.1:{port}{sc.path}"
    cmd = [
        "taskset",
        "-c",
        "1",
        "wrk",
        "-t1",
        "-c64",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
    ]
    if sc.method == "POST":
        cmd += ["-s", str(LUA)]
    env = dict(os.environ, BENCH_BODY_FILE=body_file)
    out = subprocess.run(cmd + [url], capture_output=True, text=True, env=env, timeout=seconds + 60)
    if out.returncode != 0:
        raise RuntimeError("wrk failed: " + " ".join((out.stderr or out.stdout).split())[:120])
    m = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    if not m:
        raise RuntimeError(f"no Requests/sec in wrk output: {out.stdout[-120:]!r}")
    notes = []
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out.stdout)
    if bad:
        raise RuntimeError(f"{bad.group(1)} non-2xx responses")
    errors = re.search(r"Socket errors:.*", out.stdout)
    if errors:
        notes.append(errors.group(0).strip())
    return float(m.group(1)), notes


def serve(name: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    cmd = [
        "taskset", "-c", "0", sys.executable, "-m", "uvicorn",
        "--factory", f"benchmarks.apps.{name}:make_app",
        "--host", "127.0.0.1", "--port", str(port),
        "--loop", "uvloop", "--http", "httptools", "--workers", "1",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    with open(log, "wb") as f:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def measure(
    names: list[str],
    keys: tuple[str, ...],
    seconds: float,
    rounds: int,
    warmup: float,
    skip: dict[str, dict[str, str]],
    progress: bool = True,
) -> dict[tuple[str, str], Cell]:
    """``skip[name][key]`` holds reasons from the correctness check; those cells are not run."""
    scenarios = [sc for sc in SCENARIOS if sc.key in keys]
    cells = {(n, sc.key): Cell() for n in names for sc in scenarios}
    with tempfile.TemporaryDirectory() as tmp:
        body_file = os.path.join(tmp, "item.json")
        Path(body_file).write_bytes(ITEM_BYTES)
        for r in range(rounds):
            k = r % len(names) if names else 0
            for name in names[k:] + names[:k]:
                todo = [
                    sc
                    for sc in scenarios
                    if not cells[(name, sc.key)].error and sc.key not in skip.get(name, {})
                ]
                for sc in scenarios:
                    if sc.key in skip.get(name, {}):
                        cells[(name, sc.key)].error = skip[name][sc.key]
                if not todo:
                    continue
                log = Path(tmp) / f"{name}.log"
                port = free_port()
                proc = serve(name, port, log)
                try:
                    wait_for_port(port, proc)
                    for sc in todo:
                        probe(port, sc)
                    if warmup > 0:
                        wrk(port, todo[0], warmup, body_file)
                    for sc in todo:
                        cell = cells[(name, sc.key)]
                        try:
                            rps, notes = wrk(port, sc, seconds, body_file)
                            cell.samples.append(rps)
                            cell.notes += notes
                        except Exception as exc:  # noqa: BLE001
                            cell.error = str(exc)[:160]
                except Exception as exc:  # noqa: BLE001
                    tail = (
                        log.read_text(errors="replace").strip().splitlines()[-1:]
                        if log.exists()
                        else []
                    )
                    reason = f"{exc}" + (f" ({tail[0][:100]})" if tail else "")
                    for sc in todo:
                        cells[(name, sc.key)].error = reason[:200]
                finally:
                    stop(proc)
                if progress:
                    print(f"  loopback: round {r + 1}/{rounds}, {name} done", flush=True)
    return cells
