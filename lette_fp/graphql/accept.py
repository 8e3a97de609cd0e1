"""Choosing what to answer a GraphQL-over-HTTP request with, from its `Accept` header."""

from __future__ import annotations

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
HTML = "text/html"

MAX_MEDIA_RANGES = 32
"""Media ranges past this many in one Accept header are ignored."""
MAX_PARAMS = 8
"""Parameters past this many (the media type counted) in one media range are ignored."""


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in accept.split(",", MAX_MEDIA_RANGES)[:MAX_MEDIA_RANGES]:
        media, *params = part.split(";", MAX_PARAMS)[:MAX_PARAMS]
        quality = 1.0
        for param in params:
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media.strip().lower(), quality))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """Return (q, specificity) of `media` under the most specific range matching it."""
    kind = media.partition("/")[0]
    best = (0.0, -1)
    for candidate, quality in ranges:
        if candidate == media:
            specificity = 2
        elif candidate == f"{kind}/*":
            specificity = 1
        elif candidate == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (quality, specificity)
    return best


def response_media_type(accept: str | None) -> str:
    """Return the JSON media type to answer with: `application/graphql-response+json` when the
    client names it and ranks it at least as high as `application/json`, else `application/json`
    (also for a missing Accept header, wildcards, or one naming neither)."""
    if not accept:
        return JSON
    ranges = _ranges(accept)
    graphql_q, graphql_specificity = _quality(GRAPHQL_RESPONSE, ranges)
    json_q, _ = _quality(JSON, ranges)
    if graphql_specificity == 2 and graphql_q > 0 and graphql_q >= json_q:
        return GRAPHQL_RESPONSE
    return JSON


def wants_html(accept: str | None) -> bool:
    """Return whether the client names `text/html` (a browser) and ranks it above the JSON types."""
    if not accept:
        return False
    ranges = _ranges(accept)
    html_q, specificity = _quality(HTML, ranges)
    if specificity != 2 or html_q == 0:
        return False
    return html_q >= max(_quality(GRAPHQL_RESPONSE, ranges)[0], _quality(JSON, ranges)[0])
