"""Reading a handler's (or provider's) signature once into slots: where each parameter comes from.

The rules, in order, for each parameter:
- a marker in `Annotated[...]`: `Depends`, `State`, `Header`, `Cookie`, `Query` (on a Struct
  or a pydantic model: a group of query parameters), `Form` (a form field, or on a Struct the
  form's fields);
- annotated `Request` (or the first parameter, unannotated: `def show(req, id)`) is the request;
- a name in the route's path is a path parameter, converted to its annotation;
- a scalar (str, int, float, bool, Decimal, UUID, date, datetime, enum, Literal, Optional of
  these) is a query parameter; a list/tuple/set of scalars reads a repeated query key;
- anything else goes to the App's resolvers (JSON bodies, forms, ...).
A parameter none of these takes is a `HandlerSignatureError` naming where it was met.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, get_type_hints

import msgspec

from lette_fp.http.request import Request
from lette_fp.params.body import form_field, form_struct
from lette_fp.params.kinds import is_scalar, is_scalar_sequence, is_struct_type, split_annotated
from lette_fp.params.markers import Cookie, Depends, Form, Header, Query, State
from lette_fp.params.models import model_kind
from lette_fp.params.registry import Extractor, HandlerSignatureError, Resolver
from lette_fp.params.sources import MISSING, Field

_MARKERS = (Depends, State, Header, Cookie, Query, Form)


@dataclass(frozen=True, slots=True)
class Slot:
    """One parameter: `kind` is "request", "field" (`field`), "state" (`key`), "extract"
    (`extractor`, from a resolver, with the parameter's `annotation` and `default`) or "depends"
    (`depends`); `positional` when it is passed by position."""

    name: str
    kind: str
    positional: bool
    field: Field | None = None
    key: str = ""
    extractor: Extractor | None = None
    depends: Depends | None = None
    annotation: Any = None
    default: Any = MISSING


def describe(fn: Any) -> str:
    """Return the name used for `fn` in error messages (its qualified name)."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    return str(getattr(fn, "__qualname__", None) or getattr(type(fn), "__qualname__", repr(fn)))


def type_hints(fn: Any) -> dict[str, Any]:
    """Return `fn`'s resolved annotations with `Annotated` kept (classes by their `__init__`,
    partials and callable objects included); {} when they can't be resolved."""
    init = vars(fn).get("__init__") if isinstance(fn, type) else None
    for target in (fn, init, getattr(fn, "func", None), type(fn).__dict__.get("__call__")):
        if target is None:
            continue
        try:
            hints = get_type_hints(target, include_extras=True)
        except Exception:
            continue
        if hints or target is not fn:
            return hints
    return {}


def slots_of(
    fn: Callable[..., Any],
    chain: str,
    path_params: frozenset[str],
    resolvers: Sequence[Resolver],
) -> list[Slot]:
    """Return the slots of `fn`'s parameters; `chain` names the way here (handler → provider)."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return [Slot("req", "request", True)]
    hints = type_hints(fn)
    out: list[Slot] = []
    for index, param in enumerate(sig.parameters.values()):
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise HandlerSignatureError(f"{chain}: *args/**kwargs parameter {param.name!r} can't be resolved")
        raw = param.annotation
        annotation = hints.get(param.name, Any if raw is param.empty or isinstance(raw, str) else raw)
        positional = param.kind is not param.KEYWORD_ONLY
        out.append(_slot(param, annotation, index == 0, positional, chain, path_params, resolvers))
    return out


def _marker(metadata: Sequence[Any]) -> Any:
    for item in metadata:
        if isinstance(item, _MARKERS):
            return item
        if item in (Header, Cookie, Query, Form):
            return item()
    return None


def _slot(
    param: inspect.Parameter,
    annotation: Any,
    first: bool,
    positional: bool,
    chain: str,
    path_params: frozenset[str],
    resolvers: Sequence[Resolver],
) -> Slot:
    name = param.name
    default = MISSING if param.default is param.empty else param.default
    base, metadata = split_annotated(annotation)
    marker = _marker(metadata)
    target = _without_markers(base, metadata)
    where = f"{chain}: parameter {name!r}"
    if isinstance(marker, Depends):
        return Slot(name, "depends", positional, depends=marker)
    if isinstance(marker, State):
        return Slot(name, "state", positional, key=marker.key)
    if isinstance(marker, Header | Cookie):
        source = "header" if isinstance(marker, Header) else "cookie"
        wire = marker.alias or name
        if isinstance(marker, Header):
            wire = (wire if marker.alias else wire.replace("_", "-") if marker.convert_underscores else wire).lower()
        return Slot(name, "field", positional, field=_field(source, wire, target, default, where))
    if isinstance(marker, Query):
        if is_struct_type(base):
            return Slot(name, "field", positional, field=_group(marker.alias or name, base, default, where))
        group = _model_group(marker.alias or name, base, default, where)
        if group is not None:
            return Slot(name, "field", positional, field=group)
        return Slot(name, "field", positional, field=_field("query", marker.alias or name, target, default, where))
    if isinstance(marker, Form):
        if is_struct_type(base):
            extractor = form_struct(target)
        elif is_scalar(target) or is_scalar_sequence(target):
            extractor = form_field(marker.alias or name, target, default)
        else:
            raise HandlerSignatureError(f"{where}: a form parameter must be a Struct, a scalar or a list of scalars, not {target!r}")
        return Slot(name, "extract", positional, extractor=extractor, annotation=annotation, default=default)
    if isinstance(base, type) and issubclass(base, Request):
        return Slot(name, "request", positional)
    if first and base is Any and name not in path_params:
        return Slot(name, "request", positional)
    if name in path_params:
        field = Field("path", name, str if annotation is Any else target, default)
        return Slot(name, "field", positional, field=field)
    if annotation is not Any and (is_scalar(target) or is_scalar_sequence(target)):
        return Slot(name, "field", positional, field=_field("query", name, target, default, where))
    if annotation is not Any:
        for resolver in resolvers:
            found = resolver(param, annotation, path_params)
            if found is not None:
                return Slot(name, "extract", positional, extractor=found, annotation=annotation, default=default)
    raise HandlerSignatureError(
        f"{where} is neither a path param ({', '.join(sorted(path_params)) or 'none'}), "
        f"a query/header/cookie scalar, Depends/State, nor a type lette_fp can supply "
        f"(annotation {annotation!r})"
    )


def _without_markers(base: Any, metadata: Sequence[Any]) -> Any:
    rest = tuple(m for m in metadata if not isinstance(m, _MARKERS) and m not in (Header, Cookie, Query, Form))
    return Annotated[(base, *rest)] if rest else base


def _field(source: str, wire: str, target: Any, default: Any, where: str) -> Field:
    many = is_scalar_sequence(target)
    if not many and not is_scalar(target):
        raise HandlerSignatureError(f"{where}: a {source} parameter must be a scalar or a list of scalars, not {target!r}")
    return Field(source, wire, target, default, many)


def _group(name: str, struct: type[msgspec.Struct], default: Any, where: str) -> Field:
    members = []
    for info in msgspec.structs.fields(struct):
        has_default = info.default is not msgspec.NODEFAULT or info.default_factory is not msgspec.NODEFAULT
        member_default = None if has_default else MISSING
        members.append(_field("query", info.encode_name, info.type, member_default, f"{where}, field {info.name!r}"))
    return Field("query", name, struct, default, False, tuple(members))


def _model_group(name: str, model: Any, default: Any, where: str) -> Field | None:
    """A query group of a model kind's model (pydantic): its fields read like a Struct's (each a
    scalar or a list of scalars, as msgspec sees it), the whole converted by the kind, which
    reports every missing or bad field."""
    kind = model_kind(model)
    fields = kind.group_fields(model) if kind is not None else None
    if kind is None or fields is None:
        return None
    members = tuple(
        _field("query", wire, annotation, member_default, f"{where}, field {wire!r}")
        for wire, annotation, member_default in fields
    )
    return Field("query", name, model, default, False, members, kind.converter(model))
