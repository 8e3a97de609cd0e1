"""Path parameter converters: how ``{name:conv}`` matches a segment, parses it and prints it.

Built in: ``str`` (the default), ``int``, ``float``, ``uuid`` and ``path`` (the rest of the
path, slashes included; only allowed at the very end of a pattern). The registry is
module-level: ``register_converter`` affects patterns parsed after the call.
"""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

MISS: Final[object] = object()
"""What a converter's ``parse`` returns for text it does not accept."""


def _generic_parser(
    compiled: re.Pattern[str], to_python: Callable[[str], object]
) -> Callable[[str], object]:
    fullmatch = compiled.fullmatch

    def parse(text: str) -> object:
        if fullmatch(text) is None:
            return MISS
        try:
            return to_python(text)
        except ValueError:
            return MISS

    return parse


@dataclass(frozen=True, slots=True)
class Inline:
    """A converter's inline form, for the compiled router: ``test`` and ``value`` are Python
    expressions in which ``{s}`` stands for the segment's variable. Where ``test`` is true,
    ``value`` is what ``parse`` returns; where it is false, ``parse`` returns ``MISS``."""

    test: str
    value: str

    def render(self, variable: str) -> tuple[str, str]:
        """Return ``(test, value)`` for a segment held in ``variable``."""
        return self.test.replace("{s}", variable), self.value.replace("{s}", variable)


@dataclass(frozen=True, slots=True)
class Converter:
    """A named kind of path parameter: its regex, its parser and its printer.

    ``parse(text)`` returns the converted value, or ``MISS`` when the text does not match
    the regex or ``to_python`` raises ``ValueError``. ``inline``, when set, is the same
    conversion written as code for the compiled router (a property test holds the two equal).
    """

    name: str
    regex: str
    to_python: Callable[[str], object]
    to_string: Callable[[Any], str]
    inline: Inline | None = None
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)
    parse: Callable[[str], object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            compiled = re.compile(self.regex, re.DOTALL)
        except re.error as exc:
            raise ValueError(f"converter {self.name!r}: invalid regex {self.regex!r}: {exc}") from None
        object.__setattr__(self, "compiled", compiled)
        object.__setattr__(self, "parse", _generic_parser(compiled, self.to_python))


def _parse_str(text: str) -> object:
    return text if text else MISS


def _parse_int(text: str) -> object:
    if text.isascii() and text.isdigit() and len(text) <= _INT_DIGITS:
        try:
            return int(text)
        except ValueError:
            return MISS
    return MISS


def _parse_path(text: str) -> object:
    return text


def _int_to_string(value: Any) -> str:
    number = int(value)
    if number < 0:
        raise ValueError(f"negative int {number} cannot be a path parameter")
    return str(number)


def _float_to_string(value: Any) -> str:
    number = float(value) + 0.0
    if number < 0 or number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"float {number!r} cannot be a path parameter")
    return format(Decimal(repr(number)), "f")


def _uuid_to_string(value: Any) -> str:
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))


def _builtin(
    name: str,
    regex: str,
    to_python: Callable[[str], object],
    to_string: Callable[[Any], str],
    parse: Callable[[str], object] | None = None,
    inline: Inline | None = None,
) -> Converter:
    converter = Converter(name, regex, to_python, to_string, inline)
    if parse is not None:
        object.__setattr__(converter, "parse", parse)
    return converter


_INT_DIGITS = sys.get_int_max_str_digits() or sys.maxsize

STR: Final = _builtin("str", r"[^/]+", str, str, _parse_str, Inline("{s}", "{s}"))
INT: Final = _builtin(
    "int", r"[0-9]+", int, _int_to_string, _parse_int,
    Inline(f"{{s}}.isdigit() and {{s}}.isascii() and len({{s}}) <= {_INT_DIGITS}", "int({s})"),
)
FLOAT: Final = _builtin("float", r"[0-9]+(\.[0-9]+)?", float, _float_to_string)
UUID: Final = _builtin(
    "uuid",
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    uuid.UUID,
    _uuid_to_string,
)
PATH: Final = _builtin("path", r".*", str, str, _parse_path)

_REGISTRY: dict[str, Converter] = {c.name: c for c in (STR, INT, FLOAT, UUID, PATH)}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def register_converter(
    name: str,
    regex: str,
    to_python: Callable[[str], object],
    to_string: Callable[[Any], str],
) -> Converter:
    """Register (or replace) the converter ``name`` for patterns parsed from now on.

    ``regex`` must match whole segments (it never sees a '/'); ``to_python`` may raise
    ``ValueError`` to refuse a segment. ``path`` cannot be replaced. Returns the converter.
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"converter name {name!r} is not an identifier")
    if name == "path":
        raise ValueError("the 'path' converter cannot be replaced")
    converter = Converter(name, regex, to_python, to_string)
    _REGISTRY[name] = converter
    return converter


def get_converter(name: str) -> Converter:
    """Return the registered converter called ``name``; raise ``KeyError`` if there is none."""
    return _REGISTRY[name]
