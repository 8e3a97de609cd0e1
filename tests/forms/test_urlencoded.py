"""application/x-www-form-urlencoded: decoding and the field limits."""

import pytest

from lette_fp import FormData, HTTPError, Request


def urlencoded(body: bytes, content_type: str = "application/x-www-form-urlencoded") -> Request:
    return Request.build("POST", "/", headers={"content-type": content_type}, body=body)


async def test_fields_decode_plus_escapes_and_utf8() -> None:
    form = await urlencoded(b"name=Zo%C3%AB+B&tag=a&tag=b&empty=&flag&=anon&&").form()
    assert form.multi_items() == [("name", "Zoë B"), ("tag", "a"), ("tag", "b"), ("empty", ""), ("flag", ""), ("", "anon")]


async def test_charset_parameter_is_accepted_and_bad_bytes_are_replaced() -> None:
    form = await urlencoded(b"a=%FF", "application/x-www-form-urlencoded; charset=UTF-8").form()
    assert form == FormData([("a", "\ufffd")])


async def test_too_many_fields_is_400() -> None:
    with pytest.raises(HTTPError) as caught:
        await urlencoded(b"a=1&b=2&c=3").form(max_fields=2)
    assert (caught.value.status, caught.value.detail) == (400, "Too many fields in the form (limit 2)")
    assert len(await urlencoded(b"a=1&b=2").form(max_fields=2)) == 2


async def test_a_field_over_max_part_size_is_400() -> None:
    with pytest.raises(HTTPError) as caught:
        await urlencoded(b"name=" + b"x" * 10).form(max_part_size=10)
    assert (caught.value.status, caught.value.detail) == (400, "A form field is over the limit of 10 bytes")
    assert (await urlencoded(b"name=" + b"x" * 5).form(max_part_size=10))["name"] == "xxxxx"


async def test_two_megabytes_of_ampersands_are_an_empty_form() -> None:
    form = await urlencoded(b"&" * 2_000_000).form()
    assert len(form) == 0


async def test_runs_of_ampersands_around_fields_are_skipped_and_fields_still_counted() -> None:
    body = b"&" * 500_000 + b"a=1" + b"&" * 500_000 + b"b=2" + b"&" * 500_000
    assert (await urlencoded(body).form()).multi_items() == [("a", "1"), ("b", "2")]
    with pytest.raises(HTTPError) as caught:
        await urlencoded(b"&&&".join(b"f=%d" % i for i in range(3))).form(max_fields=2)
    assert caught.value.status == 400
