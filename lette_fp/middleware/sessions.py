"""Sessions in signed cookies (itsdangerous): `req.session` to read, `resp.with_session(...)` to change.

The cookie holds the session as base64 JSON signed with a timestamp (`TimestampSigner`), the
format Starlette's `SessionMiddleware` uses, so either can read the other's cookies with the same
secret key. The cookie is only verified and decoded when the session is first read.
"""

from __future__ import annotations

import binascii
import logging
from base64 import b64decode, b64encode
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import msgspec
from itsdangerous import BadData, TimestampSigner
from itsdangerous.encoding import base64_decode, base64_encode

from lette_fp.http.cookies import SameSite, parse_cookies, set_cookie_value
from lette_fp.http.request import EMPTY_MAPPING, Request
from lette_fp.http.response import Response
from lette_fp.middleware._headers import add_vary
from lette_fp.pipeline import Handler, Middleware

logger = logging.getLogger("lette_fp.sessions")

DEFAULT_MAX_AGE = 14 * 24 * 60 * 60
"""Two weeks, in seconds: how long a session lasts after it was last changed."""

MAX_COOKIE_LENGTH = 8192
"""A longer session cookie is not verified: the session is empty."""

BROWSER_COOKIE_LIMIT = 4096
"""Browsers drop cookies longer than this; a bigger session is logged as a warning."""


class SessionCodec:
    """Turns a session mapping into a signed cookie value and back; built once per middleware."""

    __slots__ = ("_signer", "max_age")

    def __init__(self, secret_key: str | bytes | Sequence[str | bytes], max_age: int | None = DEFAULT_MAX_AGE) -> None:
        keys = [secret_key] if isinstance(secret_key, str | bytes) else list(secret_key)
        if not keys or not all(keys):
            raise ValueError("sessions need a non-empty secret_key")
        self._signer = TimestampSigner(keys)  # type: ignore[arg-type]
        self.max_age = max_age

    def dumps(self, session: Mapping[str, Any]) -> str:
        """Return the signed cookie value holding `session` (JSON-able values only)."""
        payload = b64encode(msgspec.json.encode(dict(session)))
        return self._signer.sign(payload).decode("ascii")

    def loads(self, cookie: str | None) -> Mapping[str, Any]:
        """Return the session in `cookie` as a read-only mapping: empty when the cookie is missing,
        too long, altered in any byte, signed with another key, expired, or not a JSON object."""
        if not cookie or len(cookie) > MAX_COOKIE_LENGTH or not cookie.isascii():
            return EMPTY_MAPPING
        signed = cookie.encode("ascii")
        try:
            if not _canonical_signature(signed.rpartition(b".")[2]):
                return EMPTY_MAPPING
            payload = self._signer.unsign(signed, max_age=self.max_age)
            data = msgspec.json.decode(b64decode(payload, validate=True))
        except (BadData, binascii.Error, msgspec.DecodeError, ValueError):
            return EMPTY_MAPPING
        return MappingProxyType(data) if isinstance(data, dict) else EMPTY_MAPPING


def _canonical_signature(signature: bytes) -> bool:
    # base64 decoding ignores the unused low bits of the last character, so several spellings
    # decode to the same MAC; only the one itsdangerous writes is accepted.
    return base64_encode(base64_decode(signature)) == signature


