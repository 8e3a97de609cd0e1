"""The examples the showcase mounts. Adding one is one line in `EXAMPLES`."""

from __future__ import annotations

from typing import Any

import msgspec

import examples.auth
import examples.chat
import examples.graphql_app
import examples.hello
import examples.llm_stream
import examples.model_api
import examples.notes_api
import examples.uploads


class Example(msgspec.Struct, frozen=True):
    """One mounted example: served under `/{slug}/`, listed on the landing page."""

    slug: str
    title: str
    summary: str
    app: Any
    source: str


EXAMPLES: tuple[Example, ...] = (
    Example("hello", "Hello, world", "The ten-line app from the README: two JSON routes.", examples.hello.app, "examples/hello.py"),
    Example("notes-api", "Notes API", "JSON CRUD with msgspec Structs and SQLAlchemy 2 async, one transaction per request, pagination, 404/409/422.", examples.notes_api.app, "examples/notes_api/"),
    Example("llm-stream", "Token stream", "Server-sent events: a fake model's tokens appear as they are generated (EventSource, Last-Event-ID).", examples.llm_stream.app, "examples/llm_stream.py"),
    Example("digits", "Digits model", "A scikit-learn model trained at start-up; concurrent requests micro-batched into one model call; predictions streamed as SSE.", examples.model_api.app, "examples/model_api.py"),
    Example("uploads", "Uploads", "Multipart uploads with limits and a progress bar; resumable downloads with Range.", examples.uploads.app, "examples/uploads.py"),
    Example("auth", "Log in", "A login form, a signed session cookie, pages guarded by requires, logout.", examples.auth.app, "examples/auth.py"),
    Example("chat", "Chat room", "WebSockets: every message to every connected tab; bounded queues per client, merge.", examples.chat.app, "examples/chat/"),
    Example("graphql", "GraphQL bookshelf", "A graphql-core schema with a query, a mutation and a live subscription; GraphiQL.", examples.graphql_app.app, "examples/graphql_app.py"),
)
