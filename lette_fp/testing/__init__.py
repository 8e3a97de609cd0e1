"""The test client: drive an App in-process over HTTP and WebSockets, no server involved."""

from lette_fp.testing.client import AsyncTestClient, TestClient
from lette_fp.testing.websocket import WebSocketClosed, WebSocketDenied

__all__ = ["AsyncTestClient", "TestClient", "WebSocketClosed", "WebSocketDenied"]
