import dataclasses

import msgspec
import pytest

from lette_fp import HTTPError, Request


def test_request_is_frozen() -> None:
    req = Request.build()
    with pytest.raises(AttributeError):
        req.method = "POST"  # type: ignore[misc]


def test_build_and_views() -> None:
    req = Request.build(
        "post",
        "/items",
        headers={"Host": "api.example.org:8443", "Cookie": "a=1; b=2", "X-Many": "1"},
        query="q=search&tag=a&tag=b",
        body=b"{}",
        scheme="https",
    )
    assert req.method == "POST"
    assert req.headers["x-many"] == "1"
    assert req.query.getall("tag") == ["a", "b"]
    assert req.cookies == {"a": "1", "b": "2"}
    assert str(req.url) == "https://api.example.org:8443/items?q=search&tag=a&tag=b"
    assert req.url.port == 8443


def test_malformed_host_falls_back_to_server_address() -> None:
    req = Request.build(path="/x", headers={"host": "evil.com/@other"}, server=("10.0.0.1", 8000))
    assert req.url.hostname == "10.0.0.1"
    assert req.url.path == "/x"


def test_authority_in_path_does_not_change_url_parts() -> None:
    req = Request.build(path="//evil.com/steal", headers={"host": "good.org"})
    assert req.url.hostname == "good.org"
    assert req.url.path == "//evil.com/steal"


def test_with_attrs_and_replace_return_new_values() -> None:
    req = Request.build()
    other = req.with_attrs(user="ann")
    assert other.attrs["user"] == "ann"
    assert "user" not in req.attrs
    assert req.replace(path="/b").path == "/b"
    with pytest.raises(TypeError):
        other.attrs["user"] = "bob"  # type: ignore[index]


class Item(msgspec.Struct):
    name: str
    price: float


@dataclasses.dataclass
class Point:
    x: int
    y: int


async def test_body_helpers_on_a_read_request() -> None:
    req = await Request.build(body=b'{"name": "pen", "price": 1.5}').read()
    assert req.bytes() == b'{"name": "pen", "price": 1.5}'
    assert req.json() == {"name": "pen", "price": 1.5}
    assert req.json(Item) == Item("pen", 1.5)
    assert (await Request.build(body=b'{"x": 1, "y": 2}').read()).json(Point) == Point(1, 2)
    assert [c async for c in req.stream()] == [req.bytes()]


def test_json_errors_are_400_and_422() -> None:
    with pytest.raises(HTTPError) as bad:
        Request.build(body=b"{nope").json()
    assert bad.value.status == 400
    with pytest.raises(HTTPError) as shape:
        Request.build(body=b'{"name": "pen", "price": "x"}').json(Item)
    assert shape.value.status == 422
    assert shape.value.detail[0]["loc"] == ["body", "price"]


def test_text_uses_the_declared_charset() -> None:
    req = Request.build(headers={"content-type": "text/plain; charset=latin-1"}, body="é".encode("latin-1"))
    assert req.text() == "é"


def test_middleware_views_name_the_missing_middleware() -> None:
    with pytest.raises(AttributeError, match="sessions"):
        _ = Request.build().session
