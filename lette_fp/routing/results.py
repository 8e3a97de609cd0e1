"""What ``Router.match`` returns: ``Found``, ``MethodNotAllowed``, ``RedirectSlash`` or
``NOT_FOUND``. Frozen msgspec Structs (built in C, ~70 ns; usable with ``match``/``case``).

``Found`` is not tracked by the garbage collector (``gc=False``, half the cost to build):
it must not end up in a reference cycle, which holds as long as its ``params`` are only
read. Results for static paths are built once and shared between requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import Generic, TypeAlias, TypeVar

import msgspec

E = TypeVar("E")


NO_PARAMS: Mapping[str, object] = MappingProxyType({})
"""The params of a match that captures none: read-only, as it is shared by every request (the
edge puts it in `scope["path_params"]` as it is)."""


class Found(msgspec.Struct, Generic[E], frozen=True, gc=False):
    """A match: the prepared ``endpoint``, converted ``params`` and the mount ``prefix``.

    ``params`` may be shared between requests: read it, never mutate it. ``prefix`` is
    the part of the path consumed by enclosing mounts ("" when none).
    """

    endpoint: E
    params: Mapping[str, object]
    prefix: str


class MethodNotAllowed(msgspec.Struct, frozen=True):
    """The path matched but not for this method; ``allow`` is the sorted allowed methods."""

    allow: tuple[str, ...]


class RedirectSlash(msgspec.Struct, frozen=True):
    """Nothing matched, but ``path`` (the same path with its trailing slash toggled) would."""

    path: str


class NotFound(Enum):
    """The type of ``NOT_FOUND``: nothing matched (compare with ``is NOT_FOUND``)."""

    NOT_FOUND = "NOT_FOUND"


NOT_FOUND = NotFound.NOT_FOUND
"""The single "no route matched" result."""

Match: TypeAlias = Found[E] | MethodNotAllowed | RedirectSlash | NotFound
"""Any result of ``Router.match``."""
