"""The database: the table, the engine made from `DATABASE_URL`, the lifespan that owns the
engine, and the middleware that gives each request one transaction."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from lette_fp import App, Request, Response
from lette_fp.pipeline import Handler

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///notes.db"

metadata = MetaData()

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(200), nullable=False, unique=True),
    Column("body", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


def database_url(url: str | None = None) -> str:
    """Return the async SQLAlchemy URL for `url` (or `$DATABASE_URL`, or a local SQLite file).

    Plain `postgres://` / `postgresql://` URLs get the asyncpg driver, `sqlite://` URLs aiosqlite.
    """
    url = url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    scheme, sep, rest = url.partition("://")
    drivers = {"postgres": "postgresql+asyncpg", "postgresql": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}
    return drivers.get(scheme, scheme) + sep + rest


def make_engine(url: str) -> AsyncEngine:
    """Return the engine for an async URL (SQLite waits up to 15 s for a lock held by a writer)."""
    if url.startswith("sqlite"):
        return create_async_engine(url, connect_args={"timeout": 15})
    return create_async_engine(url, pool_pre_ping=True)


def lifespan_for(url: str) -> Any:
    """Return the app's lifespan: create the engine and the table, yield `{"engine": engine}`
    (read back as `req.state["engine"]`), dispose of the engine at shutdown."""

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[Mapping[str, Any]]:
        engine = make_engine(url)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(metadata.create_all)
            yield {"engine": engine}
        finally:
            await engine.dispose()

    return lifespan


def transaction(next_handler: Handler) -> Handler:
    """Middleware: run the request in one transaction on `req.attrs["db"]`, committed when the
    response is a success (status < 400) and rolled back on an error response or an exception."""

    async def handler(req: Request) -> Response:
        engine: AsyncEngine = req.state["engine"]
        async with engine.connect() as conn:
            await conn.begin()
            try:
                resp = await next_handler(req.with_attrs(db=conn))
            except BaseException:
                await conn.rollback()
                raise
            if resp.status < 400:
                await conn.commit()
            else:
                await conn.rollback()
            return resp

    return handler


def db(req: Request) -> AsyncConnection:
    """Return the request's connection (inside its transaction)."""
    conn: AsyncConnection = req.attrs["db"]
    return conn
