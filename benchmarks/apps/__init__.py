"""One module per framework, each exposing ``make_app(decoys: int = 50)``.

Every module implements the same scenarios (see ``benchmarks/apps/common.py``):

    GET  /plaintext        S1  "Hello, World!" as text/plain
    GET  /json             S2  {"message": "Hello, World!"}
    GET  /users/{id:int}   S3  {"id": <int>}, declared after ``decoys`` decoy routes
    GET  /echo?q=abc       S4  {"q": "abc", "token": <x-token header>}
    POST /items            S5  ~1 KB JSON decoded into a typed value and re-encoded
    GET  /mw/json          S6  S2 behind three pass-through middleware
    GET  /stream           S7  100 x 1 KB chunks from an async generator

A framework whose middleware can only be installed app-wide also exposes
``make_mw_app()``: an app with just ``/mw/json`` behind three app-wide middleware,
so that S6's middleware does not slow the other scenarios.
"""

FRAMEWORKS = (
    "raw_asgi",
    "lette",
    "starlette_app",
    "fastapi_app",
    "litestar_app",
    "blacksheep_app",
    "falcon_app",
)
