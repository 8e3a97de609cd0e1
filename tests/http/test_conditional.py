"""Validators and conditional headers: ETag lists (weak and strong), HTTP dates, If-Range."""

import pytest

from lette_fp.http.conditional import (
    entity_tags,
    http_date,
    if_range_allows,
    make_etag,
    modified_since,
    none_match,
    parse_http_date,
)

ETAG = make_etag(1234, 1_700_000_000_123_456_789)
MODIFIED = 1_700_000_000


def test_etag_is_strong_quoted_and_changes_with_size_and_mtime() -> None:
    assert ETAG.startswith('"') and ETAG.endswith('"')
    assert make_etag(1235, 1_700_000_000_123_456_789) != ETAG
    assert make_etag(1234, 1_700_000_000_123_456_790) != ETAG


def test_http_date_round_trips_whole_seconds() -> None:
    assert http_date(MODIFIED + 0.9) == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert parse_http_date(http_date(MODIFIED)) == MODIFIED
    assert parse_http_date("not a date") is None
    assert parse_http_date("Tue, 14 Nov 2023 22:13:20") is None


@pytest.mark.parametrize(
    "header",
    [ETAG, f"W/{ETAG}", f'"other", {ETAG}', f'"a,b" , W/{ETAG}', "*", f" {ETAG} "],
)
def test_if_none_match_matches_weakly_in_lists(header: str) -> None:
    assert none_match(header, ETAG)


@pytest.mark.parametrize("header", ['"other"', "", "garbage", f"{ETAG[:-1]}", f'"x" junk {ETAG}'])
def test_if_none_match_without_our_tag_does_not_match(header: str) -> None:
    assert not none_match(header, ETAG)


def test_entity_tag_lists_are_bounded() -> None:
    assert len(entity_tags(", ".join(['"x"'] * 10_000))) == 256


def test_if_modified_since() -> None:
    assert not modified_since(http_date(MODIFIED), MODIFIED)
    assert not modified_since(http_date(MODIFIED + 60), MODIFIED)
    assert modified_since(http_date(MODIFIED - 1), MODIFIED)
    assert modified_since("yesterday", MODIFIED)


def test_if_range_needs_a_strong_equal_tag_or_the_exact_date() -> None:
    assert if_range_allows(ETAG, ETAG, MODIFIED)
    assert not if_range_allows(f"W/{ETAG}", ETAG, MODIFIED)
    assert not if_range_allows(f"W/{ETAG}", f"W/{ETAG}", MODIFIED)
    assert not if_range_allows('"other"', ETAG, MODIFIED)
    assert if_range_allows(http_date(MODIFIED), ETAG, MODIFIED)
    assert not if_range_allows(http_date(MODIFIED + 1), ETAG, MODIFIED)
    assert not if_range_allows("junk", ETAG, MODIFIED)
