"""An operation's summary and description, from its handler's docstring: the first line, and the
rest."""

from __future__ import annotations

import functools
import inspect
from typing import Any


def docstring(fn: Any) -> str | None:
    """Return the cleaned docstring of a handler: a function's (partials unwrapped), or a callable
    object's class's own; None when there is none."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    if inspect.isfunction(fn) or inspect.ismethod(fn):
        doc = fn.__doc__
    else:
        doc = vars(type(fn)).get("__doc__") if not isinstance(fn, type) else vars(fn).get("__doc__")
    return inspect.cleandoc(doc) if isinstance(doc, str) and doc.strip() else None


def summary_and_description(fn: Any) -> tuple[str | None, str | None]:
    """Return `(summary, description)`: the docstring's first line, and what follows it (None
    when nothing does)."""
    doc = docstring(fn)
    if doc is None:
        return None, None
    first, _, rest = doc.partition("\n")
    return first.strip() or None, rest.strip() or None
