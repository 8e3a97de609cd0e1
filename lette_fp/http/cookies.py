"""Cookie parsing for requests and `Set-Cookie` header building for responses."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Literal
from urllib.parse import quote

_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_UNSAFE_VALUE = re.compile(r"[\x00-\x20\",;\\\x7f]")

SameSite = Literal["lax", "strict", "none"]


def parse_cookies(header: str) -> dict[str, str]:
    """Return the cookies of a `Cookie` header as a dict (the later of repeated names wins).

    Follows what browsers send rather than RFC 2109: pairs split on `;`, names and values stripped,
    surrounding double quotes removed; a chunk without `=` is a value with an empty name.
    """
    cookies: dict[str, str] = {}
    for chunk in header.split(";"):
        key, sep, value = chunk.partition("=")
        if not sep:
            key, value = "", key
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if key or value:
            cookies[key] = value
    return cookies


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

    A value with characters unsafe in a cookie is percent-encoded; `expires` may be a datetime, an
    HTTP date string, or a number of seconds from now.
    """
    if not _TOKEN.match(key):
        raise ValueError(f"invalid cookie name: {key!r}")
    if _UNSAFE_VALUE.search(value):
        value = quote(value, safe="")
    parts = [f"{key}={value}"]
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
