"""HTTPError: the exception a handler raises to answer with an HTTP error status."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from lette_fp.http.headers import RawHeaders, raw_headers


def reason_phrase(status: int) -> str:
    """Return the standard reason phrase for `status` ("" when there is none)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class HTTPError(Exception):
    """An HTTP error answer: `status`, a `detail` for the body (its reason phrase by default), extra `headers`.

    Raised from a handler or middleware, or returned inside a `returns` `Failure`, it becomes a
    response with that status (JSON `{"detail": ...}` unless an exception handler says otherwise).
    """

    def __init__(
        self,
        status: int,
        detail: Any = None,
        headers: Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]] | None = None,
    ) -> None:
        self.status = status
        self.detail = reason_phrase(status) if detail is None else detail
        self.headers: RawHeaders = raw_headers(headers)
        super().__init__(status, self.detail)

    def __repr__(self) -> str:
        return f"HTTPError(status={self.status!r}, detail={self.detail!r})"

    def __str__(self) -> str:
        return f"{self.status}: {self.detail}"


class ClientDisconnected(Exception):
    """The client went away before the request was complete; the adapter ends the request quietly."""
