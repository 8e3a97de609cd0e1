"""Choosing the response media type from Accept, and spotting browsers."""

import pytest

from lette_fp.graphql.accept import GRAPHQL_RESPONSE, JSON, response_media_type, wants_html


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE),
        ("application/json, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=0.5, application/json", JSON),
        ("application/graphql-response+json;q=0, */*", JSON),
        ("Application/GraphQL-Response+JSON", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=bogus, application/json", JSON),
        ("text/plain", JSON),
        ("text/plain, " * 100 + "application/graphql-response+json", JSON),
    ],
)
def test_response_media_type(accept: str | None, expected: str) -> None:
    assert response_media_type(accept) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
        ("text/html", True),
        ("text/html;q=0.5, application/json", False),
        ("*/*", False),
        ("text/*", False),
        ("application/json", False),
        (None, False),
    ],
)
def test_wants_html(accept: str | None, expected: bool) -> None:
    assert wants_html(accept) is expected
