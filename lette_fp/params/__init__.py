"""Typed handler parameters and dependencies: a handler's signature is compiled once, when the App
is built, into one `async (Request) -> Response` (`adapt`)."""

from lette_fp.params.adapt import adapt
from lette_fp.params.markers import Cookie, Depends, Form, Header, Query, State
from lette_fp.params.registry import Extractor, HandlerSignatureError, Resolver
from lette_fp.params.returns import ReturnValueError
from lette_fp.params.state import MissingStateError

__all__ = [
    "Cookie",
    "Depends",
    "Extractor",
    "Form",
    "HandlerSignatureError",
    "Header",
    "MissingStateError",
    "Query",
    "Resolver",
    "ReturnValueError",
    "State",
    "adapt",
]
