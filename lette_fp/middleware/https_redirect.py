"""HTTPS redirect: send plain-http (and plain-ws) requests to the same URL over TLS."""

from __future__ import annotations

from lette_fp.http.request import Request
from lette_fp.http.response import Response, redirect
from lette_fp.pipeline import Middleware, on_request

_SECURE = {"http": "https", "ws": "wss"}


def to_https(req: Request) -> Request | Response:
    """Return `req` when it came over TLS; else a 307 redirect to its https (ws: wss) URL with the
    same host, path and query (an explicit port 80 or 443 is dropped, any other kept)."""
    secure = _SECURE.get(req.scheme)
    if secure is None:
        return req
    url = req.url
    port = None if url.port in (80, 443) else url.port
    return redirect(str(url.replace(scheme=secure, port=port)), 307)


def https_redirect() -> Middleware:
    """Return middleware that redirects every request not made over https or wss (see `to_https`)."""
    return on_request(to_https)
