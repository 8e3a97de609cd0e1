"""How long each parser holds the event loop on hostile input, in milliseconds per MB.

Every parser lette_fp runs on network input is fed inputs built to be slow for it (runs of
separators, deep nesting, near-miss boundaries, huge counts), one call at a time, on one core.
The figure is the best of a few runs (the machine may be shared), per MB of input. The target
(docs/reliability.md) is a few ms per MB; the line ends with "over" when a parser passes 10.

    taskset -c 1 .venv/bin/python benchmarks/parsers.py
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lette_fp.forms.limits import FormLimits  # noqa: E402
from lette_fp.forms.multipart import parse_multipart  # noqa: E402
from lette_fp.forms.urlencoded import parse_urlencoded  # noqa: E402
from lette_fp.graphql.accept import _ranges as media_ranges  # noqa: E402
from lette_fp.http.body_errors import decode_json  # noqa: E402
from lette_fp.http.conditional import entity_tags  # noqa: E402
from lette_fp.http.cookies import parse_cookies  # noqa: E402
from lette_fp.http.errors import HTTPError  # noqa: E402
from lette_fp.http.ranges import parse_ranges  # noqa: E402
from lette_fp.http.url import QueryParams  # noqa: E402

MB = 1024 * 1024
CHUNK = 64 * 1024
BOUNDARY = b"b0undary"


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    for i in range(0, len(data), CHUNK):
        yield data[i : i + CHUNK]


def _run(coro: Any) -> None:
    try:
        coro.send(None)
    except StopIteration:
        return
    raise RuntimeError("the parser awaited something other than its chunks")


def urlencoded(data: bytes) -> Callable[[], None]:
    return lambda: _run(parse_urlencoded(_chunks(data), FormLimits()))


def multipart(data: bytes) -> Callable[[], None]:
    return lambda: _run(parse_multipart(_chunks(data), {b"boundary": BOUNDARY}, FormLimits(), None))


def _part(name: bytes, value: bytes, filename: bytes | None = None) -> bytes:
    disposition = b'form-data; name="' + name + b'"' + (b'; filename="' + filename + b'"' if filename else b"")
    return b"--" + BOUNDARY + b"\r\nContent-Disposition: " + disposition + b"\r\n\r\n" + value + b"\r\n"


def _file(value: bytes) -> bytes:
    return _part(b"f", value, b"f.bin") + b"--" + BOUNDARY + b"--\r\n"


CASES: list[tuple[str, int, Callable[[bytes], Callable[[], None]], bytes]] = [
    ("urlencoded: 2 MB of '&'", 2 * MB, urlencoded, b"&" * (2 * MB)),
    ("urlencoded: '&=' repeated", MB, urlencoded, b"&=" * (MB // 2)),
    ("urlencoded: one 1 MB value of escapes", MB, urlencoded, b"v=" + b"%41" * (MB // 3 - 1)),
    ("multipart: 1 MB preamble of junk", MB, multipart, b"x" * MB + _file(b"a")),
    ("multipart: 1 MB preamble of CRLF", MB, multipart, b"\r\n" * (MB // 2) + _file(b"a")),
    ("multipart: a file of near-miss boundaries", MB, multipart, _file((b"\r\n--b0undar" + b"x") * (MB // 12))),
    ("multipart: a file of CR bytes", MB, multipart, _file(b"\r" * MB)),
    ("multipart: 1,000 tiny fields", 1000 * 60, multipart,
     b"".join(_part(b"k%d" % i, b"v") for i in range(1000)) + b"--" + BOUNDARY + b"--\r\n"),
    ("json: 1 MB of '['", MB, lambda d: lambda: decode_json(d), b"[" * MB),
    ("json: 1 MB of '{\"a\":'", MB, lambda d: lambda: decode_json(d), b'{"a":' * (MB // 5)),
    ("json: an array of 1 MB of ints", MB, lambda d: lambda: decode_json(d), b"[" + b"1," * (MB // 2) + b"1]"),
    ("query: 1 MB of '&'", MB, lambda d: lambda: QueryParams.parse(d), b"&" * MB),
    ("query: 'a=1&' repeated", MB, lambda d: lambda: QueryParams.parse(d), b"a=1&" * (MB // 4)),
    ("cookies: 'a=1; ' repeated", MB, lambda d: lambda: parse_cookies(d.decode()), b"a=1; " * (MB // 5)),
    ("cookies: 1 MB of ';'", MB, lambda d: lambda: parse_cookies(d.decode()), b";" * MB),
    ("range: 'bytes=0-1,' repeated", MB, lambda d: lambda: parse_ranges(d.decode(), 10**9), b"bytes=" + b"0-1," * (MB // 4)),
    ("if-none-match: '\"a\", ' repeated", MB, lambda d: lambda: entity_tags(d.decode()), b'"a", ' * (MB // 5)),
    ("accept: one range with ';q=1' repeated", MB, lambda d: lambda: media_ranges(d.decode()), b"text/html" + b";q=1" * (MB // 4)),
    ("accept: ',' repeated", MB, lambda d: lambda: media_ranges(d.decode()), b"," * MB),
]


def measure(fn: Callable[[], None], runs: int = 3) -> tuple[float, str]:
    best = float("inf")
    outcome = "parsed"
    for _ in range(runs):
        started = time.perf_counter()
        try:
            fn()
            outcome = "parsed"
        except HTTPError as exc:
            outcome = f"{exc.status}"
        best = min(best, time.perf_counter() - started)
    return best, outcome


def main() -> None:
    print(f"{'input':48} {'size':>8} {'ms':>8} {'ms/MB':>7}  outcome")
    for title, size, make, data in CASES:
        seconds, outcome = measure(make(data))
        per_mb = seconds * 1000 / (size / MB)
        flag = "  over" if per_mb > 10 else ""
        print(f"{title:48} {size / MB:7.2f}M {seconds * 1000:8.2f} {per_mb:7.2f}  {outcome}{flag}")


if __name__ == "__main__":
    asyncio.run(asyncio.sleep(0))
    main()
