"""FormData: the parsed form, an immutable multi-valued mapping of field names to values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar, overload

from lette_fp.forms.upload import UploadFile

_T = TypeVar("_T")

FormValue = str | UploadFile
"""A form value: the text of a field, or an uploaded file."""


class FormData(Mapping[str, FormValue]):
    """A read-only, multi-valued view of a parsed form, in the order the client sent it.

    `form["name"]` and `get` return the first value; `getall` every value in order; `multi_items()`
    every `(name, value)` pair. Values are `str` for fields and `UploadFile` for files.
    """

    __slots__ = ("_items", "_first")

    def __init__(self, items: Iterable[tuple[str, FormValue]] = ()) -> None:
        self._items = tuple(items)
        first: dict[str, FormValue] = {}
        for key, value in self._items:
            first.setdefault(key, value)
        self._first = first

    def __getitem__(self, key: str) -> FormValue:
        return self._first[key]

    @overload
    def get(self, key: str, /) -> FormValue | None: ...
    @overload
    def get(self, key: str, default: FormValue, /) -> FormValue: ...
    @overload
    def get(self, key: str, default: _T, /) -> FormValue | _T: ...

    def get(self, key: str, default: Any = None, /) -> Any:
        """Return the first value of `key`, or `default`."""
        return self._first.get(key, default)

    def getall(self, key: str) -> list[FormValue]:
        """Return every value of `key` in order (empty when absent)."""
        return [v for k, v in self._items if k == key]

    def multi_items(self) -> list[tuple[str, FormValue]]:
        """Return every `(name, value)` pair in order, repeated names included."""
        return list(self._items)

    def files(self) -> list[tuple[str, UploadFile]]:
        """Return the `(name, UploadFile)` pairs in order."""
        return [(k, v) for k, v in self._items if isinstance(v, UploadFile)]

    async def close(self) -> None:
        """Close every uploaded file now (the server adapter does it when the response is done)."""
        for _, upload in self.files():
            await upload.close()

    def __contains__(self, key: object) -> bool:
        return key in self._first

    def __iter__(self) -> Iterator[str]:
        return iter(self._first)

    def __len__(self) -> int:
        return len(self._first)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FormData):
            return self._items == other._items
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FormData({list(self._items)!r})"
