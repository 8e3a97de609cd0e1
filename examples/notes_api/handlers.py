"""The handlers: each declares what it needs (path params by name, the JSON body as a typed
parameter, decoded before the call), talks to its transaction and returns a Response value.
Errors are raised as HTTPError (404) or come from the decoder (400/415/422)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import delete, func, insert, select, update

from examples.notes_api.database import db, notes
from examples.notes_api.models import Note, NoteIn, NotePatch, Page, PageQuery
from lette_fp import HTTPError, Request, Response, empty, json
from lette_fp.http.body_errors import validation_detail

_COLUMNS = (notes.c.id, notes.c.title, notes.c.body, notes.c.created_at, notes.c.updated_at)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _note(row: Any) -> Note:
    return Note(row.id, row.title, row.body, _aware(row.created_at), _aware(row.updated_at))


def _not_found(id: int) -> HTTPError:
    return HTTPError(404, f"Note {id} not found")


def page_query(req: Request) -> PageQuery:
    """Decode `?limit=&offset=` (422 naming the parameter when out of range or not a number)."""
    try:
        return msgspec.convert(dict(req.query), PageQuery, strict=False)
    except msgspec.ValidationError as exc:
        raise HTTPError(422, validation_detail(exc, root="query")) from exc


async def list_notes(req: Request) -> Response:
    """`GET /notes?limit=20&offset=0`: one page of notes, oldest first."""
    page = page_query(req)
    conn = db(req)
    total = (await conn.execute(select(func.count()).select_from(notes))).scalar_one()
    rows = await conn.execute(
        select(*_COLUMNS).order_by(notes.c.id).limit(page.limit).offset(page.offset)
    )
    following = page.offset + page.limit
    next_url = None
    if following < total:
        next_url = str(req.url_for("notes").replace(query=f"limit={page.limit}&offset={following}"))
    return json(Page([_note(r) for r in rows], total, page.limit, page.offset, next_url))


async def create_note(req: Request, new: NoteIn) -> Response:
    """`POST /notes`: 201 with the note and its `Location`."""
    now = datetime.now(UTC)
    row = (
        await db(req).execute(
            insert(notes).values(title=new.title, body=new.body, created_at=now, updated_at=now).returning(*_COLUMNS)
        )
    ).one()
    note = _note(row)
    return json(note, status=201, headers={"location": str(req.url_for("note", id=note.id))})


async def import_notes(req: Request, batch: list[NoteIn]) -> Response:
    """`POST /notes/import` with a JSON list: all of them are created, or none (one transaction)."""
    now = datetime.now(UTC)
    created = []
    for new in batch:
        statement = insert(notes).values(title=new.title, body=new.body, created_at=now, updated_at=now)
        created.append(_note((await db(req).execute(statement.returning(*_COLUMNS))).one()))
    return json(created, status=201)


async def show_note(req: Request, id: int) -> Response:
    """`GET /notes/{id}`: the note, or 404."""
    row = (await db(req).execute(select(*_COLUMNS).where(notes.c.id == id))).one_or_none()
    if row is None:
        raise _not_found(id)
    return json(_note(row))


async def _update(req: Request, id: int, changes: dict[str, Any]) -> Response:
    statement = update(notes).where(notes.c.id == id).values(**changes, updated_at=datetime.now(UTC))
    row = (await db(req).execute(statement.returning(*_COLUMNS))).one_or_none()
    if row is None:
        raise _not_found(id)
    return json(_note(row))


async def replace_note(req: Request, id: int, new: NoteIn) -> Response:
    """`PUT /notes/{id}`: replace the title and body."""
    return await _update(req, id, {"title": new.title, "body": new.body})


async def patch_note(req: Request, id: int, patch: NotePatch) -> Response:
    """`PATCH /notes/{id}`: change only the fields sent."""
    return await _update(req, id, patch.changes())


async def delete_note(req: Request, id: int) -> Response:
    """`DELETE /notes/{id}`: 204, or 404 when there was no such note."""
    row = (await db(req).execute(delete(notes).where(notes.c.id == id).returning(notes.c.id))).one_or_none()
    if row is None:
        raise _not_found(id)
    return empty(204)
