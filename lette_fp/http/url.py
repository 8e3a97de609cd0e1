"""URLs and query strings: the `req.url` and `req.query` views."""

from __future__ import annotations

import re
from binascii import a2b_qp
from typing import TypeVar
from urllib.parse import quote, urlencode

import msgspec

from lette_fp.http.errors import HTTPError
from lette_fp.http.multidict import MultiMapping

_T = TypeVar("_T")

MAX_QUERY_FIELDS = 2000
"""The most `name=value` pairs a query string may hold; more is a 400."""

MAX_BARE_PERCENTS = 1000
"""The most `%` signs not starting an escape (`100%`, `%zz`) one query or form name or value
may hold; more is a 400. Each costs a step in Python; escapes themselves are decoded in C."""

_CLASSES = bytes(
    ord("%") if b == ord("%") else ord("h") if chr(b) in "0123456789abcdefABCDEF" else ord(".")
    for b in range(256)
)
_PERCENT_TO_EQUALS = bytes.maketrans(b"%", b"=")
_AMPERSANDS = re.compile(rb"&{2,}")

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
        raw = squeeze_separators(raw)
        if raw.count(b"&") > max_fields:
            chunks = raw.strip(b"&").split(b"&", max_fields)
            if len(chunks) > max_fields:
                raise HTTPError(400, f"Too many query parameters (limit {max_fields})")
        chunks = raw.split(b"&")
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
    """Return a query-string or urlencoded-form key or value decoded: `+` is a space, escapes are
    bytes, text is UTF-8 (invalid sequences replaced, so no input fails to decode); HTTPError 400
    past MAX_BARE_PERCENTS lone `%` signs."""
    return _decode(part)


def squeeze_separators(chunk: bytes) -> bytes:
    """Return `chunk` with each run of `&` made one `&`: the empty fields between them are
    skipped anyway, and a parser would otherwise walk (and python-multipart log) them one by one."""
    if b"&&" in chunk:
        return _AMPERSANDS.sub(b"&", chunk)
    return chunk


def percent_decode(raw: bytes) -> bytes:
    """Return `raw` with its `%XX` escapes decoded, as `urllib.parse.unquote_to_bytes` does (a `%`
    not followed by two hex digits stays), in a few C passes: linear with a small constant.
    More than MAX_BARE_PERCENTS such lone `%` signs raise HTTPError(400)."""
    if b"%" not in raw:
        return raw
    classes = raw.translate(_CLASSES)
    percents = classes.count(b"%")
    if classes.count(b"%hh") != percents:
        raw = _escape_bare_percents(raw, classes.replace(b"%hh", b".hh"), percents - classes.count(b"%hh"))
    if b"=" in raw:
        raw = raw.replace(b"=", b"%3D")
    return a2b_qp(raw.translate(_PERCENT_TO_EQUALS))


def _escape_bare_percents(raw: bytes, bare: bytes, count: int) -> bytes:
    """Return `raw` with each `%` at a position where `bare` has one written `%25`."""
    if count > MAX_BARE_PERCENTS:
        raise HTTPError(400, f"Too many '%' signs that start no escape (limit {MAX_BARE_PERCENTS})")
    pieces = []
    start = 0
    at = bare.find(b"%")
    while at != -1:
        pieces.append(raw[start:at])
        pieces.append(b"%25")
        start = at + 1
        at = bare.find(b"%", start)
    pieces.append(raw[start:])
    return b"".join(pieces)


def _decode(part: bytes) -> str:
    if b"%" in part or b"+" in part:
        part = percent_decode(part.replace(b"+", b" "))
    return part.decode("utf-8", "replace")
