from lette_fp.http.headers import Headers, raw_headers


def test_lookup_is_case_insensitive_and_first_value_wins() -> None:
    headers = Headers(raw_headers([("X-Token", "a"), ("x-token", "b"), ("Accept", "text/html")]))
    assert headers["X-TOKEN"] == "a"
    assert headers.get("x-token") == "a"
    assert headers.getall("X-Token") == ["a", "b"]
    assert "ACCEPT" in headers
    assert "missing" not in headers
    assert headers.get("missing") is None
    assert headers.get("missing", "d") == "d"


def test_iteration_yields_each_name_once() -> None:
    headers = Headers(raw_headers([("a", "1"), ("B", "2"), ("a", "3")]))
    assert list(headers) == ["a", "b"]
    assert len(headers) == 2
    assert headers.items_all() == [("a", "1"), ("b", "2"), ("a", "3")]


def test_arbitrary_bytes_decode_without_error() -> None:
    headers = Headers(((b"x-bin", b"\xff\xfe\x00"),))
    assert headers["x-bin"] == "\xff\xfe\x00"


def test_mapping_and_pairs_give_the_same_raw_headers() -> None:
    assert raw_headers({"Content-Type": "text/plain"}) == raw_headers([("content-type", b"text/plain")])
