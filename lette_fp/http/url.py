"""URLs and query strings: the `req.url` and `req.query` views."""

from __future__ import annotations

import re
from typing import TypeVar
from urllib.parse import quote, unquote_to_bytes, urlencode

import msgspec

from lette_fp.http.errors import HTTPError
from lette_fp.http.multidict import MultiMapping

_T = TypeVar("_T")

MAX_QUERY_FIELDS = 2000
"""The most `name=value` pairs a query string may hold; more is a 400."""

_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::([0-9]{1,5}))?$")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def split_host(value: str | None) -> tuple[str, int | None] | None:
    """Return `(hostname, port)` of a Host header value, or None when it is malformed.

    Malformed means anything but a reg-name, IPv4 or bracketed IPv6 with an optional port of at
    most five digits: such a value can't steer `url.hostname` or `url.path`.
    """
    if not value or len(value) > 255:
        return None
    match = _HOST.match(value)
    if match is None:
        return None
    port = match.group(2)
    return match.group(1).lower(), (int(port) if port else None)


class URL(msgspec.Struct, frozen=True):
    """A request's URL as separate parts; `str(url)` is the full URL.

    `path` is the request path as the server decoded it; `query` the raw query string.
    """

    scheme: str
    hostname: str
    port: int | None
    path: str
    query: str = ""

    @property
    def netloc(self) -> str:
        """Return `host[:port]`, omitting the scheme's default port."""
        if self.port is None or _DEFAULT_PORTS.get(self.scheme) == self.port:
            return self.hostname
        return f"{self.hostname}:{self.port}"

    def replace(self, **changes: object) -> URL:
        """Return a copy with the given parts changed."""
        return msgspec.structs.replace(self, **changes)

    def __str__(self) -> str:
        path = quote(self.path, safe="/:@!$&'()*+,;=-._~%")
        return f"{self.scheme}://{self.netloc}{path}" + (f"?{self.query}" if self.query else "")


class QueryParams(MultiMapping[str]):
    """A read-only multi-valued view of a query string (or a urlencoded body).

    `params["k"]` and `get` return the first value; `getall` every value in order; `+` and
    percent-escapes are decoded as UTF-8 with replacement, so no input fails to decode. Two views
    are equal when they hold the same pairs, in any order.
    """

    __slots__ = ()

    @classmethod
    def parse(cls, query: bytes | str, max_fields: int = MAX_QUERY_FIELDS) -> QueryParams:
        """Parse a query string; more than `max_fields` pairs raise HTTPError(400)."""
        raw = query.encode("latin-1") if isinstance(query, str) else query
        if not raw:
            return cls()
        chunks = raw.split(b"&")
        if len(chunks) > max_fields and sum(1 for c in chunks if c) > max_fields:
            raise HTTPError(400, f"Too many query parameters (limit {max_fields})")
        items = []
        for chunk in chunks:
            if chunk:
                key, _, value = chunk.partition(b"=")
                items.append((_decode(key), _decode(value)))
        return cls(items)

    def __str__(self) -> str:
        return urlencode(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, QueryParams):
            return sorted(self._items) == sorted(other._items)
        return super().__eq__(other)

    __hash__ = None


def decode_part(part: bytes) -> str:
    """Return a query-string key or value decoded: `+` and percent-escapes, UTF-8 with replacement."""
    return _decode(part)


def _decode(part: bytes) -> str:
    if b"%" in part or b"+" in part:
        part = unquote_to_bytes(part.replace(b"+", b" "))
    return part.decode("utf-8", "replace")
