"""lette_fp: a functional ASGI web framework. Pure handlers over immutable requests; responses are data."""

from lette_fp.app import App
from lette_fp.batching import batched
from lette_fp.forms import FormData, UploadFile
from lette_fp.http.errors import HTTPError
from lette_fp.http.files import file
from lette_fp.http.request import Request
from lette_fp.http.response import Response, empty, html, json, raw, redirect, text
from lette_fp.http.streams import stream
from lette_fp.params import Cookie, Depends, Form, HandlerSignatureError, Header, Query, State
from lette_fp.pipeline import Handler, Middleware, on_request, on_response
from lette_fp.routing import (
    NoMatchFound,
    delete,
    get,
    host,
    mount,
    patch,
    post,
    put,
    register_converter,
    route,
    websocket,
)
from lette_fp.sse import Event, sse
from lette_fp.staticfiles import static_files
from lette_fp.ws import ClientClose, Close, accept, client_close
from lette_fp.ws_json import ws_json

__all__ = [
    "App",
    "ClientClose",
    "Close",
    "Cookie",
    "Depends",
    "Event",
    "Form",
    "FormData",
    "HTTPError",
    "Handler",
    "HandlerSignatureError",
    "Header",
    "Middleware",
    "NoMatchFound",
    "Request",
    "Query",
    "Response",
    "State",
    "accept",
    "batched",
    "client_close",
    "delete",
    "empty",
    "file",
    "get",
    "host",
    "html",
    "json",
    "mount",
    "on_request",
    "on_response",
    "patch",
    "post",
    "put",
    "raw",
    "redirect",
    "register_converter",
    "route",
    "sse",
    "static_files",
    "stream",
    "text",
    "UploadFile",
    "websocket",
    "ws_json",
]
