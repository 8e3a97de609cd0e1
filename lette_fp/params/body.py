"""Handler parameters filled from the request body, resolved once when the App is built.

A parameter annotated with a type msgspec decodes from a JSON object or array (a Struct,
dataclass, attrs class, TypedDict, NamedTuple, `list[...]`, `dict[...]`, ... or an Optional of
one) receives the JSON body decoded into it; one a model kind claims (a pydantic model, when
pydantic is imported; see params/models.py) receives it decoded and validated by that kind; a
parameter annotated `FormData` receives the parsed form. Both are in every App's resolvers (`lette_fp.params.adapt.DEFAULT_RESOLVERS`).
"""

from __future__ import annotations

import inspect
from typing import Any

import msgspec
import msgspec.inspect

from lette_fp.forms.data import FormData
from lette_fp.forms.upload import UploadFile
from lette_fp.http.body_errors import (
    NESTED_TOO_DEEPLY,
    decoder_for,
    validation_detail,
    validation_errors,
)
from lette_fp.http.errors import HTTPError
from lette_fp.http.request import Request
from lette_fp.params.kinds import bare_type_info, is_scalar_sequence, split_annotated
from lette_fp.params.models import MalformedJSON, ModelError, ModelKind, located, model_kind
from lette_fp.params.registry import Extractor
from lette_fp.params.sources import MISSING

_replace = msgspec.structs.replace

_STRUCTURED = (
    msgspec.inspect.StructType,
    msgspec.inspect.DataclassType,
    msgspec.inspect.TypedDictType,
    msgspec.inspect.NamedTupleType,
    msgspec.inspect.ListType,
    msgspec.inspect.VarTupleType,
    msgspec.inspect.TupleType,
    msgspec.inspect.SetType,
    msgspec.inspect.FrozenSetType,
    msgspec.inspect.DictType,
)


def is_json_media_type(content_type: bytes) -> bool:
    """Return whether a Content-Type value is JSON: `application/json` or `application/*+json`."""
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (media.startswith(b"application/") and media.endswith(b"+json"))


