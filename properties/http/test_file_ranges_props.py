"""Any file and any valid byte ranges: the 206 body parses back into exactly the requested slices."""

import os
import re
import tempfile

import anyio
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import App, file, get
from tests.drive import Exchange, drive

CONTENT_RANGE = re.compile(rb"bytes (\d+)-(\d+)/(\d+)")


@st.composite
def file_and_ranges(draw: st.DrawFn) -> tuple[bytes, list[str], list[tuple[int, int]]]:
    content = draw(st.binary(min_size=1, max_size=2000))
    size = len(content)
    specs: list[str] = []
    wanted: list[tuple[int, int]] = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["closed", "open", "suffix"]))
        if kind == "suffix":
            n = draw(st.integers(1, size + 50))
            specs.append(f"-{n}")
            wanted.append((max(size - n, 0), size))
            continue
        start = draw(st.integers(0, size - 1))
        if kind == "open":
            specs.append(f"{start}-")
            wanted.append((start, size))
        else:
            last = draw(st.integers(start, size + 50))
            specs.append(f"{start}-{last}")
            wanted.append((start, min(last + 1, size)))
    return content, specs, wanted


def covered(ranges: list[tuple[int, int]]) -> set[int]:
    return {i for start, end in ranges for i in range(start, end)}


def parse_multipart(body: bytes, boundary: bytes) -> list[tuple[int, int, bytes]]:
    """Read a multipart/byteranges body strictly: every delimiter, header and length checked."""
    parts = []
    pos = 0
    while True:
        if body[pos:] == b"--" + boundary + b"--\r\n":
            return parts
        assert body.startswith(b"--" + boundary + b"\r\n", pos)
        head_end = body.index(b"\r\n\r\n", pos)
        headers = body[pos:head_end].split(b"\r\n")[1:]
        ranges = [CONTENT_RANGE.fullmatch(h.split(b": ", 1)[1]) for h in headers if h.lower().startswith(b"content-range:")]
        assert len(ranges) == 1 and ranges[0] is not None
        start, last = int(ranges[0][1]), int(ranges[0][2])
        data_start = head_end + 4
        data = body[data_start:data_start + last - start + 1]
        assert body[data_start + len(data):data_start + len(data) + 2] == b"\r\n"
        parts.append((start, last + 1, data))
        pos = data_start + len(data) + 2


async def fetch(app: App, range_header: str) -> Exchange:
    return await drive(app, [], method="GET", headers=[(b"range", range_header.encode())], timeout=5)


@settings(max_examples=200, deadline=None)
@given(file_and_ranges())
def test_206_bodies_hold_exactly_the_requested_slices(case: tuple[bytes, list[str], list[tuple[int, int]]]) -> None:
    content, specs, wanted = case
    fd, path = tempfile.mkstemp()
    try:
        os.write(fd, content)
        os.close(fd)
        app = App([get("/", lambda req: file(path, media_type="application/x-test"))])
        out = anyio.run(fetch, app, "bytes=" + ",".join(specs))
    finally:
        os.unlink(path)
    body = out.body
    headers = dict(out.headers)
    assert out.status == 206
    assert int(headers[b"content-length"]) == len(body)
    if headers[b"content-type"].startswith(b"multipart/byteranges; boundary="):
        boundary = headers[b"content-type"].split(b"boundary=")[1]
        parts = parse_multipart(body, boundary)
    else:
        match = CONTENT_RANGE.fullmatch(headers[b"content-range"])
        assert match is not None and int(match[3]) == len(content)
        parts = [(int(match[1]), int(match[2]) + 1, body)]
    assert [(s, e) for s, e, _ in parts] == sorted((s, e) for s, e, _ in parts)
    for (_, end, _), (next_start, _, _) in zip(parts, parts[1:], strict=False):
        assert end < next_start
    for part_start, part_end, data in parts:
        assert data == content[part_start:part_end]
    assert covered([(s, e) for s, e, _ in parts]) == covered(wanted)
