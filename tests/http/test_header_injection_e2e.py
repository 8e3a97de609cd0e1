"""A handler echoing hostile input into a header gets a clean 500 on real servers: the refused
value never reaches the wire, and the server keeps serving."""

import socket
from urllib.parse import quote

import pytest

from lette_fp import App, Request, Response, get, text
from tests.servers import ServerFactory


def echo(req: Request) -> Response:
    return text("echoed").with_header("x-echo", req.query.get("v", ""))


def echo_cookie(req: Request) -> Response:
    return text("set").with_cookie("echo", "fine").add_header("x-echo", req.query.get("v", ""))


app = App(routes=[get("/echo", echo), get("/cookie", echo_cookie)])


def exchange(base: str, target: str) -> bytes:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


@pytest.mark.parametrize("value", ["ok\r\nx-injected: yes", "ok\nx-injected: yes", "ok\x00", "日本"])
@pytest.mark.parametrize("path", ["/echo", "/cookie"])
def test_an_echoed_control_or_non_latin1_value_is_a_clean_500(serve: ServerFactory, value: str, path: str) -> None:
    with serve(app) as base:
        answer = exchange(base, f"{path}?v={quote(value)}")
        head, _, _ = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 500 ")
        assert b"x-injected" not in answer.lower()
        assert b"x-echo" not in head.lower()
        assert exchange(base, f"{path}?v=fine").startswith(b"HTTP/1.1 200 ")
