"""file(): headers it sets up front, and the plan of what to send for a request (pure)."""

from lette_fp import file
from lette_fp.http.conditional import http_date
from lette_fp.http.file_plan import plan_file
from lette_fp.http.files import File, content_disposition
from lette_fp.http.headers import Headers

MTIME_NS = 1_700_000_000_500_000_000
SIZE = 1000


def plan(method: str = "GET", status: int = 200, headers: tuple[tuple[bytes, bytes], ...] = (), **request: str):
    resp = file("/srv/report.pdf")
    given = Headers(tuple((k.replace("_", "-").encode(), v.encode()) for k, v in request.items()))
    return plan_file(status, resp.headers + headers, method, given, SIZE, MTIME_NS, "BOUNDARY")


def test_file_is_pure_data_with_media_type_and_ranges_advertised() -> None:
    resp = file("/nowhere/data.json")
    assert resp.body == File("/nowhere/data.json")
    assert resp.header("content-type") == "application/json"
    assert resp.header("accept-ranges") == "bytes"
    assert resp.header("content-disposition") is None
    assert file("notes.txt").header("content-type") == "text/plain; charset=utf-8"
    assert file("blob.unknownext").header("content-type") == "application/octet-stream"
    assert file("x", media_type="image/png").header("content-type") == "image/png"
    assert file("x.bin", filename="report.csv").header("content-type") == "text/csv; charset=utf-8"


def test_content_disposition_plain_and_rfc5987() -> None:
    assert file("x", filename="a b.txt").header("content-disposition") == 'attachment; filename="a b.txt"'
    inline = file("x", filename="r.pdf", content_disposition_type="inline")
    assert inline.header("content-disposition") == 'inline; filename="r.pdf"'
    assert content_disposition("attachment", "résumé €.pdf") == (
        "attachment; filename=\"r_sum_ _.pdf\"; filename*=utf-8''r%C3%A9sum%C3%A9%20%E2%82%AC.pdf"
    )
    assert "filename*=utf-8''say%22hi%22" in content_disposition("attachment", 'say"hi"')


def test_plain_get_gets_validators_and_length_and_the_whole_file() -> None:
    p = plan()
    headers = Headers(p.headers)
    assert p.status == 200 and p.whole and p.segments == ((0, SIZE),)
    assert headers["content-length"] == "1000"
    assert headers["last-modified"] == http_date(MTIME_NS / 1e9)
    assert headers["etag"].startswith('"')


def test_head_states_the_length_but_has_no_segments() -> None:
    p = plan("HEAD", range="bytes=0-1")
    assert p.status == 200 and p.segments == () and Headers(p.headers)["content-length"] == "1000"


def test_if_none_match_and_if_modified_since_give_304_with_validators_only() -> None:
    etag = Headers(plan().headers)["etag"]
    p = plan(if_none_match=f'"x", W/{etag}')
    assert p.status == 304 and p.segments == ()
    assert {k for k, _ in p.headers} == {b"etag", b"last-modified"}
    assert plan("HEAD", if_none_match=etag).status == 304
    assert plan(if_modified_since=http_date(MTIME_NS / 1e9)).status == 304
    assert plan(if_modified_since=http_date(MTIME_NS / 1e9 - 10)).status == 200
    assert plan(if_none_match='"stale"', if_modified_since=http_date(MTIME_NS / 1e9)).status == 200


def test_conditions_and_ranges_apply_only_to_200_answers_to_get() -> None:
    etag = Headers(plan().headers)["etag"]
    assert plan(status=404, if_none_match=etag).status == 404
    assert plan("POST", if_none_match=etag, range="bytes=0-1").status == 200


def test_single_range_is_206_with_content_range() -> None:
    p = plan(range="bytes=-100")
    headers = Headers(p.headers)
    assert p.status == 206 and p.segments == ((900, 1000),) and not p.whole
    assert headers["content-range"] == "bytes 900-999/1000"
    assert headers["content-length"] == "100"


def test_several_ranges_are_multipart_with_exact_length() -> None:
    p = plan(range="bytes=500-599,0-99")
    headers = Headers(p.headers)
    assert p.status == 206
    assert headers["content-type"] == "multipart/byteranges; boundary=BOUNDARY"
    length = sum(len(s) if isinstance(s, bytes) else s[1] - s[0] for s in p.segments)
    assert int(headers["content-length"]) == length
    assert p.segments[0] == b"--BOUNDARY\r\nContent-Type: application/pdf\r\nContent-Range: bytes 0-99/1000\r\n\r\n"
    assert p.segments[1] == (0, 100) and p.segments[4] == (500, 600)
    assert p.segments[-1] == b"--BOUNDARY--\r\n"


def test_range_errors_and_if_range() -> None:
    assert plan(range="bytes=5000-").status == 416
    assert Headers(plan(range="bytes=5000-").headers)["content-range"] == "bytes */1000"
    bad = plan(range="pages=1-2")
    assert bad.status == 400 and b"bytes" in bad.segments[0]  # type: ignore[operator]
    etag = Headers(plan().headers)["etag"]
    assert plan(range="bytes=0-1", if_range=etag).status == 206
    assert plan(range="bytes=0-1", if_range='"old"').status == 200
    assert plan(range="bytes=0-1", if_range=http_date(MTIME_NS / 1e9)).status == 206
    assert plan(range="bytes=0-1", if_range=http_date(MTIME_NS / 1e9 - 5)).status == 200


def test_validators_given_by_the_response_are_kept_and_compared() -> None:
    p = plan(headers=((b"etag", b'"mine"'),), if_none_match='"mine"')
    assert p.status == 304 and Headers(p.headers).getall("etag") == ['"mine"']
