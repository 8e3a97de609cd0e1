"""Real servers for end-to-end tests: uvicorn, hypercorn or granian serving an app on 127.0.0.1,
a free port.

uvicorn and hypercorn run in a thread of the test process, with their own event loop, serving an
app object. granian (and uvicorn with several workers) runs as a real subprocess serving an import
string such as "tests.served:app". Every server is shut down when the test ends.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


ROOT = Path(__file__).resolve().parent.parent
"""The repository root: the working directory of server subprocesses, so `tests.*` imports."""


def wait_listening(port: int, server: threading.Thread | subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Return once something listens on 127.0.0.1:`port`; RuntimeError when `server` (its thread
    or process) ends first, or after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        exited = not server.is_alive() if isinstance(server, threading.Thread) else server.poll() is not None
        if exited:
            code = "" if isinstance(server, threading.Thread) else f" with {server.returncode}"
            raise RuntimeError(f"server exited{code} before listening")
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"server did not listen on {port} within {timeout}s")


@contextmanager
def run_uvicorn(app: Any, **options: Any) -> Iterator[str]:
    """Serve `app` with uvicorn on 127.0.0.1; yield its base URL; stop it on exit."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", **options)
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_listening(port, thread)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def run_hypercorn(app: Any, **options: Any) -> Iterator[str]:
    """Serve `app` with hypercorn (asyncio) on 127.0.0.1; yield its base URL; stop it on exit."""
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    port = free_port()
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.loglevel = "WARNING"
    for key, value in options.items():
        setattr(config, key, value)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def runner() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(serve(app, config, shutdown_trigger=stop.wait))  # type: ignore[arg-type]

    thread = threading.Thread(target=runner, daemon=True)
    thread.start()
    try:
        wait_listening(port, thread)
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(10)
        loop.close()


@contextmanager
def run_process(
    argv: Sequence[str], port: int, env: Mapping[str, str] | None = None, log: Path | None = None, timeout: float = 20
) -> Iterator[str]:
    """Run the server command `argv` (listening on 127.0.0.1:`port`) as a subprocess in the
    repository root, with `env` added to the environment; yield its base URL. On exit it gets
    SIGINT (a graceful shutdown: lifespan shutdown runs), and SIGKILL if still alive 10 s later.
    Its output goes to `log` when given, and is shown when it fails to start."""
    with open(log, "w+b") if log is not None else tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            list(argv), cwd=ROOT, env={**os.environ, **(env or {})}, stdout=output, stderr=subprocess.STDOUT,
        )
        try:
            try:
                wait_listening(port, process, timeout)
            except RuntimeError as exc:
                output.seek(0)
                raise RuntimeError(f"{exc}: {' '.join(argv)}\n{output.read().decode(errors='replace')}") from None
            yield f"http://127.0.0.1:{port}"
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


@contextmanager
def run_granian(target: str, env: Mapping[str, str] | None = None, *options: str) -> Iterator[str]:
    """Serve the import string `target` ("module:attr") with granian's ASGI interface in a
    subprocess on 127.0.0.1; yield its base URL; stop it on exit."""
    port = free_port()
    argv = [
        sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1", "--log-level", "warning", *options, target,
    ]
    with run_process(argv, port, env) as base:
        yield base


@contextmanager
def run_daphne(target: str, env: Mapping[str, str] | None = None, log: Path | None = None) -> Iterator[str]:
    """Serve the import string `target` with daphne (which runs no lifespan) in a subprocess on
    127.0.0.1; yield its base URL; stop it on exit. Its output (tracebacks) goes to `log`."""
    port = free_port()
    argv = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), target]
    with run_process(argv, port, env, log) as base:
        yield base


ServerFactory = Callable[[Any], Any]


@pytest.fixture(params=["uvicorn", "hypercorn"])
def serve(request: pytest.FixtureRequest) -> ServerFactory:
    """A context-manager factory: `with serve(app) as base_url:` on uvicorn and on hypercorn."""
    return run_uvicorn if request.param == "uvicorn" else run_hypercorn


@contextmanager
def uvicorn_process(target: str, *args: str, env: Mapping[str, str] | None = None, timeout: float = 30.0) -> Iterator[str]:
    """Run `python -m uvicorn target *args` as a subprocess on 127.0.0.1 and a free port (for
    `--workers N`, which needs a process of its own), as `run_process` runs it; yield its base URL."""
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", *args]
    with run_process(argv, port, {"PYTHONPATH": str(ROOT), **(env or {})}, timeout=timeout) as base:
        yield base


def stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """Stop a server process: SIGTERM, then SIGKILL if it is still there after `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
