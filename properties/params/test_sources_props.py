"""For generated signatures (scalar types × sources (path, query, header, cookie) × defaults) and
generated requests, the handler gets exactly what `msgspec.convert` of the raw strings gives, or
a 422 naming exactly the failing parameters; and the fast adapters (no providers) answer as the
general one does."""

from __future__ import annotations

import datetime
import decimal
import inspect
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

import anyio
import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import Cookie, Depends, Header, HTTPError, Query, Request
from lette_fp.http.url import QueryParams
from lette_fp.params import adapt
from lette_fp.params.sources import read_query

SCALARS: list[tuple[Any, st.SearchStrategy[str]]] = [
    (str, st.text(max_size=8)),
    (int, st.integers(-(10**20), 10**20).map(str)),
    (float, st.floats(allow_nan=False).map(str)),
    (bool, st.sampled_from(["true", "false", "1", "0", "True", "yes"])),
    (decimal.Decimal, st.decimals(allow_nan=False, allow_infinity=False).map(str)),
    (uuid.UUID, st.uuids().map(str)),
    (datetime.date, st.dates().map(str)),
    (int | None, st.integers(-5, 5).map(str)),
    (Annotated[int, msgspec.Meta(ge=0, le=10)], st.integers(-3, 13).map(str)),
]
LISTS = [list[int], list[str], tuple[int, ...], set[bool]]
SAFE = st.text(alphabet="abcdefxyz0123456789.-", max_size=6)
"""Characters that survive headers and cookies as they are (no quoting, separators or spaces)."""


@st.composite
def parameter(draw: st.DrawFn, index: int) -> dict[str, Any]:
    source = draw(st.sampled_from(["query", "header", "cookie", "path"]))
    many = source in ("query", "header") and draw(st.booleans())
    if many:
        annotation = draw(st.sampled_from(LISTS))
        element = SCALARS[1][1] if annotation in (list[int], tuple[int, ...]) else SCALARS[0][1]
        if annotation is set[bool]:
            element = SCALARS[3][1]
        raw: Any = draw(st.none() | st.lists(element | SAFE, max_size=3))
        if source == "header" and raw is not None:
            raw = [draw(SAFE) if not _header_safe(v) else v for v in raw]
    else:
        annotation, good = draw(st.sampled_from(SCALARS))
        raw = draw((good | SAFE) if source == "path" else (st.none() | good | SAFE))
        if source in ("header", "cookie") and raw is not None and not _header_safe(raw):
            raw = draw(SAFE)
    default = draw(st.sampled_from([inspect.Parameter.empty, None, "fallback"]))
    name = f"p{index}" if source != "header" else f"x_p{index}"
    wire = name.replace("_", "-") if source == "header" else name
    return {"name": name, "wire": wire, "source": source, "annotation": annotation, "many": many, "raw": raw, "default": default}


def _header_safe(value: str) -> bool:
    return value != "" and all(c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:+" for c in value)


def _handler(params: list[dict[str, Any]]) -> Any:
    def handler(**kwargs: Any) -> Any:
        return kwargs

    marker = {"query": Query, "header": Header, "cookie": Cookie}

    def annotation_of(p: dict[str, Any]) -> Any:
        return p["annotation"] if p["source"] == "path" else _marked(p["annotation"], marker[p["source"]]())

    handler.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter(p["name"], inspect.Parameter.KEYWORD_ONLY, default=p["default"]) for p in params
    ])
    handler.__annotations__ = {p["name"]: annotation_of(p) for p in params}
    return handler


def _marked(annotation: Any, source: Any) -> Any:
    return Annotated[annotation, source]


def _request(params: list[dict[str, Any]]) -> Request:
    query: list[tuple[str, str]] = []
    headers: list[tuple[str, str]] = []
    cookies: list[str] = []
    path_params: dict[str, str] = {}
    for p in params:
        raw = p["raw"]
        if raw is None:
            continue
        values = raw if p["many"] else [raw]
        if p["source"] == "path":
            path_params[p["wire"]] = raw
        elif p["source"] == "query":
            query += [(p["wire"], v) for v in values]
        elif p["source"] == "header":
            headers += [(p["wire"], v) for v in values]
        else:
            cookies.append(f"{p['wire']}={raw}")
    if cookies:
        headers.append(("cookie", "; ".join(cookies)))
    return Request.build("GET", "/", headers=headers, query=urlencode(query), path_params=path_params)


