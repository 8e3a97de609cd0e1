"""A server-sent events client for end-to-end tests: httpx streaming in a thread of its own."""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

import httpx


class Feed:
    """An SSE client reading `base_url + path` in a thread: `events` gets each (id, JSON data)
    pair; `worker` is the `X-Worker` header of the response."""

    def __init__(self, base_url: str, last_id: str | None = None, path: str = "/events") -> None:
        self.events: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue()
        self.worker: int | None = None
        self._ready = threading.Event()
        self._stop = False
        headers = {"last-event-id": last_id} if last_id else {}
        self._thread = threading.Thread(target=self._read, args=(base_url + path, headers), daemon=True)
        self._thread.start()
        assert self._ready.wait(10) and self.worker is not None, "the feed did not answer"

    def _read(self, url: str, headers: dict[str, str]) -> None:
        try:
            self._stream(url, headers)
        except httpx.HTTPError:
            if not self._stop:
                self.events.put(("", {"error": "the stream broke"}))
        finally:
            self._ready.set()

    def _stream(self, url: str, headers: dict[str, str]) -> None:
        with httpx.Client(timeout=httpx.Timeout(5.0, read=None)) as client, client.stream("GET", url, headers=headers) as response:
            self.worker = int(response.headers["x-worker"])
            self._ready.set()
            event: dict[str, str] = {}
            for line in response.iter_lines():
                if self._stop:
                    return
                if not line:
                    if "data" in event:
                        self.events.put((event.get("id", ""), json.loads(event["data"])))
                    event = {}
                elif not line.startswith(":"):
                    field, _, value = line.partition(": ")
                    event[field] = value

    def take(self, timeout: float = 15.0) -> tuple[str, dict[str, Any]]:
        return self.events.get(timeout=timeout)

    def close(self) -> None:
        self._stop = True
