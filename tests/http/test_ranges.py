"""Range header parsing: single, suffix, open-ended, several (merged, sorted), 400 and 416."""

import time

import pytest

from lette_fp.http.errors import HTTPError
from lette_fp.http.ranges import MAX_MERGED_RANGES, merge_ranges, parse_ranges


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-9", [(0, 10)]),
        ("bytes=-100", [(900, 1000)]),
        ("bytes=-5000", [(0, 1000)]),
        ("bytes=990-", [(990, 1000)]),
        ("bytes=995-2000", [(995, 1000)]),
        ("bytes=500-599,0-99", [(0, 100), (500, 600)]),
        ("bytes=0-99,50-149,100-199", [(0, 200)]),
        ("bytes=0-9,10-19", [(0, 20)]),
        ("BYTES = 0-9 , 20-29", [(0, 10), (20, 30)]),
        ("bytes=0-9,abc,5-x,-", [(0, 10)]),
        ("bytes=100-0,0-9", [(0, 10)]),
        ("bytes=0-9,2000-3000", [(0, 10)]),
    ],
)
def test_valid_ranges_are_sorted_merged_and_clamped(header: str, expected: list[tuple[int, int]]) -> None:
    assert parse_ranges(header, 1000) == expected


@pytest.mark.parametrize("header", ["items=0-9", "bytes=", "bytes=100-0", "bytes=abc", "bytes", "bytes=--5", "bytes=1-2-3"])
def test_malformed_headers_are_400(header: str) -> None:
    with pytest.raises(HTTPError) as info:
        parse_ranges(header, 1000)
    assert info.value.status == 400


@pytest.mark.parametrize(("header", "size"), [("bytes=1000-", 1000), ("bytes=2000-3000", 1000), ("bytes=-0", 1000), ("bytes=0-0", 0), ("bytes=-10", 0)])
def test_nothing_satisfiable_is_416_naming_the_size(header: str, size: int) -> None:
    with pytest.raises(HTTPError) as info:
        parse_ranges(header, size)
    assert info.value.status == 416
    assert (b"content-range", b"bytes */%d" % size) in info.value.headers


def test_ten_thousand_ranges_answer_fast() -> None:
    overlapping = "bytes=" + ",".join(f"{i}-{i + 50}" for i in range(10_000))
    disjoint = "bytes=" + ",".join(f"{i * 3}-{i * 3}" for i in range(10_000))
    started = time.perf_counter()
    assert parse_ranges(overlapping, 1_000_000) == [(0, 10_050)]
    assert parse_ranges(disjoint, 1_000_000) is None
    assert time.perf_counter() - started < 0.5


def test_too_many_disjoint_ranges_are_ignored_but_a_few_are_kept() -> None:
    header = "bytes=" + ",".join(f"{i * 3}-{i * 3}" for i in range(MAX_MERGED_RANGES))
    assert len(parse_ranges(header, 10_000) or []) == MAX_MERGED_RANGES
    assert parse_ranges(header + ",9000-9000", 10_000) is None


def test_merge_keeps_disjoint_ranges_apart() -> None:
    assert merge_ranges([(5, 6), (0, 2), (1, 3), (7, 9)]) == [(0, 3), (5, 6), (7, 9)]
