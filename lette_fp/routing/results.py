"""What ``Router.match`` returns: ``Found``, ``MethodNotAllowed``, ``RedirectSlash`` or
``NOT_FOUND``. Plain slotted classes (cheap to build, usable with ``match``/``case``);
treat them as immutable: results for static paths are built once and shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Generic, TypeAlias, TypeVar

E = TypeVar("E")


class Found(Generic[E]):
    """A match: the prepared ``endpoint``, converted ``params`` and the mount ``prefix``.

    ``params`` is shared between requests for static paths: read it, never mutate it.
    ``prefix`` is the part of the path consumed by enclosing mounts ("" when none).
    """

    __slots__ = ("endpoint", "params", "prefix")
    __match_args__ = ("endpoint", "params", "prefix")

    def __init__(self, endpoint: E, params: Mapping[str, object], prefix: str) -> None:
        self.endpoint = endpoint
        self.params = params
        self.prefix = prefix

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Found)
            and self.endpoint == other.endpoint
            and self.params == other.params
            and self.prefix == other.prefix
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Found({self.endpoint!r}, {dict(self.params)!r}, {self.prefix!r})"


class MethodNotAllowed:
    """The path matched but not for this method; ``allow`` is the sorted allowed methods."""

    __slots__ = ("allow",)
    __match_args__ = ("allow",)

    def __init__(self, allow: tuple[str, ...]) -> None:
        self.allow = allow

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MethodNotAllowed) and self.allow == other.allow

    def __hash__(self) -> int:
        return hash(self.allow)

    def __repr__(self) -> str:
        return f"MethodNotAllowed({self.allow!r})"


class RedirectSlash:
    """Nothing matched, but ``path`` (the same path with its trailing slash toggled) would."""

    __slots__ = ("path",)
    __match_args__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RedirectSlash) and self.path == other.path

    def __hash__(self) -> int:
        return hash(self.path)

    def __repr__(self) -> str:
        return f"RedirectSlash({self.path!r})"


class NotFound(Enum):
    """The type of ``NOT_FOUND``: nothing matched (compare with ``is NOT_FOUND``)."""

    NOT_FOUND = "NOT_FOUND"


NOT_FOUND = NotFound.NOT_FOUND
"""The single "no route matched" result."""

Match: TypeAlias = Found[E] | MethodNotAllowed | RedirectSlash | NotFound
"""Any result of ``Router.match``."""
