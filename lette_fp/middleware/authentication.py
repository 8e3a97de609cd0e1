"""Authentication: a backend turns a request into credentials and a user; `requires` guards handlers.

`authentication(backend)` sets `req.user` and `req.auth` for every request. `requires(...)`
wraps one handler, HTTP or websocket alike: a request without the scopes gets an ordinary
`Response` (403, or a redirect to a login route), which for a websocket denies the handshake.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from lette_fp.http.errors import reason_phrase
from lette_fp.http.request import Request
from lette_fp.http.response import Response, json, text
from lette_fp.http.response import redirect as redirect_to
from lette_fp.pipeline import Middleware, interpret, is_async_callable, on_request

F = TypeVar("F", bound=Callable[..., Any])


class AuthenticationError(Exception):
    """Raised by a backend for credentials that are present but wrong: the request gets a 400
    with the message (or what `on_error` returns)."""


class AuthCredentials:
    """What an authenticated request may do: its `scopes`, a tuple of strings."""

    __slots__ = ("scopes",)

    def __init__(self, scopes: Iterable[str] = ()) -> None:
        self.scopes: tuple[str, ...] = (scopes,) if isinstance(scopes, str) else tuple(scopes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AuthCredentials) and self.scopes == other.scopes

    def __hash__(self) -> int:
        return hash(self.scopes)

    def __repr__(self) -> str:
        return f"AuthCredentials({list(self.scopes)!r})"


class SimpleUser:
    """An authenticated user known by name."""

    __slots__ = ("username",)

    def __init__(self, username: str) -> None:
        self.username = username

    @property
    def is_authenticated(self) -> bool:
        """Always True."""
        return True

    @property
    def display_name(self) -> str:
        """The username."""
        return self.username

    @property
    def identity(self) -> str:
        """The username."""
        return self.username

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SimpleUser) and self.username == other.username

    def __hash__(self) -> int:
        return hash(self.username)

    def __repr__(self) -> str:
        return f"SimpleUser({self.username!r})"


class UnauthenticatedUser:
    """`req.user` when the backend recognised nobody: `is_authenticated` is False."""

    __slots__ = ()

    @property
    def is_authenticated(self) -> bool:
        """Always False."""
        return False

    @property
    def display_name(self) -> str:
        """The empty string."""
        return ""

    @property
    def identity(self) -> str:
        """The empty string."""
        return ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnauthenticatedUser)

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "UnauthenticatedUser()"


ANONYMOUS = UnauthenticatedUser()
NO_CREDENTIALS = AuthCredentials()

AuthResult = tuple[AuthCredentials, Any] | None
Backend = Callable[[Request], AuthResult | Awaitable[AuthResult]]
"""`backend(req)`, sync or async: `(AuthCredentials(scopes), user)`, or None for nobody."""

ErrorHandler = Callable[[Request, AuthenticationError], Any]
"""`on_error(req, exc)`, sync or async: the Response for a failed authentication."""


def authentication(backend: Backend, on_error: ErrorHandler | None = None) -> Middleware:
    """Return middleware that runs `backend(req)` and sets `req.auth` and `req.user`
    (`AuthCredentials()` and an `UnauthenticatedUser` when it returns None).

    A backend raising `AuthenticationError` answers 400 with the message, or `on_error(req, exc)`.
    """
    backend_is_async = is_async_callable(backend)

    async def authenticate(req: Request) -> Request | Response:
        try:
            answer = backend(req)
            result = cast(AuthResult, await answer if backend_is_async else answer)  # type: ignore[misc]
        except AuthenticationError as exc:
            if on_error is None:
                return text(str(exc), 400)
            return await interpret(on_error(req, exc))
        if result is None:
            return req.with_attrs(auth=NO_CREDENTIALS, user=ANONYMOUS)
        credentials, user = result
        return req.with_attrs(auth=credentials, user=user)

    return on_request(authenticate)


def has_scopes(req: Request, scopes: Iterable[str]) -> bool:
    """Return whether the request's credentials (`req.auth`) hold every one of `scopes`."""
    granted = req.auth.scopes
    return all(scope in granted for scope in scopes)


def requires(
    *scopes: str | Iterable[str], status_code: int = 403, redirect: str | None = None,
) -> Callable[[F], F]:
    """Return a wrapper for a handler that first checks `req.auth` holds every one of `scopes`.

    Without them the request gets `status_code` (JSON `{"detail": ...}`, like an HTTPError) or,
    with `redirect="route_name"`, a 303 to that route with `?next=<the requested URL>`.
    Use it as a decorator (the handler keeps its signature, so typed parameters still bind) or as
    route middleware: `get("/admin", admin, middleware=[requires("admin")])`, which also checks
    before any typed body is read. It works the same for websocket handlers: the denial is a
    Response, which refuses the handshake. A function whose first parameter can't be the request
    (none at all, or one annotated with another type) is a TypeError when it is decorated.
    """
    needed = tuple(scope for group in scopes for scope in ((group,) if isinstance(group, str) else group))
    denied = json({"detail": reason_phrase(status_code)}, status=status_code)

    def deny(req: Request) -> Response:
        if redirect is None:
            return denied
        target = str(req.url_for(redirect)) + "?" + urlencode({"next": str(req.url)})
        return redirect_to(target, 303)

    def wrap(handler: F) -> F:
        _check_takes_request(handler)

        async def guarded(req: Request, *args: Any, **kwargs: Any) -> Any:
            if not has_scopes(req, needed):
                return deny(req)
            result = handler(req, *args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        functools.update_wrapper(guarded, handler)
        return cast(F, guarded)

    return wrap



def _check_takes_request(handler: Callable[..., Any]) -> None:
    """Raise TypeError unless `handler`'s first parameter can receive the request positionally."""
    try:
        params = list(inspect.signature(handler, follow_wrapped=False).parameters.values())
    except (TypeError, ValueError):
        return
    name = getattr(handler, "__qualname__", repr(handler))
    first = params[0] if params else None
    if first is None or first.kind not in (first.POSITIONAL_ONLY, first.POSITIONAL_OR_KEYWORD, first.VAR_POSITIONAL):
        raise TypeError(f"requires(...) on {name}: it takes no request parameter; declare one first, e.g. `req: Request`")
    annotation = first.annotation
    if annotation not in (first.empty, Request, "Request", Any, "Any") and first.kind is not first.VAR_POSITIONAL:
        raise TypeError(
            f"requires(...) on {name}: its first parameter {first.name!r} is annotated {annotation!r},"
            " but requires passes the request there; declare `req: Request` first"
        )
