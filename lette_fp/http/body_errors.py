"""Turning msgspec decode errors into HTTP errors: 400 for malformed JSON (or JSON nested deeper
than msgspec's recursion bound), 422 for a wrong shape."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import msgspec

from lette_fp.http.errors import HTTPError

_AT = re.compile(r"^(?P<msg>.*) - at `\$(?P<path>.*)`$", re.S)
_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]|\[\.\.\.\]")

NESTED_TOO_DEEPLY = "Malformed JSON: nested too deeply"
"""The 400 reason for JSON msgspec stops decoding at its recursion bound (about 1000 levels, less
the depth of the calling stack): arrays and objects nested into `Any`, e.g. 100,000 `[`."""

_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}


def decoder_for(type: Any) -> msgspec.json.Decoder[Any]:
    """Return the shared msgspec JSON decoder for `type` (created once per type)."""
    dec = _decoders.get(type)
    if dec is None:
        dec = _decoders[type] = msgspec.json.Decoder(type)
    return dec


def validation_detail(exc: msgspec.ValidationError, root: str = "body") -> list[dict[str, Any]]:
    """Return a FastAPI-style `[{"loc": [...], "msg": ...}]` detail for a msgspec validation error."""
    return validation_errors(exc, (root,))


def validation_errors(exc: msgspec.ValidationError, loc_prefix: Sequence[str | int]) -> list[dict[str, Any]]:
    """Return the `[{"loc": [*loc_prefix, *msgspec's path], "msg": ..., "type": "validation_error"}]`
    detail of a msgspec validation error."""
    text = str(exc)
    match = _AT.match(text)
    loc: list[str | int] = list(loc_prefix)
    msg = text
    if match:
        msg = match.group("msg")
        for name, index in _PART.findall(match.group("path")):
            loc.append(int(index) if index else name)
    return [{"loc": loc, "msg": msg, "type": "validation_error"}]


def decode_json(data: bytes, type: Any = Any) -> Any:
    """Decode `data` as JSON into `type`; raise HTTPError 400 (malformed) or 422 (wrong shape)."""
    try:
        return decoder_for(type).decode(data)
    except msgspec.ValidationError as exc:
        raise HTTPError(422, validation_detail(exc)) from exc
    except msgspec.DecodeError as exc:
        raise HTTPError(400, f"Malformed JSON: {exc}") from exc
    except RecursionError:
        raise HTTPError(400, NESTED_TOO_DEEPLY) from None
