"""Request: an immutable value built from the ASGI scope; every view is computed on demand."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

import msgspec

from lette_fp.http.cookies import parse_cookies
from lette_fp.http.entities import BodySource
from lette_fp.http.errors import HTTPError
from lette_fp.http.headers import Headers, received_headers
from lette_fp.http.url import URL, QueryParams, split_host

if TYPE_CHECKING:
    from lette_fp.forms.data import FormData

T = TypeVar("T")

EMPTY_MAPPING: Mapping[str, Any] = MappingProxyType({})
"""The shared empty read-only mapping used for absent `state`, `attrs` and `path_params`."""


DEBUG_SCOPE_KEY = "lette_fp.debug"
"""Scope key the edge sets (to True) for requests to an App built with `debug=True`."""


class UrlTable(Protocol):
    """The named routes of an App, for `url_for` (the App's router implements it)."""

    def reverse(self, name: str, params: Mapping[str, Any]) -> tuple[str | None, str]:
        """Return the host the named route lives under (None: any) and its path with `params`;
        raise `NoMatchFound` for an unknown name or params that do not fit."""
        ...


class Request(msgspec.Struct, frozen=True):
    """An HTTP (or WebSocket handshake) request. Assigning to a field raises; changes make new values.

    Fields are cheap views of the ASGI scope: `raw_headers` stays the server's byte pairs until a
    view (`headers`, `query`, `cookies`, `url`) decodes it. `body` is `bytes` once read, otherwise
    the unread stream: `await req.read()` returns a request whose body is bytes.
    """

    method: str
    path: str
    root_path: str = ""
    query_string: bytes = b""
    raw_headers: Iterable[tuple[bytes, bytes]] = ()
    client: tuple[str, int] | None = None
    server: tuple[str, int | None] | None = None
    scheme: str = "http"
    http_version: str = "1.1"
    path_params: Mapping[str, Any] = EMPTY_MAPPING
    state: Mapping[str, Any] = EMPTY_MAPPING
    attrs: Mapping[str, Any] = EMPTY_MAPPING
    body: bytes | BodySource = b""
    urls: UrlTable | None = None
    _scope: dict[str, Any] | None = None

    @classmethod
    def build(
        cls,
        method: str = "GET",
        path: str = "/",
        headers: Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]] | None = None,
        query: str | bytes = "",
        body: bytes = b"",
        **fields: Any,
    ) -> Request:
        """Return a request made from plain values, for tests and scripts: no server involved."""
        qs = query.encode("latin-1") if isinstance(query, str) else query
        pairs = received_headers(headers)
        return cls(method=method.upper(), path=path, query_string=qs, raw_headers=pairs, body=body, **fields)

    @property
    def scope(self) -> Mapping[str, Any]:
        """A read-only view of the ASGI scope the request came from (empty for a built request):
        what the server and outer ASGI middleware put there (`scope["session"]`, ...), and the
        matched route's `route` template and `path_params` once routed."""
        scope = self._scope
        return EMPTY_MAPPING if scope is None else MappingProxyType(scope)

    @property
    def debug(self) -> bool:
        """Whether the App that received this request runs with `debug=True`."""
        scope = self._scope
        return scope is not None and scope.get(DEBUG_SCOPE_KEY) is True

    @property
    def headers(self) -> Headers:
        """A case-insensitive, multi-valued view of the request headers."""
        raw = self.raw_headers
        return Headers(raw if isinstance(raw, tuple) else tuple(raw))

    @property
    def query(self) -> QueryParams:
        """The query string as a multi-valued mapping (HTTPError 400 past the field limit)."""
        return QueryParams.parse(self.query_string)

    @property
    def cookies(self) -> dict[str, str]:
        """The cookies the client sent, as a new dict (HTTPError 400 past the cookie limit)."""
        return parse_cookies("; ".join(self.headers.getall("cookie")))

    @property
    def url(self) -> URL:
        """The full URL. The host comes from a valid Host header, else from the server address;
        the path is always the request path, never re-parsed."""
        host = split_host(self.headers.get("host"))
        if host is None:
            server = self.server
            host = (server[0], server[1]) if server else ("localhost", None)
        return URL(
            scheme=self.scheme,
            hostname=host[0],
            port=host[1],
            path=self.path,
            query=self.query_string.decode("latin-1"),
        )

    @property
    def base_url(self) -> URL:
        """The URL of the application root: scheme, host and `root_path` (with a trailing slash)."""
        url = self.url
        return url.replace(path=self.root_path.rstrip("/") + "/", query="")

    def url_for(self, name: str, /, **params: Any) -> URL:
        """Return the absolute URL of the named route with `params` (raises NoMatchFound); a
        route under `host(...)` gets that host (and the pattern's port, if any)."""
        if self.urls is None:
            raise RuntimeError("url_for needs a request that came through an App")
        host, path = self.urls.reverse(name, params)
        app_root = self.attrs.get("app_root_path", self.root_path)
        url = self.url.replace(path=app_root.rstrip("/") + path, query="")
        if host is None:
            return url
        hostname, port = split_host(host) or (host, None)
        return url.replace(hostname=hostname, port=port)

    def with_attrs(self, **values: Any) -> Request:
        """Return a copy whose `attrs` also hold `values` (request-scoped data from middleware)."""
        return msgspec.structs.replace(self, attrs=MappingProxyType({**self.attrs, **values}))

    def replace(self, **fields: Any) -> Request:
        """Return a copy with the given fields changed."""
        return msgspec.structs.replace(self, **fields)

    async def read(self) -> Request:
        """Read the body (once; bounded by the body limit) and return a request whose body is bytes."""
        body = self.body
        if isinstance(body, bytes):
            return self
        return msgspec.structs.replace(self, body=await body.read())

    def stream(self) -> AsyncIterator[bytes]:
        """Yield the body as it arrives, without buffering it (or the bytes, if already read)."""
        body = self.body
        if isinstance(body, bytes):
            return _once(body)
        return body.stream()

    def bytes(self) -> bytes:
        """Return the body of a read request; raise RuntimeError before `await req.read()`."""
        body = self.body
        if not isinstance(body, bytes):
            raise RuntimeError("the body has not been read: use `req = await req.read()` first")
        return body

    def text(self) -> str:
        """Return the body of a read request decoded with its charset (UTF-8 by default)."""
        charset = "utf-8"
        content_type = self.headers.get("content-type", "")
        for param in content_type.split(";")[1:]:
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.bytes().decode(charset)
        except (LookupError, UnicodeDecodeError) as exc:
            raise HTTPError(400, f"Body is not valid {charset}") from exc

    @overload
    def json(self) -> Any: ...
    @overload
    def json(self, type: type[T]) -> T: ...

    def json(self, type: Any = Any) -> Any:
        """Decode the JSON body of a read request, into `type` when given (msgspec).

        Malformed JSON raises HTTPError(400) with the decoder's message (JSON nested too deeply
        too); JSON of the wrong shape raises HTTPError(422) whose detail names the field.
        """
        from lette_fp.http.body_errors import decode_json

        return decode_json(self.bytes(), type)

    async def form(
        self, *, max_files: int = 1000, max_fields: int = 1000, max_part_size: int = 1024 * 1024
    ) -> FormData:
        """Parse a urlencoded or multipart body and return it as a `FormData` (python-multipart).

        The request itself is unchanged: an unread body is streamed into the parser once and the
        result is remembered by the body, so `form()` on this request or any copy of it returns the
        same FormData (`read()`/`stream()` can't follow it); files over 1 MiB go to temporary files
        that are closed when the response is done. On a read request the bytes are parsed in memory.
        HTTPError 415 for another Content-Type; 400 for a malformed form or more than `max_files`
        files, `max_fields` fields, or a field over `max_part_size` bytes; 413 past the body limit.
        """
        from lette_fp.forms.limits import FormLimits
        from lette_fp.forms.parse import read_form

        return await read_form(self, FormLimits(max_files, max_fields, max_part_size))

    @property
    def session(self) -> Any:
        """The session mapping set by the `sessions` middleware."""
        return _required(self.attrs, "session", "sessions")

    @property
    def user(self) -> Any:
        """The user set by the `authentication` middleware."""
        return _required(self.attrs, "user", "authentication")

    @property
    def auth(self) -> Any:
        """The credentials set by the `authentication` middleware."""
        return _required(self.attrs, "auth", "authentication")


def _required(attrs: Mapping[str, Any], key: str, middleware: str) -> Any:
    try:
        return attrs[key]
    except KeyError:
        raise AttributeError(f"req.{key} needs the `{middleware}` middleware") from None


async def _once(data: bytes) -> AsyncIterator[bytes]:
    if data:
        yield data