def _expected(p: dict[str, Any]) -> tuple[bool, Any]:
    """(ok, value) as msgspec converts the raw value; a missing one falls back to the default."""
    raw = p["raw"]
    if raw is None or raw == []:  # a list with no values sent is absent
        return (p["default"] is not inspect.Parameter.empty, p["default"])
    if p["annotation"] is str or p["annotation"] == list[str]:
        return True, raw
    try:
        return True, msgspec.convert(raw, p["annotation"], strict=False)
    except msgspec.ValidationError:
        return False, None


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(*[parameter(i) for i in range(n)])))
def test_the_handler_gets_what_msgspec_converts_or_a_422_naming_the_failing_params(drawn: tuple[dict[str, Any], ...]) -> None:
    params = list(drawn)
    handler = adapt(_handler(params), path_params=frozenset(p["name"] for p in params if p["source"] == "path"))
    expected = {p["name"]: _expected(p) for p in params}
    failing = {(p["source"], p["wire"]) for p in params if not expected[p["name"]][0]}

    async def run() -> Any:
        return await handler(_request(params))

    try:
        resp = anyio.run(run)
    except HTTPError as exc:
        assert exc.status == 422
        assert {(e["loc"][0], e["loc"][1]) for e in exc.detail} == failing
        return
    assert not failing
    got = msgspec.json.decode(resp.body)
    want = msgspec.json.decode(msgspec.json.encode({name: value for name, (_, value) in expected.items()}))
    assert got == want


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(*[parameter(i) for i in range(n)])))
def test_the_fast_adapters_answer_as_the_general_one(drawn: tuple[dict[str, Any], ...]) -> None:
    """A handler without providers gets a fast adapter; a guard forces the general one (with a
    resolution context): both give the same answer, or the same 422."""
    params = list(drawn)
    path_params = frozenset(p["name"] for p in params if p["source"] == "path")
    fast = adapt(_handler(params), path_params=path_params)
    general = adapt(_handler(params), path_params=path_params, options={"dependencies": [Depends(lambda: None)]})

    async def answer(handler: Any) -> Any:
        try:
            resp = await handler(_request(params))
        except HTTPError as exc:
            return (exc.status, exc.detail)
        return (resp.status, resp.body)

    assert anyio.run(answer, fast) == anyio.run(answer, general)


FUZZED = adapt(_handler([
    {"name": "p0", "source": "query", "annotation": int, "default": 0},
    {"name": "p1", "source": "query", "annotation": list[float], "default": None},
    {"name": "x_p2", "source": "header", "annotation": uuid.UUID | None, "default": None},
    {"name": "p3", "source": "cookie", "annotation": datetime.date | None, "default": None},
]))


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=300),
    st.lists(st.tuples(st.sampled_from([b"x-p2", b"cookie", b"other"]), st.binary(max_size=60)), max_size=4),
)
def test_hostile_query_strings_and_headers_are_a_4xx_never_a_crash(query: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    async def run() -> Any:
        return await FUZZED(Request("GET", "/", query_string=query.replace(b"p", b"p0", 1), raw_headers=headers))

    try:
        resp = anyio.run(run)
    except HTTPError as exc:
        assert exc.status in (400, 422)
    else:
        assert resp.status == 200


QUERY_BYTES = st.lists(
    st.sampled_from([b"a", b"b", b"=", b"&", b"%", b"+", b"%20", b"%C3%A9", b"\xc3", b"\xa9", b"x", b"ab"]), max_size=40
).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(QUERY_BYTES, st.binary(max_size=80)), st.sets(st.sampled_from(["a", "b", "ab", "", " ", "é", "x"])))
def test_reading_the_raw_query_gives_what_the_query_view_gives(query: bytes, wanted: set[str]) -> None:
    """`read_query` (the typed sources' scan, with its fast path for strings without escapes)
    against `QueryParams.parse` (the `req.query` view), the reference."""
    view = QueryParams.parse(query)
    expected = {name: view.getall(name) for name in wanted if view.getall(name)}
    assert read_query(query, frozenset(wanted)) == expected
