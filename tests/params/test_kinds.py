"""Which annotations are query scalars, which are repeated keys, and which skip conversion."""

import datetime
import decimal
import enum
import uuid
from typing import Annotated, Literal

import msgspec
import pytest

from lette_fp import App, Header, get
from lette_fp.params.kinds import bare_type_info, is_scalar, is_scalar_sequence, needs_conversion
from lette_fp.testing import TestClient


class Color(enum.Enum):
    RED = "red"


SCALARS = [str, int, float, bool, decimal.Decimal, uuid.UUID, datetime.date, datetime.datetime,
           datetime.time, datetime.timedelta, Color, Literal["a", "b"], int | None, Annotated[int, msgspec.Meta(ge=1)],
           Annotated[int, msgspec.Meta(ge=1, description="documented")],
           Annotated[str, msgspec.Meta(title="t", examples=["x"])] | None]


@pytest.mark.parametrize("annotation", SCALARS)
def test_scalars_and_their_sequences(annotation: object) -> None:
    assert is_scalar(annotation)
    assert not is_scalar_sequence(annotation)
    assert is_scalar_sequence(list[annotation])  # type: ignore[valid-type]
    assert is_scalar_sequence(tuple[annotation, ...])  # type: ignore[valid-type]


@pytest.mark.parametrize("annotation", [dict[str, int], list[list[int]], tuple[int, str], object, bytes, msgspec.Struct])
def test_neither_scalar_nor_sequence_of_scalars(annotation: object) -> None:
    assert not is_scalar(annotation)
    assert not is_scalar_sequence(annotation)


def test_only_unconstrained_strings_skip_conversion() -> None:
    assert not needs_conversion(str, False)
    assert not needs_conversion(str | None, False)
    assert not needs_conversion(list[str], True)
    assert needs_conversion(Annotated[str, msgspec.Meta(min_length=1)], False)
    assert needs_conversion(int, False)
    assert needs_conversion(tuple[str, ...], True)
    assert needs_conversion(Annotated[list[str], msgspec.Meta(max_length=2)], True)
    assert not needs_conversion(Annotated[str, msgspec.Meta(description="free text")], False)
    assert needs_conversion(Annotated[list[str], msgspec.Meta(max_length=2, description="few")], True)


Documented = Annotated[int, msgspec.Meta(ge=1, le=9, description="shown in the schema")]


def test_a_meta_with_a_description_still_makes_a_query_or_header_parameter() -> None:
    def page(
        size: Documented = 5,
        q: Annotated[str, msgspec.Meta(max_length=3, description="search")] | None = None,
        tags: list[Annotated[str, msgspec.Meta(description="a tag")]] = [],  # noqa: B006
        x_hint: Annotated[Documented | None, Header()] = None,
    ) -> list[object]:
        return [size, q, tags, x_hint]

    client = TestClient(App([get("/", page)]))
    assert client.get("/?size=2&q=ab&tags=a&tags=b", headers={"x-hint": "3"}).json() == [2, "ab", ["a", "b"], 3]
    assert client.get("/").json() == [5, None, [], None]
    resp = client.get("/?size=10&q=abcd", headers={"x-hint": "0"})
    assert resp.status_code == 422
    assert [e["loc"] for e in resp.json()["detail"]] == [["query", "size"], ["query", "q"], ["header", "x-hint"]]


def test_a_scalar_with_a_documenting_meta_is_still_a_scalar() -> None:
    described = Annotated[int, msgspec.Meta(ge=1, description="How many", title="Limit", examples=[5])]
    assert is_scalar(described)
    assert is_scalar(described | None)
    assert is_scalar_sequence(list[described])


class Described(msgspec.Struct):
    name: str


def test_documentation_does_not_hide_the_type_under_it() -> None:
    described = Annotated[Described, msgspec.Meta(description="the item", title="Item")]
    assert isinstance(msgspec.inspect.type_info(described), msgspec.inspect.Metadata)
    bare = bare_type_info(described)
    assert isinstance(bare, msgspec.inspect.StructType) and bare.cls is Described
    assert bare_type_info(object()) is None
