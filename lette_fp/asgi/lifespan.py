"""The ASGI lifespan protocol: run the App's lifespan context around the server's life."""

from __future__ import annotations

import logging
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from lette_fp.asgi.send import Receive, Scope, Send

if TYPE_CHECKING:
    from lette_fp.app import App

logger = logging.getLogger("lette_fp.error")


async def serve_lifespan(app: App, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer startup (entering `app.lifespan`, whose yielded mapping becomes `req.state`) and
    shutdown (leaving it). A failing startup is reported as `lifespan.startup.failed`."""
    message = await receive()
    assert message["type"] == "lifespan.startup"
    context: Any = None
    try:
        if app.lifespan is not None:
            context = app.lifespan(app)
            state = await context.__aenter__()
            values = dict(state or {})
            app.state = MappingProxyType(values)
            scope_state = scope.get("state")
            if isinstance(scope_state, dict):
                scope_state.update(values)
        try:
            app.state_keys.check(app.state if app.state is not None else scope.get("state") or {})
        except BaseException:
            if context is not None:
                await context.__aexit__(None, None, None)
            raise
    except BaseException as exc:
        logger.error("lifespan startup failed", exc_info=exc)
        await send({"type": "lifespan.startup.failed", "message": f"{type(exc).__name__}: {exc}"})
        return
    await send({"type": "lifespan.startup.complete"})
    message = await receive()
    try:
        if context is not None:
            await context.__aexit__(None, None, None)
    except BaseException as exc:
        logger.error("lifespan shutdown failed", exc_info=exc)
        await send({"type": "lifespan.shutdown.failed", "message": f"{type(exc).__name__}: {exc}"})
        return
    await send({"type": "lifespan.shutdown.complete"})
