"""Parsing `application/x-www-form-urlencoded` bodies as they stream in (python-multipart)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from python_multipart import QuerystringParser

from lette_fp.forms.data import FormData, FormValue
from lette_fp.forms.limits import FormLimits
from lette_fp.forms.parser_log import PARSER_LOG
from lette_fp.http.errors import HTTPError
from lette_fp.http.url import decode_part, squeeze_separators


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
        self.items.append((decode_part(bytes(self.name)), decode_part(bytes(self.value))))


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
