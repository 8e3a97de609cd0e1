"""CORS: answer preflight requests and add `Access-Control-*` headers to cross-origin responses.

`cors(...)` turns its configuration into a `CorsPolicy` once; per request the work is a header
lookup and, for cross-origin requests, adding a few precomputed header pairs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import msgspec

from lette_fp.http.headers import RawHeaders
from lette_fp.http.request import Request
from lette_fp.http.response import Response
from lette_fp.middleware._headers import add_vary, first_header
from lette_fp.pipeline import Handler, Middleware

SAFELISTED_HEADERS = frozenset({"accept", "accept-language", "content-language", "content-type"})
"""Request headers a preflight may always name (the Fetch standard's CORS-safelisted names)."""

MAX_REQUESTED_HEADERS = 100
"""A preflight naming more headers than this is refused ("Disallowed CORS headers")."""

_TEXT = (b"content-type", b"text/plain; charset=utf-8")
_SIMPLE_NAMES = frozenset({
    b"access-control-allow-origin", b"access-control-allow-credentials", b"access-control-expose-headers",
})


class CorsPolicy(msgspec.Struct, frozen=True):
    """A CORS configuration, normalised once: sets to test against and header pairs to add."""

    any_origin: bool
    origins: frozenset[str]
    origin_regex: re.Pattern[str] | None
    any_method: bool
    methods: frozenset[str]
    any_header: bool
    headers: frozenset[str]
    credentials: bool
    private_network: bool
    """True when a preflight asking for private-network access (PNA) may be granted."""
    varies: bool
    """True when the answer depends on the request's Origin (so responses carry `Vary: Origin`)."""
    simple_headers: RawHeaders
    preflight_headers: RawHeaders

    @classmethod
    def build(
        cls,
        allow_origins: Sequence[str] = (),
        allow_origin_regex: str | re.Pattern[str] | None = None,
        allow_methods: Sequence[str] = ("GET",),
        allow_headers: Sequence[str] = (),
        allow_credentials: bool = False,
        expose_headers: Sequence[str] = (),
        max_age: int = 600,
        allow_private_network: bool = False,
    ) -> CorsPolicy:
        """Return the policy for these `cors` arguments (see `cors`)."""
        origins = _as_tuple(allow_origins)
        methods = tuple(m.upper() for m in _as_tuple(allow_methods))
        headers = tuple(h.lower() for h in _as_tuple(allow_headers))
        any_origin = "*" in origins
        any_method = "*" in methods
        any_header = "*" in headers
        regex = re.compile(allow_origin_regex) if isinstance(allow_origin_regex, str) else allow_origin_regex
        simple: list[tuple[bytes, bytes]] = []
        preflight: list[tuple[bytes, bytes]] = []
        if allow_credentials:
            simple.append((b"access-control-allow-credentials", b"true"))
            preflight.append((b"access-control-allow-credentials", b"true"))
        exposed = _as_tuple(expose_headers)
        if exposed:
            simple.append((b"access-control-expose-headers", ", ".join(exposed).encode("latin-1")))
        if not any_method:
            preflight.append((b"access-control-allow-methods", ", ".join(methods).encode("latin-1")))
        allowed_headers = SAFELISTED_HEADERS.union(headers) - {"*"}
        if not any_header:
            value = ", ".join(sorted(allowed_headers)).encode("latin-1")
            preflight.append((b"access-control-allow-headers", value))
        preflight.append((b"access-control-max-age", str(int(max_age)).encode("latin-1")))
        return cls(
            any_origin=any_origin,
            origins=frozenset(origins),
            origin_regex=regex,
            any_method=any_method,
            methods=frozenset(methods),
            any_header=any_header,
            headers=frozenset(allowed_headers),
            credentials=allow_credentials,
            private_network=allow_private_network,
            varies=not (any_origin and not allow_credentials),
            simple_headers=tuple(simple),
            preflight_headers=tuple(preflight),
        )

    def allows_origin(self, origin: str) -> bool:
        """Return whether `origin` may read responses (the regex must match all of it)."""
        if self.any_origin or origin in self.origins:
            return True
        regex = self.origin_regex
        return regex is not None and regex.fullmatch(origin) is not None

    def allow_origin_header(self, origin: str) -> tuple[bytes, bytes]:
        """Return the `Access-Control-Allow-Origin` pair for an allowed `origin`: `*`, or the
        origin itself when the policy varies by origin (explicit list, regex or credentials)."""
        value = origin.encode("latin-1") if self.varies else b"*"
        return (b"access-control-allow-origin", value)


def _as_tuple(values: Sequence[str] | str) -> tuple[str, ...]:
    return (values,) if isinstance(values, str) else tuple(values)


def preflight_response(
    policy: CorsPolicy, origin: str, method: str, requested_headers: str, private_network: bool = False
) -> Response:
    """Answer a preflight: 200 "OK" with the `Access-Control-Allow-*` headers when the origin,
    method and every requested header are allowed, and private-network access when it was asked
    for (`Access-Control-Request-Private-Network`); else 400 naming what was refused (more than
    MAX_REQUESTED_HEADERS headers are refused unread), without `Access-Control-Allow-Origin`."""
    too_many = requested_headers.count(",") >= MAX_REQUESTED_HEADERS
    names = [] if too_many else [name.strip().lower() for name in requested_headers.split(",")]
    names = [name for name in names if name]
    failures = []
    if not policy.allows_origin(origin):
        failures.append("origin")
    if not policy.any_method and method not in policy.methods:
        failures.append("method")
    if too_many or (not policy.any_header and any(name not in policy.headers for name in names)):
        failures.append("headers")
    if private_network and not policy.private_network:
        failures.append("private-network")
    if failures:
        refused = Response(400, (_TEXT,), ("Disallowed CORS " + ", ".join(failures)).encode())
        return add_vary(refused, "Origin") if policy.varies else refused
    headers = [policy.allow_origin_header(origin), *policy.preflight_headers]
    if policy.any_method:
        headers.append((b"access-control-allow-methods", method.encode("latin-1")))
    if policy.any_header and names:
        headers.append((b"access-control-allow-headers", ", ".join(names).encode("latin-1")))
    if private_network:
        headers.append((b"access-control-allow-private-network", b"true"))
    if policy.varies:
        headers.append((b"vary", b"Origin"))
    return Response(200, (_TEXT, *headers), b"OK")


def cross_origin_response(policy: CorsPolicy, origin: str | None, resp: Response) -> Response:
    """Return `resp` with the CORS headers for a request from `origin` (None: no Origin header).

    An allowed origin gets `Access-Control-Allow-Origin` (replacing any the handler set), and
    `-Allow-Credentials` / `-Expose-Headers` when configured; `Vary: Origin` whenever the policy
    depends on the origin, whatever the origin was.
    """
    if origin is not None and policy.allows_origin(origin):
        added = (policy.allow_origin_header(origin), *policy.simple_headers)
        kept = tuple(pair for pair in resp.headers if pair[0] not in _SIMPLE_NAMES)
        resp = msgspec.structs.replace(resp, headers=kept + added)
    return add_vary(resp, "Origin") if policy.varies else resp


def cors(
    allow_origins: Sequence[str] = (),
    allow_origin_regex: str | re.Pattern[str] | None = None,
    allow_methods: Sequence[str] = ("GET",),
    allow_headers: Sequence[str] = (),
    allow_credentials: bool = False,
    expose_headers: Sequence[str] = (),
    max_age: int = 600,
    allow_private_network: bool = False,
) -> Middleware:
    """Return CORS middleware.

    `allow_origins` lists exact origins (`"*"` for any); `allow_origin_regex` must match a whole
    origin. `allow_methods` / `allow_headers` may hold `"*"`. A preflight (`OPTIONS` with `Origin`
    and `Access-Control-Request-Method`) is answered here without calling the handler; any other
    request goes on and its response gets the CORS headers. With `allow_private_network`, a
    preflight sending `Access-Control-Request-Private-Network: true` gets
    `Access-Control-Allow-Private-Network: true`; without it, such a preflight is a 400.
    """
    policy = CorsPolicy.build(
        allow_origins, allow_origin_regex, allow_methods, allow_headers,
        allow_credentials, expose_headers, max_age, allow_private_network,
    )

    def middleware(next_handler: Handler) -> Handler:
        async def handler(req: Request) -> Response:
            raw = req.raw_headers
            origin_bytes = first_header(raw, b"origin")
            if origin_bytes is None:
                return cross_origin_response(policy, None, await next_handler(req))
            origin = origin_bytes.decode("latin-1")
            if req.method == "OPTIONS":
                method = first_header(raw, b"access-control-request-method")
                if method is not None:
                    requested = first_header(raw, b"access-control-request-headers") or b""
                    private = first_header(raw, b"access-control-request-private-network")
                    return preflight_response(
                        policy, origin, method.decode("latin-1"), requested.decode("latin-1"),
                        private is not None and private.strip().lower() == b"true",
                    )
            return cross_origin_response(policy, origin, await next_handler(req))

        return handler

    return middleware
