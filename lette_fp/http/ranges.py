"""Parsing a `Range` header against a representation's size: pure, O(n log n) in the parts.

`parse_ranges(header, size)` returns the byte ranges to send (sorted, overlapping and adjacent
ones merged, half-open `(start, end)`), `None` when the header should be ignored and the whole
representation sent, or raises `HTTPError` 400 (malformed) or 416 (nothing satisfiable).
"""

from __future__ import annotations

from lette_fp.http.errors import HTTPError

ByteRange = tuple[int, int]
"""A half-open slice `(start, end)` of a representation: bytes `start` up to, not including, `end`."""

MAX_RANGE_PARTS = 16_384
"""More comma-separated parts than this in one header: the header is ignored (whole file sent)."""

MAX_MERGED_RANGES = 100
"""More disjoint ranges than this after merging: the header is ignored (whole file sent)."""

_DIGITS = frozenset("0123456789")


def _number(text: str) -> int | None:
    text = text.strip()
    if not text or len(text) > 19 or not _DIGITS.issuperset(text):
        return None
    return int(text)


_MALFORMED: ByteRange = (-1, -1)
_NOTHING: ByteRange = (0, 0)


def _part(spec: str, size: int) -> ByteRange:
    """One `first-last`, `first-` or `-suffix` spec: its range, `_MALFORMED`, or `_NOTHING` when
    it is well formed but selects no byte of a `size`-byte representation."""
    first_text, dash, last_text = spec.partition("-")
    if not dash:
        return _MALFORMED
    if not first_text.strip():
        suffix = _number(last_text)
        if suffix is None:
            return _MALFORMED
        if suffix == 0 or size == 0:
            return _NOTHING
        return (max(size - suffix, 0), size)
    first = _number(first_text)
    if first is None:
        return _MALFORMED
    end = size
    if last_text.strip():
        last = _number(last_text)
        if last is None or last < first:
            return _MALFORMED
        end = min(last + 1, size)
    return (first, end) if first < size else _NOTHING


def merge_ranges(ranges: list[ByteRange]) -> list[ByteRange]:
    """Return `ranges` sorted by start with overlapping and adjacent ones joined (O(n log n))."""
    merged: list[ByteRange] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def parse_ranges(header: str, size: int) -> list[ByteRange] | None:
    """Return the merged byte ranges `header` asks of a `size`-byte representation.

    Returns None when the header is to be ignored (too many parts, or too many disjoint ranges:
    the caller sends everything with 200). Raises HTTPError 400 for a unit other than `bytes` or
    a header with no well-formed part (malformed parts are skipped when a good one remains), and
    HTTPError 416 with `Content-Range: bytes */size` when no part selects any byte.
    """
    unit, eq, specs = header.partition("=")
    if not eq or unit.strip().lower() != "bytes":
        raise HTTPError(400, "Range header: only the 'bytes' unit is supported")
    if specs.count(",") >= MAX_RANGE_PARTS:
        return None
    ranges: list[ByteRange] = []
    well_formed = False
    for spec in specs.split(","):
        part = _part(spec, size)
        if part is _MALFORMED:
            continue
        well_formed = True
        if part is not _NOTHING:
            ranges.append(part)
    if not well_formed:
        raise HTTPError(400, "Range header: no valid byte range")
    if not ranges:
        raise HTTPError(416, "Range Not Satisfiable", {"content-range": f"bytes */{size}"})
    merged = merge_ranges(ranges)
    if len(merged) > MAX_MERGED_RANGES:
        return None
    return merged
