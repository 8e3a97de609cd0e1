"""Response: an immutable value (status, headers, body entity, background tasks) and its constructors.

`Content-Length` is never stored: the ASGI adapter writes the exact length of a bytes body when it
sends the response (and none on 1xx/204/304), so it is right whatever changed the body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

import msgspec

from lette_fp.http.cookies import SameSite, set_cookie_value
from lette_fp.http.entities import Entity
from lette_fp.http.headers import Headers, RawHeaders, header_pair, raw_headers

HeadersArg = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]] | None

NO_ATTRS: Mapping[str, Any] = MappingProxyType({})
"""The shared empty read-only mapping every response starts with as its `attrs`."""



class Task(msgspec.Struct, frozen=True):
    """A background task: `fn(*args, **kwargs)`, run after the last body byte was sent."""

    fn: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = msgspec.field(default_factory=dict)


class Response(msgspec.Struct, frozen=True):
    """An HTTP response as data. Equal responses compare equal; every change returns a new value.

    `attrs` carries values from a handler to the middleware around it (never sent), e.g. the new
    session set by `with_session`.
    """

    status: int = 200
    headers: RawHeaders = ()
    body: Entity = b""
    background: tuple[Task, ...] = ()
    attrs: Mapping[str, Any] = NO_ATTRS

    def header(self, name: str, default: str | None = None) -> str | None:
        """Return the first value of header `name` (any case), or `default`."""
        return Headers(self.headers).get(name, default)

    def header_values(self, name: str) -> list[str]:
        """Return every value of header `name`, in order."""
        return Headers(self.headers).getall(name)

    def with_status(self, status: int) -> Response:
        """Return a copy with another status."""
        return msgspec.structs.replace(self, status=status)

    def with_header(self, name: str, value: str) -> Response:
        """Return a copy where header `name` has exactly `value` (earlier values replaced).
        ValueError naming the header for a value with CR, LF, NUL or a non-latin-1 character."""
        pair = header_pair(name, value)
        kept = tuple(old for old in self.headers if old[0] != pair[0])
        return msgspec.structs.replace(self, headers=(*kept, pair))

    def with_headers(self, headers: HeadersArg) -> Response:
        """Return a copy with each of `headers` set as by `with_header`."""
        new = raw_headers(headers)
        names = {k for k, _ in new}
        kept = tuple(pair for pair in self.headers if pair[0] not in names)
        return msgspec.structs.replace(self, headers=kept + new)

    def add_header(self, name: str, value: str) -> Response:
        """Return a copy with one more `name: value` header (existing values kept); ValueError
        as for `with_header`."""
        pair = header_pair(name, value)
        return msgspec.structs.replace(self, headers=(*self.headers, pair))

    def with_body(self, body: Entity) -> Response:
        """Return a copy with another body entity."""
        return msgspec.structs.replace(self, body=body)

    def with_cookie(
        self,
        key: str,
        value: str = "",
        max_age: int | None = None,
        expires: datetime | str | int | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: SameSite | None = "lax",
    ) -> Response:
        """Return a copy that sets cookie `key` (one more `Set-Cookie` header)."""
        cookie = set_cookie_value(
            key, value, max_age=max_age, expires=expires, path=path, domain=domain,
            secure=secure, httponly=httponly, samesite=samesite,
        )
        return self.add_header("set-cookie", cookie)

    def delete_cookie(
        self,
        key: str,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: SameSite | None = "lax",
    ) -> Response:
        """Return a copy that tells the client to drop cookie `key` (expired, empty value)."""
        return self.with_cookie(
            key, "", max_age=0, expires="Thu, 01 Jan 1970 00:00:00 GMT", path=path, domain=domain,
            secure=secure, httponly=httponly, samesite=samesite,
        )

    def with_background(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Response:
        """Return a copy that also runs `fn(*args, **kwargs)` after the body is sent (in order)."""
        task = Task(fn, args, kwargs)
        return msgspec.structs.replace(self, background=(*self.background, task))

    def with_attrs(self, **values: Any) -> Response:
        """Return a copy whose `attrs` also hold `values` (data for the middleware around)."""
        return msgspec.structs.replace(self, attrs=MappingProxyType({**self.attrs, **values}))

    def with_session(self, session: Mapping[str, Any] | None) -> Response:
        """Return a copy that asks the `sessions` middleware to store `session` as the new session
        (a copy is kept); `None` or an empty mapping clears it."""
        return self.with_attrs(session=None if session is None else MappingProxyType(dict(session)))


_encoder = msgspec.json.Encoder()
_CT_TEXT = (b"content-type", b"text/plain; charset=utf-8")
_CT_HTML = (b"content-type", b"text/html; charset=utf-8")
_CT_JSON = (b"content-type", b"application/json")


_TEXT_HEADERS = (_CT_TEXT,)
_JSON_HEADERS = (_CT_JSON,)


def _headers_with(content_type: tuple[bytes, bytes], headers: HeadersArg) -> RawHeaders:
    if headers is None:
        return (content_type,)
    extra = raw_headers(headers)
    if any(name == b"content-type" for name, _ in extra):
        return extra
    return (content_type, *extra)


_CONTENT_TYPES: dict[str, tuple[bytes, bytes]] = {}
_CACHED_CONTENT_TYPES = 256


def _charset(media_type: str) -> tuple[bytes, bytes]:
    pair = _CONTENT_TYPES.get(media_type)
    if pair is None:
        value = media_type
        if value.startswith("text/") and "charset=" not in value.lower():
            value += "; charset=utf-8"
        pair = header_pair(b"content-type", value)
        if len(_CONTENT_TYPES) < _CACHED_CONTENT_TYPES:
            _CONTENT_TYPES[media_type] = pair
    return pair


def text(content: str, status: int = 200, headers: HeadersArg = None, media_type: str = "text/plain") -> Response:
    """Return a `text/plain; charset=utf-8` response (another `media_type` gets the charset once too)."""
    if headers is None and media_type == "text/plain":
        return Response(status, _TEXT_HEADERS, content.encode())
    content_type = _CT_TEXT if media_type == "text/plain" else _charset(media_type)
    return Response(status, _headers_with(content_type, headers), content.encode())


def html(content: str, status: int = 200, headers: HeadersArg = None) -> Response:
    """Return a `text/html; charset=utf-8` response."""
    return Response(status, _headers_with(_CT_HTML, headers), content.encode())


def json(content: Any, status: int = 200, headers: HeadersArg = None) -> Response:
    """Return an `application/json` response encoded by msgspec (Structs, dataclasses, datetime,
    UUID and Decimal included)."""
    pairs = _JSON_HEADERS if headers is None else _headers_with(_CT_JSON, headers)
    return Response(status, pairs, _encoder.encode(content))


def raw(content: bytes, status: int = 200, headers: HeadersArg = None, media_type: str | None = None) -> Response:
    """Return a response with these exact bytes and, when given, that media type."""
    pairs = raw_headers(headers) if media_type is None else _headers_with(_charset(media_type), headers)
    return Response(status, pairs, content)


def redirect(url: str, status: int = 307, headers: HeadersArg = None) -> Response:
    """Return a redirect (307 by default) to `url`, percent-encoding characters a header can't hold."""
    location = quote(url, safe=":/%#?=@[]!$&'()*+,;~")
    return Response(status, (*raw_headers(headers), (b"location", location.encode("latin-1"))), b"")


def empty(status: int = 204, headers: HeadersArg = None) -> Response:
    """Return a response without a body (204 by default)."""
    return Response(status, raw_headers(headers), b"")
