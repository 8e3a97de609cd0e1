"""Case-insensitive, multi-valued views over raw ASGI header pairs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar, overload

_T = TypeVar("_T")

RawHeaders = tuple[tuple[bytes, bytes], ...]


_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


_CHECKED_NAMES: dict[str | bytes, bytes] = {}
_CHECKED_NAMES_KEPT = 1024


def header_name(name: str | bytes) -> bytes:
    """Return `name` as a lower-case latin-1 header name; ValueError unless it is an RFC 9110
    token (no spaces, colons or control characters)."""
    checked = _CHECKED_NAMES.get(name)
    if checked is not None:
        return checked
    raw = name.encode("latin-1", "replace") if isinstance(name, str) else name
    if _TOKEN.fullmatch(raw) is None:
        raise ValueError(f"invalid header name {name!r}: a header name is a token (letters, digits, !#$%&'*+-.^_`|~)")
    raw = raw.lower()
    if len(_CHECKED_NAMES) < _CHECKED_NAMES_KEPT:
        _CHECKED_NAMES[name] = raw
    return raw


def header_value(name: str | bytes, value: str | bytes) -> bytes:
    """Return `value` as the latin-1 bytes of header `name`, without surrounding spaces or tabs.

    Raises ValueError naming the header for a character outside latin-1, or a control character
    (CR, LF, NUL, ...; a tab is allowed): such a value would break the response on the wire.
    """
    if isinstance(value, str):
        if value.isascii() and value.isprintable():
            return value.encode("ascii").strip(b" ")
        try:
            raw = value.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError(f"header {_shown(name)}: value {value!r} has characters outside latin-1") from None
    else:
        raw = value
    if _CONTROL.search(raw) is not None:
        raise ValueError(f"header {_shown(name)}: value {value!r} holds a control character (CR, LF, NUL, ...)")
    return raw.strip(b" \t")


def header_pair(name: str | bytes, value: str | bytes) -> tuple[bytes, bytes]:
    """Return the checked raw pair `(header_name(name), header_value(name, value))`."""
    return header_name(name), header_value(name, value)


def received_headers(headers: Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]] | None) -> RawHeaders:
    """Return `headers` as raw pairs with lower-case names, unchecked: headers as a client might
    send them (for building a Request, e.g. in tests), which never reach the wire."""
    if headers is None:
        return ()
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return tuple((_latin1(k).lower(), _latin1(v)) for k, v in pairs)


def _latin1(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


def _shown(name: str | bytes) -> str:
    return repr(name.decode("latin-1") if isinstance(name, bytes) else name)


def raw_headers(headers: Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]] | None) -> RawHeaders:
    """Return `headers` (a mapping or pairs of str/bytes) as raw ASGI pairs with lower-case names.

    Every name and value is checked as by `header_pair`: ValueError naming the header for a
    control character, a non-latin-1 character or a name that is not a token."""
    if headers is None:
        return ()
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return tuple(header_pair(k, v) for k, v in pairs)


def _key(name: str) -> bytes:
    return name.lower().encode("latin-1", "replace")


class Headers(Mapping[str, str]):
    """A read-only, case-insensitive view of raw header pairs.

    `headers["name"]` and `get` return the first value; `getall` returns every value in order;
    iteration yields each distinct lower-case name once. Values are decoded as latin-1, so
    arbitrary bytes never fail to decode.
    """

    __slots__ = ("_raw", "_index")

    def __init__(self, raw: RawHeaders = ()) -> None:
        self._raw = raw
        self._index: dict[str, list[str]] | None = None

    @property
    def raw(self) -> RawHeaders:
        """The underlying raw `(name, value)` byte pairs."""
        return self._raw

    def _lookup(self) -> dict[str, list[str]]:
        index = self._index
        if index is None:
            index = {}
            for name, value in self._raw:
                index.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
            self._index = index
        return index

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    @overload
    def get(self, name: str, /) -> str | None: ...
    @overload
    def get(self, name: str, default: str, /) -> str: ...
    @overload
    def get(self, name: str, default: _T, /) -> str | _T: ...

    def get(self, name: str, default: Any = None, /) -> Any:
        """Return the first value of header `name` (any case), or `default`."""
        key = _key(name)
        for raw_name, value in self._raw:
            if raw_name == key:
                return value.decode("latin-1")
        return default

    def getall(self, name: str) -> list[str]:
        """Return every value of header `name` in the order received (empty when absent)."""
        key = _key(name)
        return [value.decode("latin-1") for raw_name, value in self._raw if raw_name == key]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        key = _key(name)
        return any(raw_name == key for raw_name, _ in self._raw)

    def __iter__(self) -> Iterator[str]:
        return iter(self._lookup())

    def __len__(self) -> int:
        return len(self._lookup())

    def items_all(self) -> list[tuple[str, str]]:
        """Return every `(name, value)` pair, repeated names included, in order."""
        return [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in self._raw]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return sorted(self.items_all()) == sorted(other.items_all())
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Headers({self.items_all()!r})"
