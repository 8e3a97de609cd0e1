"""For generated route tables (mounts, converters, methods, websockets, app mounts,
`include_in_schema` on routes and mounts, typed handlers), the document is valid OpenAPI 3.1 and
lists exactly the included HTTP routes, each under its template with one path parameter per
placeholder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from lette_fp import App, Header, mount, route, websocket
from lette_fp.openapi import schema

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CONVERTERS = ["str", "int", "float", "uuid", None]


class Item(msgspec.Struct):
    name: str
    price: Annotated[float, msgspec.Meta(ge=0)] = 0.0


def plain(req): ...


def typed(req, q: int = 1, tags: list[str] = []) -> list[int]: ...  # noqa: B006


def body(item: Item) -> Item: ...


def header(x_token: Annotated[str, Header()]) -> dict[str, int]: ...


def nothing(req) -> None: ...


HANDLERS = [plain, typed, body, header, nothing]


async def ws(req): ...


async def asgi_app(scope, receive, send): ...


@dataclass(frozen=True)
class Leaf:
    segments: tuple[tuple[str, str | None] | str, ...]
    methods: tuple[str, ...]
    websocket: bool
    include: bool | None
    handler: int


@dataclass(frozen=True)
class Group:
    prefix_param: str | None
    include: bool | None
    leaves: tuple[Leaf, ...]


segment = st.one_of(
    st.sampled_from(["a", "b", "items", "v1"]),
    st.tuples(st.sampled_from(["id", "key", "slug"]), st.sampled_from(CONVERTERS)),
)
leaf = st.builds(
    Leaf,
    segments=st.lists(segment, max_size=3).map(tuple),
    methods=st.lists(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]), min_size=1, max_size=3, unique=True).map(tuple),
    websocket=st.sampled_from([False, False, False, True]),
    include=st.sampled_from([None, True, False]),
    handler=st.integers(0, len(HANDLERS) - 1),
)
group = st.builds(
    Group,
    prefix_param=st.sampled_from([None, "int", "str"]),
    include=st.sampled_from([None, True, False]),
    leaves=st.lists(leaf, min_size=1, max_size=4).map(tuple),
)


def _path(index: int, leaf: Leaf, taken: set[str]) -> tuple[str, str]:
    """Return (source, template) of a leaf: a unique literal first, params named apart."""
    source, text = [f"/r{index}"], [f"/r{index}"]
    for seg in leaf.segments:
        if isinstance(seg, str):
            source.append(f"/{seg}")
            text.append(f"/{seg}")
            continue
        name, conv = seg
        while name in taken:
            name += "x"
        taken.add(name)
        source.append(f"/{{{name}:{conv}}}" if conv else f"/{{{name}}}")
        text.append(f"/{{{name}}}")
    return "".join(source), "".join(text)


def build(groups: list[Group], loose: list[Leaf], app_mount: bool) -> tuple[list[Any], set[tuple[str, str]]]:
    routes: list[Any] = []
    expected: set[tuple[str, str]] = set()
    counter = iter(range(10_000))

    def make(leaf: Leaf, prefix_source: str, prefix_text: str, outer: bool | None, taken: set[str]) -> Any:
        index = next(counter)
        source, text = _path(index, leaf, set(taken))
        options = {} if leaf.include is None else {"include_in_schema": leaf.include}
        if leaf.websocket:
            return websocket(source, ws, name=f"w{index}", **options)
        included = leaf.include if leaf.include is not None else (outer if outer is not None else True)
        if included:
            expected.update((prefix_text + text, m.lower()) for m in leaf.methods)
        return route(source, HANDLERS[leaf.handler], leaf.methods, name=f"r{index}", **options)

    for leaf in loose:
        routes.append(make(leaf, "", "", None, set()))
    for number, group in enumerate(groups):
        prefix_source = f"/m{number}" + (f"/{{mp:{group.prefix_param}}}" if group.prefix_param else "")
        prefix_text = f"/m{number}" + ("/{mp}" if group.prefix_param else "")
        taken = {"mp"} if group.prefix_param else set()
        inner = [make(leaf, prefix_source, prefix_text, group.include, taken) for leaf in group.leaves]
        options = {} if group.include is None else {"include_in_schema": group.include}
        routes.append(mount(prefix_source, inner, name=f"m{number}", **options))
    if app_mount:
        routes.append(mount("/legacy", asgi_app))
    return routes, expected


@SETTINGS
@given(st.lists(group, max_size=3), st.lists(leaf, max_size=4), st.booleans())
def test_the_document_lists_exactly_the_included_http_routes(groups: list[Group], loose: list[Leaf], app_mount: bool) -> None:
    routes, expected = build(groups, loose, app_mount)
    document = schema(App(routes), title="Generated", version="1")
    validate(document)
    listed = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert listed == expected
    for path, ops in document["paths"].items():
        placeholders = re.findall(r"{([^}]+)}", path)
        for op in ops.values():
            in_path = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            assert in_path == placeholders
