"""Loopback measurement: uvicorn on core 0, wrk on core 1, over 127.0.0.1.

Every framework gets a ``uvicorn --factory benchmarks.apps.<name>:make_app`` (uvloop,
httptools, one worker, no access log, 127.0.0.1) pinned with ``taskset -c 0``. Once its
port accepts, each scenario is probed for a 200 and warmed up. Then, round after round,
``wrk -t1 -c64 -d<N>s`` pinned with ``taskset -c 1`` runs each scenario against each
framework in turn. A cell is the median of its rounds. All servers are terminated at
the end.
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
    """``skip[name][key]`` holds reasons from the correctness check; those cells are not run.

    All servers are started first (idle ones cost nothing on core 0), each is probed and
    warmed up once per scenario, then every round runs each scenario against every
    framework in turn (the first framework rotates per round), so drift on the machine
    hits all frameworks alike; the servers are terminated at the end."""
    scenarios = [sc for sc in SCENARIOS if sc.key in keys]
    cells = {(n, sc.key): Cell() for n in names for sc in scenarios}
    for name in names:
        for key, reason in skip.get(name, {}).items():
            if (name, key) in cells:
                cells[(name, key)].error = reason
    servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        body_file = os.path.join(tmp, "item.json")
        Path(body_file).write_bytes(ITEM_BYTES)
        try:
            for name in names:
                todo = [sc for sc in scenarios if not cells[(name, sc.key)].error]
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
                            wrk(port, sc, warmup, body_file)
                    servers[name] = (proc, port)
                except Exception as exc:  # noqa: BLE001
                    stop(proc)
                    lines = (
                        log.read_text(errors="replace").strip().splitlines() if log.exists() else []
                    )
                    reason = f"{exc}" + (f" ({lines[-1][:160]})" if lines else "")
                    for sc in todo:
                        cells[(name, sc.key)].error = reason[:240]
            if progress:
                print(f"  loopback: {len(servers)} server(s) up and warm", flush=True)
            live = [n for n in names if n in servers]
            for r in range(rounds):
                for sc in scenarios:
                    k = r % len(live) if live else 0
                    for name in live[k:] + live[:k]:
                        cell = cells[(name, sc.key)]
                        if cell.error:
                            continue
                        try:
                            rps, notes = wrk(servers[name][1], sc, seconds, body_file)
                            cell.samples.append(rps)
                            cell.notes += notes
                        except Exception as exc:  # noqa: BLE001
                            cell.error = str(exc)[:160]
                if progress:
                    print(f"  loopback: round {r + 1}/{rounds} done", flush=True)
        finally:
            for proc, _ in servers.values():
                stop(proc)
    return cells
