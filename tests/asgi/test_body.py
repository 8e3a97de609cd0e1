"""The unread request body: shared reads, streaming, size limits (app and route), disconnects.

Driven directly with chosen ASGI messages, through the TestClient, and through real servers.
"""

import contextlib
import logging
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from lette_fp import App, Handler, Request, Response, json, on_request, post, text
from lette_fp.testing import TestClient
from tests.drive import drive
from tests.servers import ServerFactory, free_port

WORKTREE = Path(__file__).resolve().parents[2]


async def echo(req: Request) -> Response:
    req = await req.read()
    return text(req.text())


async def chunks(req: Request) -> Response:
    return json([c.decode() async for c in req.stream()])


async def read_twice(req: Request) -> Response:
    first = await req.read()
    second = await req.read()
    return json([first.text(), second.text()])


async def peek(req: Request) -> Request:
    read = await req.read()
    return req.with_attrs(peeked=read.text())


async def peeked_then_read(req: Request) -> Response:
    req = await req.read()
    return json([req.attrs["peeked"], req.text()])


def limit_probe(next_handler: Handler) -> Handler:
    async def probe(req: Request) -> Response:
        req = await req.read()
        return await next_handler(req)

    return probe


app = App(
    routes=[
        post("/echo", echo),
        post("/chunks", chunks),
        post("/twice", read_twice),
        post("/peeked", peeked_then_read, middleware=[on_request(peek)]),
        post("/small", echo, max_body_size=4),
        post("/big", echo, max_body_size=100),
        post("/unlimited", echo, max_body_size=None),
        post("/small-mw", echo, middleware=[limit_probe], max_body_size=4),
    ],
    max_body_size=10,
)


async def test_a_body_split_over_messages_is_read_whole() -> None:
    out = await drive(app, [b"ab", b"", b"cd"], path="/echo")
    assert (out.status, out.body) == (200, b"abcd")


async def test_stream_yields_the_chunks_as_they_arrive() -> None:
    out = await drive(app, [b"ab", b"cd", b"e"], path="/chunks")
    assert out.json() == ["ab", "cd", "e"]


def test_reading_twice_and_in_middleware_then_handler_gives_the_same_bytes() -> None:
    client = TestClient(app)
    assert client.post("/twice", content=b"hello").json() == ["hello", "hello"]
    assert client.post("/peeked", content=b"hello").json() == ["hello", "hello"]


async def test_over_the_limit_is_413_without_reading_the_rest() -> None:
    out = await drive(app, [b"x"] * 100, path="/echo")
    assert out.status == 413
    assert out.json() == {"detail": "Request body over the limit of 10 bytes"}
    assert out.received == 11


async def test_declared_length_over_the_limit_is_refused_before_reading() -> None:
    out = await drive(app, [b"x"] * 100, path="/echo", headers=[(b"content-length", b"100")])
    assert out.status == 413
    assert out.received == 0


async def test_invalid_content_length_is_400() -> None:
    out = await drive(app, [b"x"], path="/echo", headers=[(b"content-length", b"ten")])
    assert out.status == 400


def test_route_option_lowers_raises_or_lifts_the_limit() -> None:
    client = TestClient(app)
    assert client.post("/small", content=b"12345").status_code == 413
    assert client.post("/small", content=b"1234").text == "1234"
    assert client.post("/big", content=b"x" * 100).text == "x" * 100
    assert client.post("/big", content=b"x" * 101).status_code == 413
    assert client.post("/unlimited", content=b"x" * 5000).text == "x" * 5000
    assert client.post("/echo", content=b"x" * 11).status_code == 413


def test_route_limit_applies_to_the_route_middleware_too() -> None:
    client = TestClient(app)
    assert client.post("/small-mw", content=b"12345").status_code == 413
    assert client.post("/small-mw", content=b"1234").text == "1234"


async def test_disconnect_mid_body_sends_nothing_and_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="lette_fp"):
        out = await drive(app, [b"ab"], path="/echo", disconnect=True)
        streamed = await drive(app, [b"ab"], path="/chunks", disconnect=True)
    assert out.status is None and streamed.status is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


big_app = App(routes=[post("/echo", echo), post("/chunks", chunks)], max_body_size=1024 * 1024)


