"""The error pages: a bare 500 in production, a traceback page when the App has `debug=True`."""

from __future__ import annotations

import html as html_lib
import traceback

from lette_fp.http.request import Request
from lette_fp.http.response import Response, html, text

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>500 {title}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em}}pre{{background:#f6f6f6;padding:1em;overflow:auto}}</style>
</head><body><h1>500 Internal Server Error</h1><h2>{title}</h2><p>{method} {path}</p><pre>{trace}</pre></body></html>
"""


def internal_error(req: Request, exc: BaseException) -> Response:
    """Return the production 500: a fixed text that reveals nothing about the failure."""
    return text("Internal Server Error", status=500)


def debug_error(req: Request, exc: BaseException) -> Response:
    """Return a 500 with the traceback: HTML when the client accepts it, plain text otherwise."""
    trace = "".join(traceback.format_exception(exc))
    title = f"{type(exc).__name__}: {exc}"
    if "text/html" in req.headers.get("accept", ""):
        page = PAGE.format(
            title=html_lib.escape(title), method=html_lib.escape(req.method),
            path=html_lib.escape(req.path), trace=html_lib.escape(trace),
        )
        return html(page, status=500)
    return text(trace, status=500)
