"""What a handler returns, made a Response once per request by a function chosen at build time.

A Response passes as it is; `returns` containers and awaitables are unwrapped (`interpret`); None
is an empty response (204, or the route's `status` when one is given); any other value is encoded
as JSON by msgspec with the route's `status` (200 by default). When the handler's return
annotation is a msgspec type (a Struct, dataclass, TypedDict, `list[Struct]`, ...) and the value
is of another type, it is converted to the annotated type first, so fields the annotation does not
name (a password hash in a database row) never go out. A pydantic model (or `list[Model]`, ...)
as the annotation is validated from the value's attributes and dumped by pydantic instead, and a
returned pydantic model is encoded by pydantic wherever it sits in the value.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from lette_fp.http.body_errors import decoder_for
from lette_fp.http.response import Response, empty
from lette_fp.params.body import is_json_body_type
from lette_fp.params.models import ModelError, ModelKind, active_kinds, model_builtins, model_kind
from lette_fp.pipeline import interpret

Respond = Callable[[Any], Awaitable[Response]]


class ReturnValueError(TypeError):
    """A handler returned a value that can't be converted to its return annotation or encoded as
    JSON; the message names the handler and the value's type (the request gets a 500)."""


def response_model(annotation: Any) -> Any:
    """Return the type returned values are converted to, from a return annotation: the annotation
    when it is a msgspec structured type, else None (no conversion)."""
    if annotation is None or annotation is Any or annotation is Response:
        return None
    if isinstance(annotation, type) and issubclass(annotation, Response):
        return None
    return annotation if is_json_body_type(annotation) else None


def responder(name: str, return_type: Any, status: int | None) -> Respond:
    """Return `async (value) -> Response` for a handler named `name` (for errors)."""
    ok = 200 if status is None else status
    empty_status = 204 if status is None else status

    def plain_msgspec(value: Any) -> Response:
        if value is None:
            return empty(empty_status)
        if return_type is not None and type(value) is not return_type:
            try:
                value = _converted(value, return_type)
            except (msgspec.ValidationError, TypeError) as exc:
                raise ReturnValueError(
                    f"handler {name} returned {type(value).__qualname__}, which does not convert to "
                    f"its return annotation {return_type!r}: {exc}"
                ) from exc
        try:
            return Response(ok, _JSON, _encode(value))
        except (TypeError, msgspec.EncodeError) as exc:
            raise ReturnValueError(
                f"handler {name} returned {type(value).__qualname__}, which can't be encoded as JSON: {exc}"
            ) from exc

    kind = model_kind(return_type) if return_type is not None else None
    plain = plain_msgspec if kind is None else _model_plain(name, return_type, kind, ok, empty_status)

    async def respond(value: Any) -> Response:
        kind = type(value)
        if kind is Response:
            return value  # type: ignore[no-any-return]
        plain_type = _PLAIN_TYPES.get(kind)
        if plain_type is None:
            if len(_PLAIN_TYPES) >= _MAX_TYPES:
                _PLAIN_TYPES.clear()  # types made at run time must not grow it without bound
            plain_type = _PLAIN_TYPES[kind] = _is_plain_type(kind)
        return plain(value) if plain_type else await interpret(value, plain)

    return respond


def _model_plain(name: str, return_type: Any, kind: ModelKind, ok: int, empty_status: int) -> Callable[[Any], Response]:
    """`plain` for a return annotation a model kind claims (`-> Model`, `-> list[Model]`)."""
    encode = kind.encoder(return_type)

    def plain(value: Any) -> Response:
        if value is None:
            return empty(empty_status)
        try:
            return Response(ok, _JSON, encode(value))
        except ModelError as exc:
            raise ReturnValueError(
                f"handler {name} returned {type(value).__qualname__}, which does not convert to "
                f"its return annotation {return_type!r}: {exc.errors}"
            ) from exc

    return plain


def _converted(value: Any, return_type: Any) -> Any:
    """`value` converted by msgspec to a msgspec return annotation; a value msgspec can't read
    (one holding pydantic models, say) is converted from the JSON it would be sent as."""
    try:
        return msgspec.convert(value, return_type, from_attributes=True)
    except (msgspec.ValidationError, TypeError) as exc:
        if not active_kinds():
            raise
        try:
            sent = _encode(value)
        except (TypeError, msgspec.EncodeError):
            raise exc from None
        return decoder_for(return_type).decode(sent)


def _enc_hook(value: Any) -> Any:
    builtins = model_builtins(type(value))
    if builtins is None:
        raise TypeError(f"Encoding objects of type {type(value).__qualname__} is unsupported")
    return builtins(value)


_JSON = ((b"content-type", b"application/json"),)
_encode = msgspec.json.Encoder(enc_hook=_enc_hook).encode
"""msgspec's JSON encoder, which asks the model kinds (pydantic) only for a type it can't encode."""

_MAX_TYPES = 1024
_PLAIN_TYPES: dict[type, bool] = {}
"""Whether values of a type are plain (encoded as JSON at once) rather than a Response, an
awaitable or a `returns` container for `interpret` to unwrap; learnt once per type."""


def _is_plain_type(kind: type) -> bool:
    from returns.io import IO, IOResult
    from returns.result import Result

    if issubclass(kind, Response | IO | IOResult | Result) or hasattr(kind, "__await__"):
        return False
    return not any(getattr(base, "__module__", "").startswith("returns.") for base in kind.__mro__)
