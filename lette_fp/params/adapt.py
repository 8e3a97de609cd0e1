"""The one adaptation: every route handler becomes `async (Request) -> Response`, once."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from lette_fp.params.binding import bind
from lette_fp.pipeline import AnyHandler, ErrorAnswer, Handler, guard, to_handler

NO_OPTIONS: Mapping[str, Any] = MappingProxyType({})


def adapt(
    fn: AnyHandler,
    *,
    path_params: frozenset[str] = frozenset(),
    options: Mapping[str, Any] = NO_OPTIONS,
    errors: ErrorAnswer | None = None,
) -> Handler:
    """Return `fn` adapted, when the App is built, into `async (Request) -> Response`: sync or
    async, taking just the request or typed parameters (resolved now, from `fn`'s signature and
    the route's `path_params`), returning a Response or a `returns` container of one. `options`
    are the route's options (over its mounts' and the App's). With `errors`, what `fn` raises
    becomes its Response right here, around the endpoint (see `lette_fp.pipeline.guard`)."""
    bound = bind(fn, path_params)
    return to_handler(bound) if errors is None else guard(bound, errors)
