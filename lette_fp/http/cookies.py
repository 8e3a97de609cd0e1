"""Cookie parsing for requests and `Set-Cookie` header building for responses."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime
from http.cookies import _quote, _unquote
from typing import Literal

from lette_fp.http.errors import HTTPError

_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_UNSAFE_VALUE = re.compile(r"[\x00-\x20\",;\\\x7f]")

SameSite = Literal["lax", "strict", "none"]

MAX_COOKIES = 1000
"""The most cookies a request's `Cookie` headers may hold together; more is a 400."""


def parse_cookies(header: str, max_cookies: int = MAX_COOKIES) -> dict[str, str]:
    """Return the cookies of a `Cookie` header as a dict (the later of repeated names wins).

    Follows what browsers send rather than RFC 2109: pairs split on `;`, names and values stripped;
    a quoted value is unquoted as `http.cookies` (and Starlette) does, so what `set_cookie_value`
    wrote reads back the same; a chunk without `=` is a value with an empty name. More than
    `max_cookies` non-empty chunks raise HTTPError(400).
    """
    chunks = _bounded_chunks(header, max_cookies) if header.count(";") >= max_cookies else header.split(";")
    cookies: dict[str, str] = {}
    for chunk in chunks:
        key, sep, value = chunk.partition("=")
        if not sep:
            key, value = "", key
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = _read_quoted(value)
        if key or value:
            cookies[key] = value
    return cookies


_SEPARATORS = re.compile(r";[;\s]*")
_CONTENT = re.compile(r"[^;\s]")


def _bounded_chunks(header: str, max_cookies: int) -> list[str]:
    """Split a header holding many `;` into its chunks with the empty ones mostly gone, in C passes
    that stop past `max_cookies` chunks: HTTPError(400) when more than that are non-empty."""
    parts = _SEPARATORS.sub(";", header, count=max_cookies + 1).split(";", max_cookies + 1)
    tail = parts.pop() if len(parts) > max_cookies + 1 else ""
    if _CONTENT.search(tail) is not None or sum(1 for part in parts if part.strip()) > max_cookies:
        raise HTTPError(400, f"Too many cookies (limit {max_cookies})")
    return parts


def cookie_value(value: str) -> str:
    """Return `value` as it goes into a `Set-Cookie` header, quoted as `http.cookies` (and
    Starlette) quote it: as is when every character is safe, else in double quotes with `"` and
    `\\` escaped and other unsafe bytes (of its UTF-8) as `\\ooo` octal escapes."""
    if not value:
        return value
    return _quote(value.encode("utf-8").decode("latin-1"))


def _read_quoted(value: str) -> str:
    text = _unquote(value)
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def set_cookie_value(
    key: str,
    value: str = "",
    *,
    max_age: int | None = None,
    expires: datetime | str | int | None = None,
    path: str | None = "/",
    domain: str | None = None,
    secure: bool = False,
    httponly: bool = False,
    samesite: SameSite | None = "lax",
) -> str:
    """Return the value of a `Set-Cookie` header; raise ValueError for an invalid name or attribute.

    The value is quoted by `cookie_value` (`parse_cookies` reads it back unchanged); `expires` may
    be a datetime, an HTTP date string, or a number of seconds from now.
    """
    if not _TOKEN.match(key):
        raise ValueError(f"invalid cookie name: {key!r}")
    parts = [f"{key}={cookie_value(value)}"]
    if max_age is not None:
        parts.append(f"Max-Age={int(max_age)}")
    if expires is not None:
        parts.append(f"Expires={_http_date(expires)}")
    for name, attr in (("Path", path), ("Domain", domain)):
        if attr is not None:
            if _UNSAFE_VALUE.search(attr.replace(" ", "")) or ";" in attr:
                raise ValueError(f"invalid cookie {name}: {attr!r}")
            parts.append(f"{name}={attr}")
    if secure:
        parts.append("Secure")
    if httponly:
        parts.append("HttpOnly")
    if samesite is not None:
        if samesite.lower() not in ("lax", "strict", "none"):
            raise ValueError("samesite must be 'lax', 'strict' or 'none'")
        parts.append(f"SameSite={samesite.lower()}")
    return "; ".join(parts)


def _http_date(expires: datetime | str | int) -> str:
    if isinstance(expires, str):
        return expires
    if isinstance(expires, int):
        expires = datetime.fromtimestamp(datetime.now(UTC).timestamp() + expires, UTC)
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    return format_datetime(expires.astimezone(UTC), usegmt=True)
