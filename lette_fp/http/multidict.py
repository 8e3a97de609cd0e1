"""MultiMapping: the read-only, multi-valued mapping behind query strings and forms."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar, overload

V = TypeVar("V")
_T = TypeVar("_T")


class MultiMapping(Mapping[str, V], Generic[V]):
    """A read-only mapping where a key may hold several values, kept in the order given.

    `m["k"]` and `get` return the first value; `getall` every value of a key; `multi_items()`
    every `(key, value)` pair; iteration yields each key once.
    """

    __slots__ = ("_items", "_first")

    def __init__(self, items: Iterable[tuple[str, V]] = ()) -> None:
        self._items = tuple(items)
        first: dict[str, V] = {}
        for key, value in self._items:
            first.setdefault(key, value)
        self._first = first

    def __getitem__(self, key: str) -> V:
        return self._first[key]

    @overload
    def get(self, key: str, /) -> V | None: ...
    @overload
    def get(self, key: str, default: V, /) -> V: ...
    @overload
    def get(self, key: str, default: _T, /) -> V | _T: ...

    def get(self, key: str, default: Any = None, /) -> Any:
        """Return the first value of `key`, or `default`."""
        return self._first.get(key, default)

    def getall(self, key: str) -> list[V]:
        """Return every value of `key` in order (empty when absent)."""
        return [v for k, v in self._items if k == key]

    def multi_items(self) -> list[tuple[str, V]]:
        """Return every `(key, value)` pair in order, repeated keys included."""
        return list(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._first

    def __iter__(self) -> Iterator[str]:
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)

    def __eq__(self, other: object) -> bool:
        if type(other) is type(self):
            return self._items == other._items
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self._items)!r})"
