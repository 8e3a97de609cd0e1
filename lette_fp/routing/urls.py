"""Building paths from route names: ``url_path_for`` through each converter's ``to_string``.

Every printed param is checked against its converter's regex (and a mixed segment
against its own regex) so that a built path always matches back to the same values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import NoMatchFound
from .flatten import Leaf
from .patterns import LITERAL, MIXED, REST_MIXED, HostPattern, Param, PathPattern, Segment


def _print(name: str, param: Param, value: object) -> str:
    converter = param.converter
    try:
        text = converter.to_string(value)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise NoMatchFound(
            f"route {name!r}: {param.name}={value!r} is not a valid {converter.name}: {exc}"
        ) from None
    if converter.compiled.fullmatch(text) is None:
        raise NoMatchFound(
            f"route {name!r}: {param.name}={value!r} prints as {text!r},"
            f" which a {converter.name} param does not match"
        )
    return text


def _segment(name: str, segment: Segment, params: Mapping[str, object]) -> str:
    if segment.kind == LITERAL:
        return "".join(p for p in segment.parts if isinstance(p, str))
    pieces = [p if isinstance(p, str) else _print(name, p, params[p.name]) for p in segment.parts]
    text = "".join(pieces)
    if segment.kind in (MIXED, REST_MIXED):
        assert segment.regex is not None
        found = segment.regex.fullmatch(text)
        printed = [piece for piece, part in zip(pieces, segment.parts, strict=True)
                   if isinstance(part, Param)]
        if found is None or [found.group(g) for g, _ in segment.groups] != printed:
            raise NoMatchFound(
                f"route {name!r}: params {printed!r} in {segment.text!r} would not match back"
            )
    return text


@dataclass(frozen=True, slots=True)
class Reverse:
    """How to build the url of one named leaf (or named mount of routes).

    ``optional`` are host params: not needed for the path; given, they build the host. An app
    mount, or a mount of routes (``app``), also takes ``path``, appended after its prefix.
    """

    name: str
    pattern: PathPattern
    optional: frozenset[str]
    app: bool
    host: HostPattern | None = None

    def reverse(self, params: Mapping[str, object]) -> tuple[str | None, str]:
        """Return ``(host, path)`` for ``params``: the host (``name[:port]``) of an enclosing
        ``host(...)`` pattern, None when there is none or its params were not given; raise
        ``NoMatchFound`` if the params do not fit."""
        path = self.build(params)
        if self.host is None:
            return None, path
        try:
            return self.host.build(params), path
        except ValueError as exc:
            raise NoMatchFound(f"route {self.name!r}: {exc}") from None

    def build(self, params: Mapping[str, object]) -> str:
        """Return the path for ``params``; raise ``NoMatchFound`` if they do not fit."""
        required = {p.name for p in self.pattern.params} | ({"path"} if self.app else set())
        given = set(params) - self.optional
        if given != required:
            missing, extra = sorted(required - given), sorted(given - required)
            raise NoMatchFound(
                f"route {self.name!r} ({self.pattern.source or '/'}) takes params"
                f" {sorted(required)}; missing {missing}, unexpected {extra}"
            )
        path = "/" + "/".join(_segment(self.name, s, params) for s in self.pattern.segments)
        if not self.app:
            return path
        rest = str(params["path"])
        path = path if self.pattern.segments else ""
        if rest and not rest.startswith("/"):
            rest = "/" + rest
        return path + rest or "/"


def reverse(leaf: Leaf) -> Reverse:
    """Return the url builder for a named leaf."""
    assert leaf.full_name is not None
    optional = frozenset(leaf.host.names) if leaf.host else frozenset()
    if leaf.methods is None:
        return Reverse(leaf.full_name, leaf.prefix, optional, True, leaf.host)
    return Reverse(leaf.full_name, leaf.patterns[0], optional, False, leaf.host)
