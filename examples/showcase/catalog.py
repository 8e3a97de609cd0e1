"""The examples the showcase mounts. Adding one is one line in `EXAMPLES`."""

from __future__ import annotations

from typing import Any

import msgspec

import examples.hello
import examples.notes_api


class Example(msgspec.Struct, frozen=True):
    """One mounted example: served under `/{slug}/`, listed on the landing page."""

    slug: str
    title: str
    summary: str
    app: Any
    source: str


EXAMPLES: tuple[Example, ...] = (
    Example("hello", "Hello, world", "The ten-line app from the README: two JSON routes.", examples.hello.app, "examples/hello.py"),
    Example("notes-api", "Notes API", "JSON CRUD with msgspec Structs and SQLAlchemy 2 async, one transaction per request, pagination, 404/409/422.", examples.notes_api.app, "examples/notes_api/"),
)
