"""Sending a File body: stat it, plan the answer from the request's headers, then write it.

The whole file goes through `http.response.pathsend` when the server offers that extension;
otherwise (and for ranges) it is read in chunks in a worker thread. HEAD never reads the file.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import AsyncIterator
from typing import Any, cast

import anyio

from lette_fp.asgi.streaming import pump
from lette_fp.asgi.types import Receive, Scope, Send
from lette_fp.http.entities import File
from lette_fp.http.errors import HTTPError
from lette_fp.http.file_plan import FilePlan, Segment, error_plan, plan_file
from lette_fp.http.headers import Headers
from lette_fp.http.response import Response

PATHSEND = "http.response.pathsend"


def file_error(exc: OSError) -> HTTPError:
    """Return the HTTP error for a file that can't be served: 401 when permission is denied, else 404."""
    if isinstance(exc, PermissionError):
        return HTTPError(401)
    return HTTPError(404)


async def _stat(body: File) -> os.stat_result:
    if body.stat_result is not None:
        return body.stat_result
    result = await anyio.to_thread.run_sync(os.stat, body.path)
    if not stat.S_ISREG(result.st_mode):
        raise IsADirectoryError(body.path)
    return result


async def _read(handle: anyio.AsyncFile[bytes], segments: tuple[Segment, ...], chunk_size: int) -> AsyncIterator[bytes]:
    for segment in segments:
        if isinstance(segment, bytes):
            yield segment
            continue
        start, end = segment
        await handle.seek(start)
        while start < end:
            data = await handle.read(min(chunk_size, end - start))
            if not data:
                raise RuntimeError("the file shrank while it was being sent")
            start += len(data)
            yield data


async def _send_plan(plan: FilePlan, send: Send) -> None:
    await send({"type": "http.response.start", "status": plan.status, "headers": list(plan.headers)})
    body = b"".join(cast(tuple[bytes, ...], plan.segments))
    await send({"type": "http.response.body", "body": body})


async def send_file(resp: Response, scope: Scope, receive: Receive, send: Send) -> None:
    """Send a File body as `plan_file` decides for this request (304, 206, 400, 416 or the file)."""
    body = cast(File, resp.body)
    method = scope["method"]
    try:
        info = await _stat(body)
    except OSError as exc:
        await _send_plan(error_plan(file_error(exc), method == "HEAD"), send)
        return
    request_headers = Headers(cast(Any, scope["headers"]))
    plan = plan_file(
        resp.status, resp.headers, method, request_headers, info.st_size, info.st_mtime_ns,
        secrets.token_hex(16),
    )
    if not any(isinstance(segment, tuple) for segment in plan.segments):
        await _send_plan(plan, send)
        return
    if plan.whole and PATHSEND in scope.get("extensions", ()):
        await send({"type": "http.response.start", "status": plan.status, "headers": list(plan.headers)})
        await send({"type": PATHSEND, "path": os.path.abspath(body.path)})
        return
    try:
        handle = await anyio.open_file(body.path, "rb")
    except OSError as exc:
        await _send_plan(error_plan(file_error(exc), False), send)
        return
    try:
        await send({"type": "http.response.start", "status": plan.status, "headers": list(plan.headers)})
        if not await pump(_read(handle, plan.segments, body.chunk_size), receive, send):
            await send({"type": "http.response.body", "body": b""})
    finally:
        with anyio.CancelScope(shield=True):
            await handle.aclose()
