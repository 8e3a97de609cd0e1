"""The shape of the resolvers an App consults for parameters no built-in source takes (lette_fp's
own, for typed JSON bodies and forms, are in params/body.py), and the build-time error for a
parameter nothing can supply."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from lette_fp.http.request import Request

Extractor = Callable[[Request], Awaitable[tuple[Request, Any]]]
"""Given a request, return the (possibly read) request and the parameter's value."""

Resolver = Callable[[inspect.Parameter, Any, frozenset[str]], Extractor | None]
"""Given a parameter, its resolved annotation and the route's path-param names, return an
extractor for it, or None when this resolver does not handle it."""


class HandlerSignatureError(TypeError):
    """A handler or provider declares a parameter that can't be resolved (or a dependency cycle);
    raised when the App is built, naming the chain handler → provider → parameter."""

