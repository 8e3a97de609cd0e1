"""A JSON CRUD API for notes: msgspec Structs in and out, SQLAlchemy 2 async over SQLite
(aiosqlite) by default or PostgreSQL (asyncpg) when `DATABASE_URL` says so, one transaction
per request. Serve it with `uvicorn examples.notes_api:app`."""

from examples.notes_api.app import app, create_app

__all__ = ["app", "create_app"]
