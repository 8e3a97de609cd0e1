"""The compiled router against a slow reference: a linear scan over whole-path regexes.

The reference implements the documented precedence directly: routes matching the path
are ordered by a key per segment, a literal (0,) before a param (1, rank), where rank is
the declaration index of the first route sharing the pattern up to that segment (that
is when the param edge was declared at that position). Routes with the same pattern
shape form one group; the first group with the method wins, else the first group with
HTTP methods gives the 405, else a trailing-slash redirect, else NOT_FOUND.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lette_fp.routing import (
    NOT_FOUND,
    Found,
    MethodNotAllowed,
    NoMatchFound,
    RedirectSlash,
    Router,
    route,
    websocket,
)
from lette_fp.routing.converters import MISS, get_converter

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

LITERALS = ["a", "b", "1", "2.5", "", "v3", "x.y"]
CONVERTERS = ["str", "int", "float", "uuid"]
HTTP = ("GET", "POST", "HEAD")


@dataclass(frozen=True)
class Seg:
    """A generated segment: literal text, or parts with (converter) params."""

    parts: tuple[str | tuple[str], ...]

    def shape(self) -> tuple[object, ...]:
        return self.parts

    def source(self, names: list[str]) -> str:
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                out.append(f"{{{names.pop(0)}:{part[0]}}}")
        return "".join(out)

    def regex(self, names: list[str]) -> str:
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(re.escape(part))
            else:
                out.append(f"(?P<{names.pop(0)}>{get_converter(part[0]).regex})")
        return "".join(out)

    @property
    def params(self) -> list[str]:
        return [p[0] for p in self.parts if not isinstance(p, str)]


literal = st.sampled_from(LITERALS).map(lambda t: Seg((t,)))
param = st.sampled_from(CONVERTERS).map(lambda c: Seg(((c,),)))
mixed = st.sampled_from(
    [Seg(("v", ("int",))), Seg((("str",), ".", ("str",))), Seg((("int",), "-", ("float",)))]
)
tail = st.sampled_from([Seg((("path",),)), Seg(("f-", ("path",)))])


@st.composite
def patterns(draw: st.DrawFn) -> tuple[Seg, ...]:
    segs = draw(st.lists(st.one_of(literal, literal, param, mixed), min_size=1, max_size=3))
    if draw(st.booleans()) and draw(st.booleans()):
        segs[-1] = draw(tail)
    return tuple(segs)


@dataclass
class Spec:
    index: int
    segs: tuple[Seg, ...]
    names: list[str]
    methods: tuple[str, ...]
    websocket: bool

    @property
    def handler(self) -> str:
        return f"r{self.index}"

    @property
    def source(self) -> str:
        names = list(self.names)
        return "/" + "/".join(s.source(names) for s in self.segs)

    def shape(self) -> tuple[object, ...]:
        return tuple(s.shape() for s in self.segs)

    def match(self, path: str) -> dict[str, object] | None:
        names = list(self.names)
        regex = "/" + "/".join(s.regex(names) for s in self.segs)
        found = re.fullmatch(regex, path, re.DOTALL)
        if found is None:
            return None
        params: dict[str, object] = {}
        convs = [c for s in self.segs for c in s.params]
        for name, conv in zip(self.names, convs, strict=True):
            value = get_converter(conv).parse(found.group(name))
            if value is MISS:
                return None
            params[name] = value
        return params


@st.composite
def tables(draw: st.DrawFn) -> list[Spec]:
    specs: list[Spec] = []
    taken: set[tuple[object, str]] = set()
    for _ in range(draw(st.integers(1, 8))):
        segs = draw(patterns())
        count = sum(len(s.params) for s in segs)
        prefix = draw(st.sampled_from(["p", "q"]))
        names = [f"{prefix}{i}" for i in range(count)]
        is_ws = draw(st.integers(0, 5)) == 0
        methods = ("WEBSOCKET",) if is_ws else tuple(
            draw(st.lists(st.sampled_from(HTTP), min_size=1, max_size=3, unique=True))
        )
        spec = Spec(len(specs), segs, names, methods, is_ws)
        keys = {(spec.shape(), m) for m in methods}
        if keys & taken:
            continue
        taken |= keys
        specs.append(spec)
    return specs


def build(specs: list[Spec]) -> Router[Any]:
    routes = [
        websocket(s.source, s.handler, name=s.handler)
        if s.websocket
        else route(s.source, s.handler, s.methods, name=s.handler)
        for s in specs
    ]
    return Router(routes, prepare=lambda r, m, n: r.handler, prepare_app=lambda m, mw: m.app)


def sort_key(spec: Spec, specs: list[Spec]) -> tuple[tuple[int, ...], ...]:
    key: list[tuple[int, ...]] = []
    shape = spec.shape()
    for j, seg in enumerate(spec.segs):
        if not seg.params:
            key.append((0,))
        else:
            rank = min(s.index for s in specs if s.shape()[: j + 1] == shape[: j + 1])
            key.append((1, rank))
    return tuple(key)


def groups_for(path: str, specs: list[Spec]) -> list[dict[str, tuple[Spec, dict[str, object]]]]:
    matched = [(s, p) for s in specs if (p := s.match(path)) is not None]
    matched.sort(key=lambda sp: sort_key(sp[0], specs))
    groups: dict[tuple[object, ...], dict[str, tuple[Spec, dict[str, object]]]] = {}
    for spec, params in matched:
        group = groups.setdefault(spec.shape(), {})
        for method in spec.methods:
            group[method] = (spec, params)
    for group in groups.values():
        if "GET" in group and "HEAD" not in group:
            group["HEAD"] = group["GET"]
    return list(groups.values())


def reference(method: str, path: str, specs: list[Spec]) -> object:
    groups = groups_for(path, specs)
    for group in groups:
        if method in group:
            spec, params = group[method]
            return Found(spec.handler, params, "")
    if method == "WEBSOCKET":
        return NOT_FOUND
    for group in groups:
        allow = sorted(m for m in group if m != "WEBSOCKET")
        if allow:
            return MethodNotAllowed(tuple(allow))
    if path != "/":
        toggled = path[:-1] if path.endswith("/") else path + "/"
        if any(m != "WEBSOCKET" for g in groups_for(toggled, specs) for m in g):
            return RedirectSlash(toggled)
    return NOT_FOUND


def values_for(conv: str) -> st.SearchStrategy[object]:
    return {
        "str": st.text(st.characters(exclude_characters="/"), min_size=1, max_size=8),
        "int": st.integers(0, 10**25),
        "float": st.floats(min_value=0, allow_nan=False, allow_infinity=False),
        "uuid": st.uuids(),
        "path": st.text(max_size=10),
    }[conv]


path_pieces = st.sampled_from(
    [*LITERALS, "7", "0", "1.5", str(uuid.UUID(int=7)), "v12", "a.b", "3-4.5", "f-q", "f-"]
)
random_paths = st.lists(path_pieces, min_size=1, max_size=4).map(lambda p: "/" + "/".join(p))
methods = st.sampled_from(["GET", "POST", "HEAD", "PUT", "WEBSOCKET"])


@SETTINGS
@given(tables(), st.data())
def test_built_paths_match_back(specs: list[Spec], data: st.DataObject) -> None:
    router = build(specs)
    for spec in specs:
        convs = [c for s in spec.segs for c in s.params]
        params = {n: data.draw(values_for(c)) for n, c in zip(spec.names, convs, strict=True)}
        try:
            path = router.url_path_for(spec.handler, **params)
        except NoMatchFound:
            assert any(len(s.params) > 1 for s in spec.segs), params
            continue
        method = spec.methods[0]
        expected = reference(method, path, specs)
        assert router.match(method, path) == expected
        if isinstance(expected, Found) and expected.endpoint == spec.handler:
            assert expected.params == params


@SETTINGS
@given(tables(), st.lists(st.tuples(methods, random_paths), min_size=1, max_size=10))
def test_router_agrees_with_reference(specs: list[Spec], requests: list[tuple[str, str]]) -> None:
    router = build(specs)
    for method, path in requests:
        assert router.match(method, path) == reference(method, path, specs), (method, path)


@SETTINGS
@given(tables(), st.data())
def test_reference_agrees_on_paths_near_the_routes(specs: list[Spec], data: st.DataObject) -> None:
    router = build(specs)
    spec = data.draw(st.sampled_from(specs))
    convs = [c for s in spec.segs for c in s.params]
    params = {n: data.draw(values_for(c)) for n, c in zip(spec.names, convs, strict=True)}
    try:
        path = router.url_path_for(spec.handler, **params)
    except NoMatchFound:
        assume(False)
    for variant in {path, path + "/", path.rstrip("/") or "/", path + "/x"}:
        method = data.draw(methods)
        assert router.match(method, variant) == reference(method, variant, specs), variant
