"""The markers a handler's annotations carry to name where a parameter comes from.

`Annotated[int, Query(alias="page-size")]`, `Annotated[str, Header()]`, `Annotated[str, Cookie()]`,
`Annotated[Engine, State("engine")]`, `Annotated[User, Depends(current_user)]`. They are plain
immutable values, read once when the App is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Query:
    """The parameter is read from the query string, under `alias` or its own name.

    On a Struct (`Annotated[Filters, Query()]`) each field of the Struct is a query parameter."""

    alias: str | None = None


@dataclass(frozen=True, slots=True)
class Header:
    """The parameter is read from a request header: `alias`, else its name with `_` as `-`
    (`x_token` reads `x-token`); case-insensitive. A list reads every value of a repeated header."""

    alias: str | None = None
    convert_underscores: bool = True


@dataclass(frozen=True, slots=True)
class Cookie:
    """The parameter is read from the cookie named `alias`, else its own name."""

    alias: str | None = None


@dataclass(frozen=True, slots=True)
class Form:
    """The parameter is read from the form body (urlencoded or multipart): a scalar or a list of
    scalars from the field of its name (or `alias`), a Struct from one field per Struct field."""

    alias: str | None = None


@dataclass(frozen=True, slots=True)
class State:
    """The parameter is the lifespan state's value at `key` (`req.state[key]`)."""

    key: str


@dataclass(frozen=True, slots=True)
class Depends:
    """The parameter is what `provider` returns (or yields), resolved like a handler.

    `cache=False` runs the provider again for each parameter that asks for it (by default it runs
    at most once per request). A generator provider cleans up after the response is sent, or as
    soon as the handler returns with `scope="handler"`. `blocking=True` runs a sync provider in a
    worker thread."""

    provider: Callable[..., Any]
    cache: bool = True
    scope: Literal["request", "handler"] = "request"
    blocking: bool = False
