"""Parsing path and host patterns into segments, once, when a route is built.

A path pattern starts with "/" and is split on "/" into segments. Each segment is literal
text, one ``{name}``/``{name:conv}`` param, a mix of both (``{name}.{ext}``, matched by a
regex for that segment only) or, at the very end, a tail holding a ``path`` param that
takes the rest of the path. ``Segment.key`` identifies what a segment matches: equal keys
match the same texts, whatever the param names.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Final

from .converters import PATH, STR, Converter, get_converter

LITERAL: Final = 0
PARAM: Final = 1
MIXED: Final = 2
REST: Final = 3
REST_MIXED: Final = 4

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Param:
    """A ``{name:converter}`` placeholder in a pattern."""

    name: str
    converter: Converter


Part = str | Param


def _group(index: int) -> str:
    return f"_lf{index}"


def _regex(parts: tuple[Part, ...], forbid: str) -> re.Pattern[str]:
    pieces = []
    for index, part in enumerate(parts):
        if isinstance(part, str):
            pieces.append(re.escape(part))
        else:
            regex = f"[^{forbid}]+" if forbid and part.converter is STR else part.converter.regex
            pieces.append(f"(?P<{_group(index)}>{regex})")
    return re.compile("".join(pieces), re.DOTALL)


@dataclass(frozen=True, slots=True)
class Segment:
    """One '/'-separated piece of a path pattern: its parts, kind, trie key and regex.

    ``kind`` is LITERAL, PARAM, MIXED, REST (a lone path param) or REST_MIXED; ``regex``
    is set for the mixed kinds and captures each param in a group named by ``groups``.
    """

    parts: tuple[Part, ...]
    kind: int = field(init=False)
    key: Hashable = field(init=False)
    regex: re.Pattern[str] | None = field(init=False, compare=False)
    groups: tuple[tuple[str, Converter], ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        params = [(i, p) for i, p in enumerate(self.parts) if isinstance(p, Param)]
        tail = bool(params) and params[-1][1].converter is PATH
        shape = tuple(p if isinstance(p, str) else p.converter for p in self.parts)
        key: Hashable
        if not params:
            kind, key = LITERAL, "".join(p for p in self.parts if isinstance(p, str))
        elif len(self.parts) == 1:
            kind, key = (REST, ("rest",)) if tail else (PARAM, ("param", shape[0]))
        else:
            kind = REST_MIXED if tail else MIXED
            key = ("rest-mixed" if tail else "mixed", shape)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "key", key)
        mixed = kind in (MIXED, REST_MIXED)
        object.__setattr__(self, "regex", _regex(self.parts, "") if mixed else None)
        object.__setattr__(self, "groups", tuple((_group(i), p.converter) for i, p in params))

    @property
    def params(self) -> tuple[Param, ...]:
        """Return the params of this segment, in order."""
        return tuple(p for p in self.parts if isinstance(p, Param))

    @property
    def text(self) -> str:
        """Return the segment as written in a pattern."""
        return "".join(
            p if isinstance(p, str) else f"{{{p.name}:{p.converter.name}}}" for p in self.parts
        )


@dataclass(frozen=True, slots=True)
class PathPattern:
    """A parsed path pattern: its source text and segments ("/a/" is ``a`` then ``""``)."""

    source: str
    segments: tuple[Segment, ...]

    @property
    def params(self) -> tuple[Param, ...]:
        """Return every param of the pattern, left to right."""
        return tuple(p for s in self.segments for p in s.params)

    @property
    def is_static(self) -> bool:
        """Return True when the pattern has no params, so it matches exactly one path."""
        return all(s.kind == LITERAL for s in self.segments)

    @property
    def key(self) -> tuple[Hashable, ...]:
        """Return what the pattern matches, independent of param names."""
        return tuple(s.key for s in self.segments)

    def __add__(self, other: PathPattern) -> PathPattern:
        """Return this pattern followed by ``other`` (a mount prefix plus a child path)."""
        joined = PathPattern(self.source + other.source, self.segments + other.segments)
        _check_names(joined.source, joined.params)
        if any(p.converter is PATH for s in self.segments for p in s.params):
            raise ValueError(f"invalid pattern {joined.source!r}: 'path' param must be last")
        return joined


EMPTY: Final = PathPattern("", ())
REST_SEGMENT: Final = Segment((Param("path", PATH),))


def _fail(source: str, why: str) -> ValueError:
    return ValueError(f"invalid route pattern {source!r}: {why}")


def _parse_parts(text: str, source: str) -> tuple[Part, ...]:
    parts: list[Part] = []
    pos = 0
    while pos < len(text):
        start = text.find("{", pos)
        stray = text.find("}", pos, len(text) if start < 0 else start)
        if stray >= 0:
            raise _fail(source, "unbalanced braces")
        if start < 0:
            parts.append(text[pos:])
            break
        if start > pos:
            parts.append(text[pos:start])
        end = text.find("}", start)
        if end < 0 or "{" in text[start + 1 : end]:
            raise _fail(source, "unbalanced braces")
        name, colon, conv = text[start + 1 : end].partition(":")
        if not _IDENT.fullmatch(name) or (colon and not _IDENT.fullmatch(conv)):
            raise _fail(source, f"bad parameter {text[start : end + 1]!r}")
        try:
            converter = get_converter(conv or "str")
        except KeyError:
            raise _fail(source, f"unknown converter {conv!r}") from None
        parts.append(Param(name, converter))
        pos = end + 1
    return tuple(parts) or ("",)


def _check_names(source: str, params: tuple[Param, ...]) -> None:
    seen: set[str] = set()
    for param in params:
        if param.name in seen:
            raise _fail(source, f"duplicate parameter {param.name!r}")
        seen.add(param.name)


def parse_path(source: str) -> PathPattern:
    """Parse a route path like ``/users/{id:int}``; raise ``ValueError`` naming bad ones."""
    if not isinstance(source, str) or not source.startswith("/"):
        raise ValueError(f"invalid route pattern {source!r}: must start with '/'")
    segments = tuple(Segment(_parse_parts(text, source)) for text in source[1:].split("/"))
    params = [p for s in segments for p in s.params]
    if any(p.converter is PATH for p in params[:-1]) or (
        params
        and params[-1].converter is PATH
        and (segments[-1].parts[-1] is not params[-1])
    ):
        raise _fail(source, "a 'path' param must be the last thing in the pattern")
    _check_names(source, tuple(params))
    return PathPattern(source, segments)


def parse_prefix(source: str) -> PathPattern:
    """Parse a mount prefix: like a path, trailing '/' dropped, "/" meaning no prefix."""
    if not isinstance(source, str) or (source and not source.startswith("/")):
        raise ValueError(f"invalid mount prefix {source!r}: must start with '/'")
    stripped = source.rstrip("/")
    if not stripped:
        return EMPTY
    pattern = parse_path(stripped)
    if any(p.converter is PATH for p in pattern.params):
        raise ValueError(f"invalid mount prefix {source!r}: a prefix cannot use 'path'")
    return pattern


@dataclass(frozen=True, slots=True)
class HostPattern:
    """A parsed host pattern: ``static`` for a plain name, else a regex with str params.

    ``port`` is the pattern's port (``port.example.org:3600``): not matched (the Host header's
    port is ignored), used when a url is built; ``parts`` build the name back from params.
    """

    source: str
    static: str | None
    regex: re.Pattern[str] | None
    groups: tuple[tuple[str, str], ...]
    port: int | None = None
    parts: tuple[str | Param, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Return the param names of the pattern, left to right."""
        return tuple(name for _, name in self.groups)

    @property
    def key(self) -> str:
        """Return what the pattern matches, independent of param names and case."""
        if self.regex is not None:
            return self.regex.pattern
        return self.static or ""

    def match(self, host: str) -> dict[str, object] | None:
        """Return the params of a normalised host (see ``normalize_host``), or None."""
        if self.regex is None:
            return {} if host == self.static else None
        found = self.regex.fullmatch(host)
        if found is None:
            return None
        return {name: found.group(group) for group, name in self.groups}

    def build(self, params: Mapping[str, object]) -> str | None:
        """Return ``name[:port]`` for ``params``, or None for a pattern with params none of
        which were given (the url then keeps the request's host). ValueError when only some
        are given, or a value would not match back."""
        names = self.names
        if self.static is not None:
            name = self.static
        else:
            given = [n for n in names if n in params]
            if not given:
                return None
            if len(given) != len(names):
                missing = sorted(set(names) - set(given))
                raise ValueError(f"host {self.source!r} needs params {sorted(names)}; missing {missing}")
            name = "".join(p if isinstance(p, str) else str(params[p.name]).lower() for p in self.parts)
            if self.match(name) is None or any(
                "." in str(params[n]) or not str(params[n]) for n in names
            ):
                raise ValueError(f"host {self.source!r}: params {dict((n, params[n]) for n in names)!r} do not fit")
        return name if self.port is None else f"{name}:{self.port}"


