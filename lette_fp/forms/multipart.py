"""Parsing `multipart/form-data` bodies as they stream in (python-multipart): fields in memory,
files into spools (to disk past 1 MiB when a `close_later` is given), every limit a 400."""

from __future__ import annotations

import codecs
import itertools
from collections.abc import AsyncIterator
from operator import itemgetter

from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartState, parse_options_header

from lette_fp.forms.data import FormData
from lette_fp.forms.limits import FormLimits
from lette_fp.forms.parser_log import PARSER_LOG
from lette_fp.forms.upload import Spool, UploadFile
from lette_fp.http.entities import CloseLater
from lette_fp.http.errors import HTTPError
from lette_fp.http.headers import Headers

MAX_BOUNDARY_LENGTH = 200
"""The longest multipart boundary accepted (RFC 2046 allows 70 characters)."""


def multipart_boundary(params: dict[bytes, bytes]) -> bytes:
    """Return the boundary of a multipart Content-Type's parameters; HTTPError 400 when it is
    missing, empty or too long."""
    boundary = params.get(b"boundary")
    if not boundary:
        raise HTTPError(400, "Missing boundary in the multipart/form-data Content-Type")
    if len(boundary) > MAX_BOUNDARY_LENGTH:
        raise HTTPError(400, f"Multipart boundary over {MAX_BOUNDARY_LENGTH} characters")
    return boundary


def form_charset(params: dict[bytes, bytes]) -> str:
    """Return the charset a Content-Type declares for the form's text, UTF-8 when absent or unknown."""
    name = params.get(b"charset", b"utf-8").decode("latin-1")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


class _Part:
    __slots__ = ("headers", "header_name", "header_value", "name", "data", "spool", "filename")

    def __init__(self) -> None:
        self.headers: list[tuple[bytes, bytes]] = []
        self.header_name = b""
        self.header_value = b""
        self.name = ""
        self.data = bytearray()
        self.spool: Spool | None = None
        self.filename: str | None = None


class _Collector:
    """python-multipart callbacks building the form's items within the limits. File data is queued
    in `writes` (callbacks are synchronous) and written by `flush` after each parsed chunk."""

    def __init__(self, charset: str, limits: FormLimits, close_later: CloseLater | None) -> None:
        self.charset = charset
        self.limits = limits
        self.close_later = close_later
        self.part = _Part()
        self.items: list[tuple[str, str | tuple[Spool, str | None, Headers]]] = []
        self.spools: list[Spool] = []
        self.writes: list[tuple[Spool, bytes]] = []
        self.fields = 0
        self.files = 0

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.part.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.part.header_value += data[start:end]

    def on_header_end(self) -> None:
        part = self.part
        part.headers.append((part.header_name.lower(), part.header_value))
        part.header_name = part.header_value = b""

    def on_headers_finished(self) -> None:
        part = self.part
        disposition = next((v for k, v in part.headers if k == b"content-disposition"), None)
        _, options = parse_options_header(disposition)
        name = options.get(b"name")
        if name is None:
            raise HTTPError(400, "A multipart part has no name in its Content-Disposition header")
        part.name = name.decode(self.charset, "replace")
        limits = self.limits
        if b"filename" in options:
            self.files += 1
            if self.files > limits.max_files:
                raise HTTPError(400, f"Too many files in the form (limit {limits.max_files})")
            part.filename = options[b"filename"].decode(self.charset, "replace")
            part.spool = spool = Spool(to_disk=self.close_later is not None)
            self.spools.append(spool)
            if self.close_later is not None:
                self.close_later(spool.close)
        else:
            self.fields += 1
            if self.fields > limits.max_fields:
                raise HTTPError(400, f"Too many fields in the form (limit {limits.max_fields})")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        part = self.part
        if part.spool is not None:
            self.writes.append((part.spool, data[start:end]))
            return
        if len(part.data) + (end - start) > self.limits.max_part_size:
            raise HTTPError(400, f"Form field {part.name!r} is over the limit of {self.limits.max_part_size} bytes")
        part.data += data[start:end]

    def on_part_end(self) -> None:
        part = self.part
        if part.spool is None:
            self.items.append((part.name, part.data.decode(self.charset, "replace")))
        else:
            self.items.append((part.name, (part.spool, part.filename, Headers(tuple(part.headers)))))

    async def flush(self) -> None:
        """Write the queued file data, one write per file per chunk."""
        writes, self.writes = self.writes, []
        for spool, group in itertools.groupby(writes, key=itemgetter(0)):
            await spool.write(b"".join(data for _, data in group))

    async def form(self) -> FormData:
        """Return the finished form, every file rewound to its start."""
        for spool in self.spools:
            await spool.rewind()
        return FormData(
            (name, value if isinstance(value, str) else _upload(*value)) for name, value in self.items
        )

    def close(self) -> None:
        for spool in self.spools:
            spool.close()


def _upload(spool: Spool, filename: str | None, headers: Headers) -> UploadFile:
    return spool.upload(filename, headers)


async def parse_multipart(
    chunks: AsyncIterator[bytes],
    params: dict[bytes, bytes],
    limits: FormLimits,
    close_later: CloseLater | None,
) -> FormData:
    """Parse a multipart body from `chunks` with the Content-Type's `params` (boundary, charset).

    Files go to spools that roll over to disk when `close_later` is given (it is told how to close
    them), else stay in memory. HTTPError 400 for malformed input or a limit passed.
    """
    collector = _Collector(form_charset(params), limits, close_later)
    received = False
    try:
        parser = MultipartParser(
            multipart_boundary(params),
            {
                "on_part_begin": collector.on_part_begin,
                "on_part_data": collector.on_part_data,
                "on_part_end": collector.on_part_end,
                "on_header_field": collector.on_header_field,
                "on_header_value": collector.on_header_value,
                "on_header_end": collector.on_header_end,
                "on_headers_finished": collector.on_headers_finished,
            },
        )
        parser.logger = PARSER_LOG  # type: ignore[assignment]  # a LoggerAdapter, duck-typed
        async for chunk in chunks:
            received = received or bool(chunk)
            parser.write(chunk)
            if collector.writes:
                await collector.flush()
        parser.finalize()
        if received and parser.state != MultipartState.END:
            raise HTTPError(400, "The multipart body ended before its closing boundary")
        return await collector.form()
    except FormParserError as exc:
        collector.close()
        raise HTTPError(400, f"Invalid multipart body: {exc}") from None
    except BaseException:
        collector.close()
        raise
