"""The database: the table, the engine made from `DATABASE_URL`, the lifespan that owns the
engine, and the `get_session` provider that gives each request one transaction."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Annotated, Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from lette_fp import App, Depends, State

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


async def get_session(engine: Annotated[AsyncEngine, State("engine")]) -> AsyncIterator[AsyncConnection]:
    """Provider: one connection in one transaction per request, committed when the handler
    returns and rolled back when it (or a later provider) raises: the exception is thrown in at
    the `yield`."""
    async with engine.connect() as conn:
        await conn.begin()
        try:
            yield conn
        except BaseException:
            await conn.rollback()
            raise
        await conn.commit()


Session = Annotated[AsyncConnection, Depends(get_session, scope="handler")]
"""A handler parameter receiving the request's transaction. `scope="handler"`: the commit runs as
soon as the handler returns, before anything is sent, so a failing commit is a 500 rather than a
201 that lied."""
