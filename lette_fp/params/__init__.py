"""Typed handler parameters: a handler's signature is bound once, when the App is built."""

from lette_fp.params.adapt import adapt
from lette_fp.params.binding import HandlerSignatureError, bind

__all__ = ["HandlerSignatureError", "adapt", "bind"]
