"""Parsing `application/x-www-form-urlencoded` bodies as they stream in (python-multipart)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from python_multipart import QuerystringParser

from lette_fp.forms.data import FormData, FormValue
from lette_fp.forms.limits import FormLimits
from lette_fp.forms.parser_log import PARSER_LOG
from lette_fp.http.errors import HTTPError
from lette_fp.http.url import percent_decode

_AMPERSANDS = re.compile(rb"&{2,}")


def squeeze_separators(chunk: bytes) -> bytes:
    """Return `chunk` with each run of `&` made one `&`: the empty fields between them are
    skipped anyway, and python-multipart would otherwise walk (and log) them byte by byte."""
    if b"&&" in chunk:
        return _AMPERSANDS.sub(b"&", chunk)
    return chunk


def decode_component(raw: bytes) -> str:
    """Decode one urlencoded name or value: `+` is a space, escapes are bytes, text is UTF-8
    (invalid sequences replaced, so no input fails to decode); HTTPError 400 past
    MAX_BARE_PERCENTS lone `%` signs."""
    if b"%" in raw or b"+" in raw:
        raw = percent_decode(raw.replace(b"+", b" "))
    return raw.decode("utf-8", "replace")


class _Fields:
    """python-multipart callbacks collecting `(name, value)` pairs within the limits."""

    def __init__(self, limits: FormLimits) -> None:
        self.limits = limits
        self.items: list[tuple[str, FormValue]] = []
        self.count = 0
        self.size = 0
        self.name = bytearray()
        self.value = bytearray()

    def on_field_start(self) -> None:
        self.count += 1
        if self.count > self.limits.max_fields:
            raise HTTPError(400, f"Too many fields in the form (limit {self.limits.max_fields})")
        self.size = 0
        self.name = bytearray()
        self.value = bytearray()

    def _grow(self, amount: int) -> None:
        self.size += amount
        if self.size > self.limits.max_part_size:
            raise HTTPError(400, f"A form field is over the limit of {self.limits.max_part_size} bytes")

    def on_field_name(self, data: bytes, start: int, end: int) -> None:
        self._grow(end - start)
        self.name += data[start:end]

    def on_field_data(self, data: bytes, start: int, end: int) -> None:
        self._grow(end - start)
        self.value += data[start:end]

    def on_field_end(self) -> None:
        self.items.append((decode_component(bytes(self.name)), decode_component(bytes(self.value))))


async def parse_urlencoded(chunks: AsyncIterator[bytes], limits: FormLimits) -> FormData:
    """Parse a urlencoded body from `chunks`; HTTPError 400 past `max_fields` or `max_part_size`.

    Linear in the body size with a small constant: runs of empty fields cost a C-speed scan."""
    fields = _Fields(limits)
    parser = QuerystringParser(
        {
            "on_field_start": fields.on_field_start,
            "on_field_name": fields.on_field_name,
            "on_field_data": fields.on_field_data,
            "on_field_end": fields.on_field_end,
        }
    )
    parser.logger = PARSER_LOG  # type: ignore[assignment]  # a LoggerAdapter, duck-typed
    async for chunk in chunks:
        parser.write(squeeze_separators(chunk))
    parser.finalize()
    return FormData(fields.items)
