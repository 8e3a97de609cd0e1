"""FormData: the parsed form, an immutable multi-valued mapping of field names to values."""

from __future__ import annotations

from lette_fp.forms.upload import UploadFile
from lette_fp.http.multidict import MultiMapping

FormValue = str | UploadFile
"""A form value: the text of a field, or an uploaded file."""


class FormData(MultiMapping[FormValue]):
    """A read-only, multi-valued view of a parsed form, in the order the client sent it.

    `form["name"]` and `get` return the first value; `getall` every value in order; `multi_items()`
    every `(name, value)` pair. Values are `str` for fields and `UploadFile` for files.
    """

    __slots__ = ()

    def files(self) -> list[tuple[str, UploadFile]]:
        """Return the `(name, UploadFile)` pairs in order."""
        return [(k, v) for k, v in self._items if isinstance(v, UploadFile)]

    async def close(self) -> None:
        """Close every uploaded file now (the server adapter does it when the response is done)."""
        for _, upload in self.files():
            await upload.close()