def raw_exchange(base_url: str, data: bytes, timeout: float = 5) -> bytes:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        reply = b""
        with contextlib.suppress(TimeoutError, ConnectionResetError):
            while chunk := sock.recv(65536):
                reply += chunk
                head, sep, body = reply.partition(b"\r\n\r\n")
                if sep and b"content-length: " in head.lower():
                    length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                    if len(body) >= length:
                        break
        return reply


def test_real_server_refuses_a_declared_length_over_the_limit_without_the_body(serve: ServerFactory) -> None:
    with serve(big_app) as base:
        started = time.monotonic()
        reply = raw_exchange(base, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 413")
    assert b"over the limit of 1048576 bytes" in reply
    assert time.monotonic() - started < 5


def test_real_server_stops_a_chunked_body_at_the_limit(serve: ServerFactory) -> None:
    def endless() -> Iterator[bytes]:
        for _ in range(64):
            yield b"x" * 65536

    with serve(big_app) as base, httpx.Client(base_url=base, timeout=10) as client:
        try:
            status = client.post("/echo", content=endless()).status_code
        except httpx.TransportError:
            pytest.fail("the server hung up instead of answering 413")
        assert status == 413


def test_real_server_reads_and_streams_large_bodies(serve: ServerFactory) -> None:
    payload = os.urandom(600_000).hex().encode()[:900_000]
    with serve(big_app) as base, httpx.Client(base_url=base, timeout=10) as client:
        assert client.post("/echo", content=payload).content == payload
        parts = client.post("/chunks", content=payload).json()
        assert "".join(parts).encode() == payload
        assert len(parts) > 1


DISCONNECT_APP = """
from lette_fp import App, FormData, Request, Response, post, text

async def echo(req: Request) -> Response:
    req = await req.read()
    return text(str(len(req.bytes())))

async def upload(req: Request, form: FormData) -> Response:
    return text(str(form["f"].size))

app = App([post("/echo", echo), post("/upload", upload)], max_body_size=64 * 1024 * 1024)
"""

SERVER_COMMANDS = {
    "uvicorn": lambda port: ["-m", "uvicorn", "disconnect_app:app", "--host", "127.0.0.1", "--port", str(port)],
    "hypercorn": lambda port: ["-m", "hypercorn", "disconnect_app:app", "--bind", f"127.0.0.1:{port}"],
}


def _process_tree(pid: int) -> list[int]:
    pids = [pid]
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            pids += _process_tree(int(child))
    return pids


def _open_spool_files(pid: int, spool_dir: Path) -> list[str]:
    """Files under `spool_dir` held open by the server process or its workers."""
    targets = []
    for each in _process_tree(pid):
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{each}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith(str(spool_dir)):
                        targets.append(target)
    return targets


def _wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("server", ["uvicorn", "hypercorn"])
def test_client_gone_mid_body_ends_quietly_and_removes_temporary_files(server: str, tmp_path: Path) -> None:
    (tmp_path / "disconnect_app.py").write_text(textwrap.dedent(DISCONNECT_APP))
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": f"{WORKTREE}{os.pathsep}{tmp_path}", "TMPDIR": str(spool_dir)}
    proc = subprocess.Popen(
        [sys.executable, *SERVER_COMMANDS[server](port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        assert _wait_for(lambda: _can_connect(port), 15), "server did not start"
        boundary = b"b0undary"
        head = (
            b"--" + boundary + b"\r\n"
            b'Content-Disposition: form-data; name="f"; filename="big.bin"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n"
        )
        upload = (
            b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + boundary
            + b"\r\nContent-Length: 8000000\r\n\r\n" + head + b"x" * 3_000_000
        )
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(upload)
            assert _wait_for(lambda: bool(_open_spool_files(proc.pid, spool_dir)), 10), "upload never spooled to disk"
        assert _wait_for(lambda: not _open_spool_files(proc.pid, spool_dir), 10), "temporary file left open"

        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"y" * 500)
            time.sleep(0.3)

        reply = raw_exchange(f"http://127.0.0.1:{port}", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"3")
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=15)
    log = stderr.decode(errors="replace")
    assert "Traceback" not in log
    assert "Exception" not in log and "ERROR" not in log.upper().replace("LETTE_FP.ERROR", "")


def _can_connect(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0
