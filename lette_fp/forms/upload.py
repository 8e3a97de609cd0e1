"""UploadFile: one uploaded file of a form, and the spool it is received into.

A file is kept in memory up to `SPOOL_MAX_SIZE` bytes, then moved to a temporary file on disk; the
move and every disk access happen in a worker thread, never on the event loop.
"""

from __future__ import annotations

import io
from tempfile import SpooledTemporaryFile
from typing import IO

import anyio.to_thread

from lette_fp.http.headers import Headers

SPOOL_MAX_SIZE = 1024 * 1024
"""Bytes of an uploaded file kept in memory; past this the file is spooled to disk."""


class UploadFile:
    """An uploaded file: `filename`, `content_type`, the part's `headers`, its `size` in bytes and the
    binary `file` it is stored in (read from the start). `read`/`seek`/`close` are async and
    touch the disk only in a worker thread.
    """

    __slots__ = ("_file", "_filename", "_headers", "_size", "_on_disk")

    def __init__(
        self,
        file: IO[bytes],
        *,
        filename: str | None,
        size: int,
        headers: Headers | None = None,
        on_disk: bool = False,
    ) -> None:
        self._file = file
        self._filename = filename
        self._size = size
        self._headers = headers if headers is not None else Headers()
        self._on_disk = on_disk

    @property
    def file(self) -> IO[bytes]:
        """The underlying binary file object, for synchronous libraries (use it off the event loop)."""
        return self._file

    @property
    def filename(self) -> str | None:
        """The file name the client sent (possibly empty; never a path to trust)."""
        return self._filename

    @property
    def content_type(self) -> str | None:
        """The part's Content-Type, or None when the client sent none."""
        return self._headers.get("content-type")

    @property
    def headers(self) -> Headers:
        """The part's headers (Content-Disposition, Content-Type, ...)."""
        return self._headers

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return self._size

    @property
    def on_disk(self) -> bool:
        """Whether the file was spooled to a temporary file on disk."""
        return self._on_disk

    async def read(self, size: int = -1) -> bytes:
        """Read up to `size` bytes (all that is left by default) from the current position."""
        if self._on_disk:
            return await anyio.to_thread.run_sync(self._file.read, size)
        return self._file.read(size)

    async def seek(self, offset: int) -> int:
        """Move to byte `offset` from the start; return the new position."""
        if self._on_disk:
            return await anyio.to_thread.run_sync(self._file.seek, offset)
        return self._file.seek(offset)

    async def close(self) -> None:
        """Close the file (a temporary file on disk is removed)."""
        if self._on_disk:
            await anyio.to_thread.run_sync(self._file.close)
        else:
            self._file.close()

    def __repr__(self) -> str:
        return f"UploadFile(filename={self._filename!r}, content_type={self.content_type!r}, size={self._size})"


class Spool:
    """A file being received. With `to_disk`, a SpooledTemporaryFile that rolls over to disk past
    `SPOOL_MAX_SIZE` (the rollover and later writes run in a worker thread); else memory only."""

    __slots__ = ("file", "size", "on_disk", "_rolls")

    def __init__(self, to_disk: bool) -> None:
        # The file outlives this call: the adapter closes it when the response is done.
        spooled = SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE) if to_disk else None  # noqa: SIM115
        self.file: IO[bytes] = io.BytesIO() if spooled is None else spooled
        self.size = 0
        self.on_disk = False
        self._rolls = to_disk

    async def write(self, data: bytes) -> None:
        """Append `data`, moving the file to disk (off the event loop) once it outgrows memory."""
        size = self.size + len(data)
        if self.on_disk or (self._rolls and size > SPOOL_MAX_SIZE):
            await anyio.to_thread.run_sync(self.file.write, data)
            self.on_disk = True
        else:
            self.file.write(data)
        self.size = size

    async def rewind(self) -> None:
        """Go back to the start, ready for reading."""
        if self.on_disk:
            await anyio.to_thread.run_sync(self.file.seek, 0)
        else:
            self.file.seek(0)

    def close(self) -> None:
        """Close the file now (idempotent)."""
        self.file.close()

    def upload(self, filename: str | None, headers: Headers) -> UploadFile:
        """Return the finished file as an UploadFile."""
        return UploadFile(self.file, filename=filename, size=self.size, headers=headers, on_disk=self.on_disk)
