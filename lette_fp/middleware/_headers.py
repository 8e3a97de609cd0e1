"""Small helpers the middleware share: reading one raw header and merging `Vary`."""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from lette_fp.http.response import Response


def first_header(raw: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """Return the first value of header `name` (lower-case bytes) among raw pairs, or None."""
    for key, value in raw:
        if key == name:
            return value
    return None


def add_vary(resp: Response, token: str) -> Response:
    """Return `resp` whose `Vary` header also names `token`: merged into the first `Vary` header,
    and unchanged when some `Vary` header already names it or is `*`."""
    headers = resp.headers
    first = -1
    wanted = token.lower()
    for index, (key, value) in enumerate(headers):
        if key == b"vary":
            names = {part.strip().lower() for part in value.decode("latin-1").split(",")}
            if wanted in names or "*" in names:
                return resp
            if first < 0:
                first = index
    encoded = token.encode("latin-1")
    if first < 0:
        return msgspec.structs.replace(resp, headers=(*headers, (b"vary", encoded)))
    merged = (b"vary", headers[first][1] + b", " + encoded)
    return msgspec.structs.replace(resp, headers=(*headers[:first], merged, *headers[first + 1:]))
