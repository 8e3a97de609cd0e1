"""The showcase App: a landing page linking every example in `catalog.EXAMPLES`, each mounted
under its slug, and one lifespan that runs the examples' lifespans.

Serve it with `make run` (uvicorn on 127.0.0.1:8000) or `uvicorn examples.showcase.app:app`.
With `REDIS_URL` set, the examples that publish (the chat room, the notifications) share their
channels through that Redis, so `uvicorn examples.showcase.app:app --workers 2` works as one site.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from examples.showcase.catalog import EXAMPLES, Example
from lette_fp import App, Request, Response, get, html, mount

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
li { margin: 1rem 0; } a { font-weight: 600; } code { background: #f3f3f3; padding: 0 .2rem; }
"""


def landing_page(examples: Sequence[Example]) -> Any:
    """Return the handler of `/`: a page with one link per mounted example (built by `url_for`)."""

    def landing(req: Request) -> Response:
        items = "".join(
            f'<li><a href="{html_lib.escape(req.url_for(ex.slug, path="/").path)}">{html_lib.escape(ex.title)}</a>'
            f"<br>{html_lib.escape(ex.summary)} <code>{html_lib.escape(ex.source)}</code></li>"
            for ex in examples
        )
        return html(
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>lette_fp showcase</title>'
            f"<style>{STYLE}</style></head><body><h1>lette_fp showcase</h1>"
            f"<p>Each example below is a complete lette_fp App, mounted here under its own path.</p>"
            f'<ul id="examples">{items}</ul></body></html>'
        )

    return landing


def lifespan_of(apps: Sequence[Any]) -> Any:
    """Return a lifespan that enters the lifespan of every lette_fp App in `apps` and yields the
    union of their states (a mounted App reads it as `req.state`); a key two apps yield is an error."""

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[Mapping[str, Any]]:
        state: dict[str, Any] = {}
        async with AsyncExitStack() as stack:
            for child in apps:
                if getattr(child, "lifespan", None) is None:
                    continue
                values = await stack.enter_async_context(child.lifespan(child)) or {}
                clash = state.keys() & values.keys()
                if clash:
                    raise RuntimeError(f"two mounted apps put {sorted(clash)} in the state")
                state.update(values)
            yield state

    return lifespan


def create_app(examples: Sequence[Example] = EXAMPLES) -> App:
    """Return the showcase App for `examples`."""
    routes: list[Any] = [get("/", landing_page(examples), name="landing")]
    routes += [mount(f"/{ex.slug}", ex.app, name=ex.slug) for ex in examples]
    return App(routes=routes, lifespan=lifespan_of([ex.app for ex in examples]))


app = create_app()