class Session(Mapping[str, Any]):
    """`req.session`: the session as a read-only mapping, decoded from the cookie when first used.

    Reading it (any lookup, iteration or `len`) marks the response `Vary: Cookie`.
    """

    __slots__ = ("_raw_headers", "_cookie_name", "_codec", "_data", "was_read")

    def __init__(self, raw_headers: Iterable[tuple[bytes, bytes]], cookie_name: str, codec: SessionCodec) -> None:
        self._raw_headers = raw_headers
        self._cookie_name = cookie_name
        self._codec = codec
        self._data: Mapping[str, Any] | None = None
        self.was_read = False

    def cookie(self) -> str | None:
        """Return the session cookie the request carried (verified or not), or None."""
        value = None
        for key, header in self._raw_headers:
            if key == b"cookie":
                value = parse_cookies(header.decode("latin-1")).get(self._cookie_name, value)
        return value

    def peek(self) -> Mapping[str, Any]:
        """Return the decoded session without marking it read (for the middleware itself)."""
        data = self._data
        if data is None:
            data = self._data = self._codec.loads(self.cookie())
        return data

    def __getitem__(self, key: str) -> Any:
        self.was_read = True
        return self.peek()[key]

    def __iter__(self) -> Iterator[str]:
        self.was_read = True
        return iter(self.peek())

    def __len__(self) -> int:
        self.was_read = True
        return len(self.peek())

    def __repr__(self) -> str:
        return f"Session({dict(self.peek())!r})"


class SessionCookie:
    """The `Set-Cookie` headers a sessions middleware writes, their attributes built once."""

    __slots__ = ("_prefix", "_suffix", "clear")

    def __init__(
        self, name: str, max_age: int | None, path: str, same_site: SameSite, https_only: bool, domain: str | None,
    ) -> None:
        template = set_cookie_value(
            name, "", max_age=max_age, path=path, domain=domain, secure=https_only,
            httponly=True, samesite=same_site,
        )
        self._prefix = f"{name}="
        self._suffix = template[len(self._prefix):]
        expired = set_cookie_value(
            name, "", max_age=0, expires="Thu, 01 Jan 1970 00:00:00 GMT", path=path, domain=domain,
            secure=https_only, httponly=True, samesite=same_site,
        )
        self.clear: tuple[bytes, bytes] = (b"set-cookie", expired.encode("latin-1"))
        """The header pair that deletes the cookie."""

    def store(self, value: str) -> tuple[bytes, bytes]:
        """Return the header pair that sets the cookie to `value`."""
        if len(value) > BROWSER_COOKIE_LIMIT:
            logger.warning("the session cookie is %d bytes; browsers drop cookies over 4096", len(value))
        return (b"set-cookie", f"{self._prefix}{value}{self._suffix}".encode("latin-1"))


def store_session(codec: SessionCodec, cookie: SessionCookie, session: Session, resp: Response) -> Response:
    """Return `resp` with what the session needs: `Set-Cookie` when the handler set a session
    (`resp.with_session`) different from the request's, a deleting `Set-Cookie` when it cleared a
    session the request had a cookie for, and `Vary: Cookie` when the session was read."""
    new = resp.attrs.get("session", session)
    if new is not session:
        if not new:
            if session.cookie() is not None:
                resp = msgspec.structs.replace(resp, headers=(*resp.headers, cookie.clear))
        elif dict(new) != dict(session.peek()):
            resp = msgspec.structs.replace(resp, headers=(*resp.headers, cookie.store(codec.dumps(new))))
    return add_vary(resp, "Cookie") if session.was_read else resp


def sessions(
    secret_key: str | bytes | Sequence[str | bytes],
    session_cookie: str = "session",
    max_age: int | None = DEFAULT_MAX_AGE,
    path: str = "/",
    same_site: SameSite = "lax",
    https_only: bool = False,
    domain: str | None = None,
) -> Middleware:
    """Return middleware that gives every request `req.session` from a signed cookie and stores
    the session a handler returns with `resp.with_session(mapping)` (`None` clears it).

    `secret_key` may be a list of keys, oldest first, to rotate keys: the last one signs.
    `max_age=None` makes a browser-session cookie that never expires on the server side.
    """
    codec = SessionCodec(secret_key, max_age)
    cookie = SessionCookie(session_cookie, max_age, path, same_site, https_only, domain)

    def middleware(next_handler: Handler) -> Handler:
        async def handler(req: Request) -> Response:
            session = Session(req.raw_headers, session_cookie, codec)
            resp = await next_handler(req.with_attrs(session=session))
            return store_session(codec, cookie, session, resp)

        return handler

    return middleware
