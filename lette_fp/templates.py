"""Jinja2 templates: `Templates(directory=...)` renders a template into an `html` Response.

`templates.render(req, name, ctx)` is a pure call returning the whole page;
`templates.stream(req, name, ctx)` returns a response whose body is rendered as it is sent.
The context always holds `request` and `url_for`. Needs the `templates` extra (Jinja2).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any

try:
    import jinja2
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "lette_fp.templates needs Jinja2, which is not installed: "
        "pip install 'lette-fp[templates]'"
    ) from exc

from lette_fp.http.entities import Stream
from lette_fp.http.request import Request
from lette_fp.http.response import HeadersArg, Response, html, text

ContextProcessor = Callable[[Request], Mapping[str, Any]]
"""`(Request) -> Mapping`: extra values merged into every template context."""

DEFAULT_CHUNK_SIZE = 4096
"""How many characters `Templates.stream` gathers before sending a chunk."""


class TemplateError(RuntimeError):
    """A template could not be found or rendered; the message names the template (and the line).

    Raised from `render`/`stream`; unhandled, it is a 500 whose details go to the log (or the
    debug page). The Jinja2 exception is its `__cause__`.
    """

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"template {name!r}: {message}")
        self.name = name


@jinja2.pass_context
def url_for(context: Mapping[str, Any], name: str, /, **params: Any) -> Any:
    """The template global `url_for(name, **params)`: the absolute URL of a named route,
    built from the `request` in the template's context."""
    request: Request = context["request"]
    return request.url_for(name, **params)


def _environment(directory: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=jinja2.select_autoescape(("html", "htm", "xml"), default_for_string=True),
    )


class Templates:
    """Jinja2 templates found in `directory` (or served by a ready `env`).

    With `directory`, the environment loads from the file system and autoescapes `.html`, `.htm`
    and `.xml` templates. `context_processors` add values to every context. The `url_for` global
    is added to the environment unless it already has one.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
        *,
        env: jinja2.Environment | None = None,
        context_processors: Sequence[ContextProcessor] = (),
    ) -> None:
        if (directory is None) == (env is None):
            raise TypeError("Templates needs exactly one of `directory` or `env`")
        self.env: jinja2.Environment = env if env is not None else _environment(directory)  # type: ignore[arg-type]
        self.env.globals.setdefault("url_for", url_for)
        self.context_processors = tuple(context_processors)

    def get_template(self, name: str) -> jinja2.Template:
        """Return the compiled template `name`; raise TemplateError when it is missing or invalid."""
        try:
            return self.env.get_template(name)
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(name, f"not found ({_search_path(self.env)})") from exc
        except jinja2.TemplateSyntaxError as exc:
            where = exc.filename or exc.name or name
            raise TemplateError(name, f"syntax error at line {exc.lineno} of {where}: {exc.message}") from exc

    def context(self, req: Request, ctx: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Return the context a template sees: the processors' values, `ctx`, then `request`."""
        values: dict[str, Any] = {}
        for processor in self.context_processors:
            values.update(processor(req))
        if ctx:
            values.update(ctx)
        values["request"] = req
        return values

    def render(
        self,
        req: Request,
        name: str,
        ctx: Mapping[str, Any] | None = None,
        status: int = 200,
        headers: HeadersArg = None,
        media_type: str = "text/html",
    ) -> Response:
        """Render template `name` with `ctx` and return it as an `html` Response (or `media_type`).

        A pure call: nothing is sent. A missing template or an error while rendering raises
        TemplateError naming the template; an async environment (`enable_async=True`) is a
        TypeError (use `stream`).
        """
        if self.env.is_async:
            raise TypeError("Templates.render needs a synchronous environment: use stream() with enable_async=True")
        template = self.get_template(name)
        try:
            content = template.render(self.context(req, ctx))
        except Exception as exc:
            raise _render_error(name, exc) from exc
        if media_type == "text/html":
            return html(content, status, headers)
        return text(content, status, headers, media_type)

    def stream(
        self,
        req: Request,
        name: str,
        ctx: Mapping[str, Any] | None = None,
        status: int = 200,
        headers: HeadersArg = None,
        media_type: str = "text/html",
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> Response:
        """Return a Response whose body renders template `name` while it is sent.

        Rendered text goes out in chunks of about `chunk_size` characters (0: every piece as
        Jinja2 produces it). A missing or invalid template raises TemplateError now; an error
        while rendering raises it from the body, after the headers went out. With an async
        environment (`enable_async=True`) the template may loop over async iterables.
        """
        template = self.get_template(name)
        context = self.context(req, ctx)
        base = html("", status, headers) if media_type == "text/html" else text("", status, headers, media_type)
        if self.env.is_async:
            pieces: AsyncIterator[str] = template.generate_async(context)
        else:
            pieces = _from_sync(template.generate(context))
        return base.with_body(Stream(_chunked(name, pieces, chunk_size)))


def _search_path(env: jinja2.Environment) -> str:
    loader = env.loader
    if isinstance(loader, jinja2.FileSystemLoader):
        return "searched " + ", ".join(os.fspath(p) for p in loader.searchpath)
    return f"loader {type(loader).__name__}"


def _render_error(name: str, exc: Exception) -> TemplateError:
    if isinstance(exc, TemplateError):
        return exc
    if isinstance(exc, jinja2.TemplateNotFound):
        return TemplateError(name, f"includes {exc.name!r}, which was not found")
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = exc.filename or exc.name or name
        return TemplateError(name, f"syntax error at line {exc.lineno} of {where}: {exc.message}")
    location = _template_location(exc)
    return TemplateError(name, f"{type(exc).__name__}: {exc}{location}")


def _template_location(exc: BaseException) -> str:
    """Return " (line N of FILE)" for the innermost template frame of `exc`'s traceback."""
    found = ""
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if "__jinja_exception__" in frame.f_globals:
            found = f" (line {tb.tb_lineno} of {frame.f_code.co_filename})"
        tb = tb.tb_next
    return found


async def _from_sync(pieces: Iterator[str]) -> AsyncIterator[str]:
    for piece in pieces:
        yield piece


async def _chunked(name: str, pieces: AsyncIterator[str], chunk_size: int) -> AsyncIterator[str]:
    buffer: list[str] = []
    size = 0
    try:
        async for piece in pieces:
            buffer.append(piece)
            size += len(piece)
            if size >= chunk_size:
                yield "".join(buffer)
                buffer.clear()
                size = 0
    except Exception as exc:
        raise _render_error(name, exc) from exc
    finally:
        aclose = getattr(pieces, "aclose", None)
        if aclose is not None:
            await aclose()
    if buffer:
        yield "".join(buffer)


__all__ = ["ContextProcessor", "TemplateError", "Templates", "url_for"]
