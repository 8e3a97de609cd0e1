"""What an annotation is, as far as parameter sources care: a scalar, a sequence of scalars, or
neither. Decided by msgspec's own type inspection, once per parameter when the App is built."""

from __future__ import annotations

import functools
from typing import Annotated, Any, get_args, get_origin

import msgspec
import msgspec.inspect as mi

_SCALARS = (
    mi.StrType, mi.IntType, mi.FloatType, mi.BoolType, mi.DecimalType, mi.UUIDType,
    mi.DateType, mi.DateTimeType, mi.TimeType, mi.TimeDeltaType, mi.EnumType, mi.LiteralType,
)
_SEQUENCES = (mi.ListType, mi.VarTupleType, mi.SetType, mi.FrozenSetType)


def split_annotated(annotation: Any) -> tuple[Any, tuple[Any, ...]]:
    """Return `(base, metadata)` of `Annotated[base, *metadata]`, or `(annotation, ())`."""
    if get_origin(annotation) is Annotated:
        base, *extra = get_args(annotation)
        return base, tuple(extra)
    return annotation, ()


def type_info(annotation: Any) -> mi.Type | None:
    """Return msgspec's `type_info` of `annotation` (None for a type msgspec does not know),
    learnt once per hashable annotation: a Struct's is a walk of every field, and each
    parameter and response of every route asks."""
    try:
        return _cached_info(annotation)
    except TypeError:  # unhashable (an Annotated with unhashable metadata)
        return _uncached_info(annotation)


def _uncached_info(annotation: Any) -> mi.Type | None:
    try:
        return mi.type_info(annotation)
    except (TypeError, ValueError):
        return None


_cached_info = functools.lru_cache(maxsize=4096)(_uncached_info)


def bare_type_info(annotation: Any) -> mi.Type | None:
    """Return `type_info(annotation)` without the `Metadata` wrappers documentation puts around
    it (None for a type msgspec does not know)."""
    info = type_info(annotation)
    return None if info is None else _bare(info)


def _bare(info: mi.Type) -> mi.Type:
    """`info` without the `Metadata` wrapper msgspec puts around a type whose `Meta` carries
    documentation (`description`, `title`, `examples`, ...)."""
    while isinstance(info, mi.Metadata):
        info = info.type
    return info


def _members(info: mi.Type) -> list[mi.Type]:
    info = _bare(info)
    if isinstance(info, mi.UnionType):
        return [_bare(t) for t in info.types if not isinstance(_bare(t), mi.NoneType)]
    return [info]


def is_scalar(annotation: Any) -> bool:
    """Return whether `annotation` is a scalar msgspec converts from one string (str, int, float,
    bool, Decimal, UUID, date, datetime, time, timedelta, enums, Literal), or an Optional/union of
    them: a query parameter when nothing else is said."""
    info = bare_type_info(annotation)
    if info is None:
        return False
    members = _members(info)
    return bool(members) and all(isinstance(t, _SCALARS) for t in members)


def is_scalar_sequence(annotation: Any) -> bool:
    """Return whether `annotation` is a list, tuple (`tuple[T, ...]`), set or frozenset of scalars
    (or an Optional of one): read from every value of a repeated key."""
    info = bare_type_info(annotation)
    if info is None:
        return False
    members = _members(info)
    return (
        len(members) == 1
        and isinstance(members[0], _SEQUENCES)
        and all(isinstance(t, _SCALARS) for t in _members(members[0].item_type))
    )


def needs_conversion(annotation: Any, many: bool) -> bool:
    """Return whether a raw string (or list of strings, when `many`) must go through
    `msgspec.convert` to become `annotation`: False for a str (Optional or not) without
    constraints, and a list of those."""
    info = bare_type_info(annotation)
    if info is None:
        return True
    members = _members(info)
    if many:
        if len(members) != 1 or not isinstance(members[0], mi.ListType):
            return True
        if members[0].min_length is not None or members[0].max_length is not None:
            return True
        members = _members(members[0].item_type)
    return not all(_plain_str(t) for t in members)


def _plain_str(info: mi.Type) -> bool:
    return isinstance(info, mi.StrType) and info.min_length is None and info.max_length is None and info.pattern is None


def is_struct_type(annotation: Any) -> bool:
    """Return whether `annotation` is a msgspec Struct class."""
    return isinstance(annotation, type) and issubclass(annotation, msgspec.Struct)
