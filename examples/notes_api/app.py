"""The notes App: routes, the lifespan owning the engine (each handler's transaction comes from
the `get_session` provider), and 409 for a title that is already taken."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import IntegrityError

from examples.notes_api import handlers
from examples.notes_api.database import database_url, lifespan_for
from examples.notes_api.models import Note, Problem
from lette_fp import App, Request, Response, delete, get, html, json, mount, patch, post, put
from lette_fp.openapi import OpenAPI

MISSING = {404: {"description": "No such note", "model": Problem}}
TAKEN = {409: {"description": "A note with this title already exists", "model": Problem}}

PAGE = (Path(__file__).parent / "page.html").read_text(encoding="utf-8")


def page(req: Request) -> Response:
    """`GET /`: a small page that lists the notes and adds one, through the JSON API."""
    return html(PAGE.replace("{{ notes_url }}", req.url_for("notes").path))


def conflict(req: Request, exc: Exception) -> Response:
    """Answer a unique-constraint violation (a title already taken) with 409."""
    return json({"detail": "A note with this title already exists"}, status=409)


def create_app(url: str | None = None, debug: bool = False) -> App:
    """Return the notes App for database `url` (default: `$DATABASE_URL`, else ./notes.db)."""
    api = [
        get("/", handlers.list_notes, name="notes"),
        post("/", handlers.create_note, name="create_note", status=201, responses={201: Note, **TAKEN}),
        post("/import", handlers.import_notes, name="import_notes", status=201, responses=TAKEN),
        get("/{id:int}", handlers.show_note, name="note", responses=MISSING),
        put("/{id:int}", handlers.replace_note, name="replace_note", responses={**MISSING, **TAKEN}),
        patch("/{id:int}", handlers.patch_note, name="patch_note", responses={**MISSING, **TAKEN}),
        delete("/{id:int}", handlers.delete_note, name="delete_note", responses=MISSING),
    ]
    return App(
        routes=[get("/", page, name="page", include_in_schema=False), mount("/notes", api, tags=["notes"])],
        lifespan=lifespan_for(database_url(url)),
        exception_handlers={IntegrityError: conflict},
        debug=debug,
        openapi=OpenAPI(title="Notes", version="1.0.0", description="A JSON API for notes, stored in SQL."),
    )


app = create_app()
