import dataclasses
import datetime
import decimal
import uuid
from typing import Any

import msgspec
import pytest

from lette_fp import Response, empty, html, json, raw, redirect, text


def test_text_and_html_add_charset_once() -> None:
    assert text("hi").header("content-type") == "text/plain; charset=utf-8"
    assert text("a,b", media_type="text/csv").header("content-type") == "text/csv; charset=utf-8"
    assert text("a", media_type="text/csv; charset=latin-1").header("content-type") == "text/csv; charset=latin-1"
    assert html("<p>").header("content-type") == "text/html; charset=utf-8"


class Pet(msgspec.Struct):
    name: str


@dataclasses.dataclass
class Owner:
    name: str


def test_json_encodes_common_types() -> None:
    resp = json(
        {
            "pet": Pet("rex"),
            "owner": Owner("ann"),
            "when": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
            "id": uuid.UUID(int=1),
            "price": decimal.Decimal("1.10"),
        },
        status=201,
    )
    assert resp.status == 201
    assert msgspec.json.decode(resp.body) == {
        "pet": {"name": "rex"},
        "owner": {"name": "ann"},
        "when": "2024-01-02T03:04:05Z",
        "id": "00000000-0000-0000-0000-000000000001",
        "price": "1.10",
    }


def test_changes_return_new_values_and_equal_responses_compare_equal() -> None:
    base = text("hi")
    changed = base.with_header("X-A", "1").with_status(202)
    assert base.status == 200 and base.header("x-a") is None
    assert changed.header("x-a") == "1" and changed.status == 202
    assert base.with_header("x-a", "1").with_header("X-A", "2").header_values("x-a") == ["2"]
    assert text("hi") == text("hi")
    assert text("hi") != text("ho")


def test_cookies() -> None:
    resp = empty().with_cookie("a", "1", httponly=True).with_cookie("b", "2").delete_cookie("c")
    cookies = resp.header_values("set-cookie")
    assert cookies[0] == "a=1; Path=/; HttpOnly; SameSite=lax"
    assert cookies[1].startswith("b=2;")
    assert "Max-Age=0" in cookies[2] and cookies[2].startswith("c=;")


def test_redirect_and_empty() -> None:
    resp = redirect("/caf\u00e9?x=1")
    assert resp.status == 307
    assert resp.header("location") == "/caf%C3%A9?x=1"
    assert empty().status == 204 and empty().body == b""


def test_background_tasks_accumulate_in_order() -> None:
    resp = Response().with_background(print, 1).with_background(print, 2, sep="-")
    assert [(t.args, dict(t.kwargs)) for t in resp.background] == [((1,), {}), ((2,), {"sep": "-"})]


BAD = "ok\r\nx-injected: yes"


@pytest.mark.parametrize(
    "make",
    [
        lambda: text("hi").with_header("x-echo", BAD),
        lambda: text("hi").add_header("x-echo", BAD),
        lambda: text("hi").with_headers({"x-echo": BAD}),
        lambda: text("hi", headers={"x-echo": BAD}),
        lambda: html("hi", headers={"x-echo": BAD}),
        lambda: json({}, headers={"x-echo": BAD}),
        lambda: raw(b"", headers={"x-echo": BAD}),
        lambda: empty(headers={"x-echo": BAD}),
        lambda: redirect("/", headers={"x-echo": BAD}),
        lambda: text("hi").with_header("x-echo", "naïve ☃"),
    ],
)
def test_a_header_value_that_would_break_the_wire_is_refused_when_made(make: Any) -> None:
    with pytest.raises(ValueError, match="x-echo"):
        make()


def test_a_media_type_with_a_line_break_is_refused() -> None:
    with pytest.raises(ValueError, match="content-type"):
        text("hi", media_type="text/csv\r\nx-injected: yes")
