"""Validators and conditional requests (RFC 9110 §8.8, §13): pure functions over header values.

`make_etag` and `http_date` make the validators of a file; `none_match`, `modified_since` and
`if_range_allows` answer `If-None-Match`, `If-Modified-Since` and `If-Range`.
"""

from __future__ import annotations

from email.utils import formatdate, parsedate_to_datetime

MAX_ENTITY_TAGS = 256
"""`If-None-Match` lists past this many tags are read only up to it."""


def make_etag(size: int, mtime_ns: int) -> str:
    """Return a strong entity tag (quoted) that changes whenever the size or the mtime does."""
    return f'"{mtime_ns:x}-{size:x}"'


def http_date(timestamp: float) -> str:
    """Return `timestamp` (seconds since the epoch) as an IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`."""
    return formatdate(timestamp, usegmt=True)


def parse_http_date(value: str) -> int | None:
    """Return the whole seconds since the epoch that an HTTP date means, or None when it is not one."""
    if len(value) > 64:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        return None
    return int(parsed.timestamp())


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def _skip_spaces(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t":
        at += 1
    return at


def entity_tags(header: str) -> list[str]:
    """Return the opaque tags (quotes kept, `W/` dropped) listed in an `If-None-Match` value, at
    most `MAX_ENTITY_TAGS`; a malformed entry ends the list. `*` is returned as `*`."""
    tags: list[str] = []
    rest = header.strip()
    if rest == "*":
        return ["*"]
    at, end = 0, len(rest)
    while at < end and len(tags) < MAX_ENTITY_TAGS:
        start = at + 2 if rest.startswith("W/", at) else at
        if not rest.startswith('"', start):
            break
        close = rest.find('"', start + 1)
        if close < 0:
            break
        tags.append(rest[start:close + 1])
        at = _skip_spaces(rest, close + 1)
        if rest.startswith(",", at):
            at = _skip_spaces(rest, at + 1)
        elif rest:
            break
    return tags


def none_match(header: str, etag: str) -> bool:
    """Return True when `If-None-Match: header` matches `etag` (weak comparison, `*` matches any):
    the client already has this representation."""
    mine = _opaque(etag)
    return any(tag == "*" or tag == mine for tag in entity_tags(header))


def modified_since(header: str, last_modified: int) -> bool:
    """Return False when `If-Modified-Since: header` is a date at or after `last_modified` (whole
    seconds); True otherwise, an unparseable date included."""
    since = parse_http_date(header)
    return since is None or last_modified > since


def if_range_allows(header: str, etag: str | None, last_modified: int | None) -> bool:
    """Return True when `If-Range: header` still holds, so the `Range` may be honoured: a strong
    tag equal to `etag`, or a date equal to `last_modified`. Weak tags never hold."""
    value = header.strip()
    if value.startswith('"') or value.startswith("W/"):
        return etag is not None and not etag.startswith("W/") and value == etag
    when = parse_http_date(value)
    return when is not None and last_modified is not None and when == last_modified