def is_json_body_type(annotation: Any) -> bool:
    """Return whether `annotation` is a type msgspec decodes from a JSON object or array (or an
    Optional/union of such types), or one a model kind claims (a pydantic model, `list[Model]`):
    the annotations that mean "the JSON body"."""
    if model_kind(annotation) is not None:
        return True
    info = bare_type_info(annotation)
    if info is None:
        return False
    if isinstance(info, msgspec.inspect.UnionType):
        members = [t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
        return bool(members) and all(isinstance(t, _STRUCTURED) for t in members)
    return isinstance(info, _STRUCTURED)


def require_json(req: Request) -> None:
    """Raise HTTPError 415 unless the request's Content-Type is JSON (none at all is accepted)."""
    for name, value in req.raw_headers:
        if name == b"content-type":
            if value != b"application/json" and not is_json_media_type(value):
                raise HTTPError(415, "Expected a JSON body (Content-Type: application/json)")
            return


def json_body(annotation: Any, default: Any = inspect.Parameter.empty) -> Extractor:
    """Return an extractor that reads the body and decodes it as JSON into `annotation` with the
    shared decoder for that type. 415 for a non-JSON Content-Type (none at all is accepted), 400
    for an empty body without `default`, malformed JSON or JSON nested too deeply, 422 for the
    wrong shape."""
    decoder = decoder_for(annotation)
    has_default = default is not inspect.Parameter.empty

    async def extract(req: Request) -> tuple[Request, Any]:
        require_json(req)
        data = req.body
        if not isinstance(data, bytes):
            data = await data.read()
            req = _replace(req, body=data)
        try:
            return req, decoder.decode(data)
        except msgspec.ValidationError as exc:
            raise HTTPError(422, validation_detail(exc)) from exc
        except msgspec.DecodeError as exc:
            if not data:
                if has_default:
                    return req, default
                raise HTTPError(400, "Expected a JSON body; the request body is empty") from exc
            raise HTTPError(400, f"Malformed JSON: {exc}") from exc
        except RecursionError:
            raise HTTPError(400, NESTED_TOO_DEEPLY) from None

    return extract


def _texts(form: FormData, key: str) -> list[str]:
    return [value for value in form.getall(key) if isinstance(value, str)]


def form_struct(target: Any) -> Extractor:
    """Return an extractor converting the form's fields into the Struct `target` (its fields
    by their encoded names; list fields take every value of a repeated field): 415 when the body
    is not a form, 422 with msgspec's path under "body" when the fields don't convert."""
    struct, _ = split_annotated(target)
    fields = [(info.encode_name, is_scalar_sequence(info.type)) for info in msgspec.structs.fields(struct)]

    async def extract(req: Request) -> tuple[Request, Any]:
        form = await req.form()
        raw: dict[str, Any] = {}
        for key, many in fields:
            values = _texts(form, key)
            if values:
                raw[key] = values if many else values[0]
        try:
            return req, msgspec.convert(raw, target, strict=False)
        except msgspec.ValidationError as exc:
            raise HTTPError(422, validation_detail(exc)) from exc

    return extract


def form_field(name: str, target: Any, default: Any) -> Extractor:
    """Return an extractor converting the form field `name` (every value of it for a list) to
    `target`: `default` when absent (a 422 "missing" without one), 422 when it doesn't convert."""
    many = is_scalar_sequence(target)

    async def extract(req: Request) -> tuple[Request, Any]:
        values = _texts(await req.form(), name)
        if not values:
            if default is not MISSING:
                return req, default
            raise HTTPError(422, [{"loc": ["body", name], "msg": "Field required", "type": "missing"}])
        try:
            return req, msgspec.convert(values if many else values[0], target, strict=False)
        except msgspec.ValidationError as exc:
            raise HTTPError(422, validation_errors(exc, ("body", name))) from exc

    return extract


async def _form(req: Request) -> tuple[Request, Any]:
    return req, await req.form()


def _upload(name: str, default: Any) -> Extractor:
    async def extract(req: Request) -> tuple[Request, Any]:
        value = (await req.form()).get(name)
        if isinstance(value, UploadFile):
            return req, value
        if value is None and default is not inspect.Parameter.empty:
            return req, default
        raise HTTPError(422, [{"loc": ["body", name], "msg": "Expected an uploaded file", "type": "missing"}])

    return extract


def model_body(kind: ModelKind, annotation: Any, default: Any = inspect.Parameter.empty) -> Extractor:
    """Return an extractor that reads the body and decodes it into `annotation` with `kind`'s
    decoder (a pydantic model, say): the same 415 and 400s as `json_body`, and a 422 listing
    every error the kind reports, each `loc` under "body". The body is read within the lower of
    the route's limit and `kind.body_limit` (413 past it)."""
    decode = kind.decoder(annotation)
    has_default = default is not inspect.Parameter.empty
    cap = kind.body_limit

    async def extract(req: Request) -> tuple[Request, Any]:
        require_json(req)
        data = req.body
        if not isinstance(data, bytes):
            with_limit = getattr(data, "with_limit", None)
            if cap is not None and with_limit is not None:
                limit = getattr(data, "limit", None)
                if limit is None or limit > cap:
                    data = with_limit(cap)
            data = await data.read()
            req = _replace(req, body=data)
        elif cap is not None and len(data) > cap:
            raise HTTPError(413, f"Request body over the limit of {cap} bytes")
        if not data:
            if has_default:
                return req, default
            raise HTTPError(400, "Expected a JSON body; the request body is empty")
        try:
            return req, decode(data)
        except ModelError as exc:
            raise HTTPError(422, located(exc.errors, ("body",))) from exc
        except MalformedJSON as exc:
            raise HTTPError(400, f"Malformed JSON: {exc}") from exc

    return extract


def resolve_json_body(param: inspect.Parameter, annotation: Any, path_params: frozenset[str]) -> Extractor | None:
    """Resolver: a parameter whose annotation is a JSON body type gets the decoded body (by a
    model kind's decoder when one claims the annotation, else msgspec's)."""
    kind = model_kind(annotation)
    if kind is not None:
        return model_body(kind, annotation, param.default)
    if not is_json_body_type(annotation):
        return None
    return json_body(annotation, param.default)


def resolve_form(param: inspect.Parameter, annotation: Any, path_params: frozenset[str]) -> Extractor | None:
    """Resolver: a parameter annotated `FormData` gets `await req.form()` (415 when not a form);
    one annotated `UploadFile` gets the form's file field of its name (422 when absent)."""
    if isinstance(annotation, type) and issubclass(annotation, FormData):
        return _form
    if isinstance(annotation, type) and issubclass(annotation, UploadFile):
        return _upload(param.name, param.default)
    return None

