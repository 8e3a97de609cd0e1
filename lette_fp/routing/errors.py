"""The two ways routing refuses: a name it cannot build, and a table it cannot compile."""

from __future__ import annotations


class NoMatchFound(Exception):
    """Raised by ``url_path_for`` when no route has the name or the params do not fit it."""


class RouteConflict(ValueError):
    """Raised at compile time when two routes (or mounts) claim the same name or path+method."""
