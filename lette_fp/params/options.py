"""Route options as `adapt` reads them: a route's over its mounts' over the App's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CONCATENATED = frozenset({"dependencies"})
"""Options whose values add up from the outside in (the App's guards run first) instead of the
inner one replacing the outer."""


def merge_options(outer: Mapping[str, Any], inner: Mapping[str, Any]) -> dict[str, Any]:
    """Return `inner` over `outer`: inner values win, except `dependencies`, which are
    concatenated (outer first)."""
    merged = dict(outer)
    for key, value in inner.items():
        if key in CONCATENATED and key in merged:
            merged[key] = (*merged[key], *value)
        else:
            merged[key] = value
    return merged
