"""The shapes the API speaks, as msgspec Structs: what a client sends and what it gets back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class NoteIn(msgspec.Struct, forbid_unknown_fields=True):
    """A note as a client creates or replaces it."""

    title: Title
    body: str = ""


class NotePatch(msgspec.Struct, forbid_unknown_fields=True):
    """A partial change: only the fields present are changed."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    body: str | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> dict[str, str]:
        """Return the fields the client set, by name."""
        return {f: v for f in self.__struct_fields__ if (v := getattr(self, f)) is not msgspec.UNSET}


class Note(msgspec.Struct):
    """A stored note, as the API returns it."""

    id: int
    title: str
    body: str
    created_at: datetime
    updated_at: datetime


class PageQuery(msgspec.Struct):
    """The pagination parameters of `GET /notes`: `Annotated[PageQuery, Query()]` reads each field
    from the query string (422 naming the parameter when out of range or not a number; the offset
    fits the database's 64-bit integer)."""

    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20
    offset: Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)] = 0


class Page(msgspec.Struct):
    """One page of notes, with the total count and the URL of the next page (None on the last)."""

    items: list[Note]
    total: int
    limit: int
    offset: int
    next: str | None


class Problem(msgspec.Struct):
    """An error answer: `{"detail": "Note 7 not found"}` (the 404 and the 409)."""

    detail: str
