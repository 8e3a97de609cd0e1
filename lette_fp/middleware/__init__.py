"""Middleware: each a function returning a `Middleware` (`Callable[[Handler], Handler]`).

List them in `App(middleware=[...])`, a mount's or a route's `middleware=[...]`; the first listed
is the outermost.
"""

from lette_fp.middleware.authentication import (
    AuthCredentials,
    AuthenticationError,
    SimpleUser,
    UnauthenticatedUser,
    authentication,
    requires,
)
from lette_fp.middleware.cors import cors
from lette_fp.middleware.gzip import gzip
from lette_fp.middleware.https_redirect import https_redirect
from lette_fp.middleware.sessions import sessions
from lette_fp.middleware.trusted_host import trusted_host

__all__ = [
    "AuthCredentials",
    "AuthenticationError",
    "SimpleUser",
    "UnauthenticatedUser",
    "authentication",
    "cors",
    "gzip",
    "https_redirect",
    "requires",
    "sessions",
    "trusted_host",
]
