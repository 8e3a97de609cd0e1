"""The ASGI lifespan protocol: run the App's lifespan context around the server's life."""

from __future__ import annotations

import logging
from types import MappingProxyType
from typing import Any

from lette_fp.asgi.compiled import Compiled
from lette_fp.asgi.types import Receive, Scope, Send

logger = logging.getLogger("lette_fp.error")


async def serve_lifespan(compiled: Compiled, scope: Scope, receive: Receive, send: Send) -> None:
    """Answer startup (entering `compiled.lifespan`, whose yielded mapping becomes `req.state`) and
    shutdown (leaving it, after which `req.state` is the unstarted one again, so an App served
    again does not see the last run's values). A failing startup is reported as
    `lifespan.startup.failed`."""
    message = await receive()
    assert message["type"] == "lifespan.startup"
    context: Any = None
    try:
        if compiled.lifespan is not None:
            context = compiled.lifespan()
            state = await context.__aenter__()
            values = dict(state or {})
            compiled.state.value = MappingProxyType(values)
            scope_state = scope.get("state")
            if isinstance(scope_state, dict):
                scope_state.update(values)
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
        compiled.state.value = None
        logger.error("lifespan shutdown failed", exc_info=exc)
        await send({"type": "lifespan.shutdown.failed", "message": f"{type(exc).__name__}: {exc}"})
        return
    compiled.state.value = None
    await send({"type": "lifespan.shutdown.complete"})