_HOST_PORT = re.compile(r"(.*):([0-9]{1,5})")


def parse_host(source: str) -> HostPattern:
    """Parse a host pattern like ``{sub}.example.org`` or ``port.example.org:3600`` (lowercased,
    str params, an optional port that urls are built with but matching ignores)."""
    if not isinstance(source, str) or not source:
        raise ValueError(f"invalid host pattern {source!r}: expected a host name")
    name, port = source, None
    with_port = _HOST_PORT.fullmatch(source)
    if with_port is not None:
        name, port = with_port.group(1), int(with_port.group(2))
        if not 0 < port < 65536:
            raise ValueError(f"invalid host pattern {source!r}: a port is 1 to 65535")
    if not name or any(c in name for c in "/:"):
        raise ValueError(f"invalid host pattern {source!r}: expected a name, then at most ':port'")
    parts = tuple(
        p.lower() if isinstance(p, str) else p for p in _parse_parts(name.rstrip("."), source)
    )
    params = tuple(p for p in parts if isinstance(p, Param))
    if any(p.converter is not STR for p in params):
        raise ValueError(f"invalid host pattern {source!r}: only str params are allowed")
    _check_names(source, params)
    if not params:
        return HostPattern(source, "".join(p for p in parts if isinstance(p, str)), None, (), port, parts)
    groups = tuple(
        (_group(i), p.name) for i, p in enumerate(parts) if isinstance(p, Param)
    )
    return HostPattern(source, None, _regex(parts, "."), groups, port, parts)


def normalize_host(value: str) -> str:
    """Return a Host header value without its port, lowercased, without a trailing dot."""
    if value.startswith("["):
        end = value.find("]")
        value = value[: end + 1] if end >= 0 else value
    else:
        value = value.partition(":")[0]
    return value.lower().rstrip(".")
