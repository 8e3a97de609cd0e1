"""The operations of a route tree: every HTTP route, mounts flattened under their prefixes, with
the options that apply to it (the App's, then each mount's, then its own). Websocket routes and
mounted ASGI apps (static files mounted as an app included) are left out, and so is every route
whose options say `include_in_schema=False`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lette_fp.params.options import merge_options
from lette_fp.routing.flatten import flatten
from lette_fp.routing.patterns import PathPattern
from lette_fp.routing.routes import Route, RouteLike

from .paths import template


@dataclass(frozen=True, slots=True)
class Operation:
    """One method of one HTTP route: `path` is its OpenAPI template, `pattern` its full pattern,
    `name` its full route name (`"api:notes"`) or None, `options` the merged options `adapt`
    reads, `tags` every tag from the outermost mount in, and `responses` the declared responses
    (a route's over its mounts')."""

    method: str
    path: str
    pattern: PathPattern
    route: Route
    name: str | None
    options: Mapping[str, Any]
    tags: tuple[str, ...]
    responses: Mapping[int | str, Any]

    @property
    def path_params(self) -> frozenset[str]:
        """The param names `adapt` sees for the route: its path's and its host's."""
        return frozenset((*(p.name for p in self.pattern.params), *self.route.host_params))


def operations(routes: Iterable[RouteLike], root: Mapping[str, Any]) -> list[Operation]:
    """Return the operations of `routes` in declaration order; `root` holds the App's options."""
    found: list[Operation] = []
    for leaf in flatten(routes).leaves:
        route = leaf.source
        if not isinstance(route, Route) or route.kind != "http":
            continue
        merged: Mapping[str, Any] = root
        tags: list[str] = []
        responses: dict[int | str, Any] = {}
        for options in (*route.mount_options, route.options):
            merged = merge_options(merged, options)
            tags.extend(tag for tag in options.get("tags", ()) if tag not in tags)
            responses.update(options.get("responses", {}))
        if not merged.get("include_in_schema", True):
            continue
        pattern = leaf.patterns[0]
        path = template(pattern)
        for method in route.methods:
            found.append(Operation(method.lower(), path, pattern, route, leaf.full_name, merged, tuple(tags), responses))
    return found
