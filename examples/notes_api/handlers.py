"""The handlers: each declares what it needs in its signature (the path id, validated; the page
as typed query params; the JSON body; the request's transaction, `Session`) and returns Structs.
Errors are raised as HTTPError (404) or come from the parameters (400/415/422)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from sqlalchemy import delete, func, insert, select, update

from examples.notes_api.database import Session, notes
from examples.notes_api.models import Note, NoteIn, NotePatch, Page, PageQuery
from lette_fp import HTTPError, Query, Request, Response, json

NoteId = Annotated[int, msgspec.Meta(ge=1, le=2**63 - 1)]
"""A note id in the path: a positive 64-bit integer (anything larger is a 422, not a 500)."""

_COLUMNS = (notes.c.id, notes.c.title, notes.c.body, notes.c.created_at, notes.c.updated_at)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _note(row: Any) -> Note:
    return Note(row.id, row.title, row.body, _aware(row.created_at), _aware(row.updated_at))


def _not_found(id: int) -> HTTPError:
    return HTTPError(404, f"Note {id} not found")


async def list_notes(req: Request, db: Session, page: Annotated[PageQuery, Query()]) -> Page:
    """`GET /notes?limit=20&offset=0`: one page of notes, oldest first."""
    total = (await db.execute(select(func.count()).select_from(notes))).scalar_one()
    rows = await db.execute(select(*_COLUMNS).order_by(notes.c.id).limit(page.limit).offset(page.offset))
    following = page.offset + page.limit
    next_url = None
    if following < total:
        next_url = str(req.url_for("notes").replace(query=f"limit={page.limit}&offset={following}"))
    return Page([_note(r) for r in rows], total, page.limit, page.offset, next_url)


async def create_note(req: Request, db: Session, new: NoteIn) -> Response:
    """`POST /notes`: 201 with the note and its `Location`."""
    now = datetime.now(UTC)
    statement = insert(notes).values(title=new.title, body=new.body, created_at=now, updated_at=now)
    note = _note((await db.execute(statement.returning(*_COLUMNS))).one())
    return json(note, status=201, headers={"location": str(req.url_for("note", id=note.id))})


async def import_notes(db: Session, batch: list[NoteIn]) -> list[Note]:
    """`POST /notes/import` with a JSON list: all of them are created, or none (one transaction)."""
    now = datetime.now(UTC)
    created = []
    for new in batch:
        statement = insert(notes).values(title=new.title, body=new.body, created_at=now, updated_at=now)
        created.append(_note((await db.execute(statement.returning(*_COLUMNS))).one()))
    return created


async def show_note(db: Session, id: NoteId) -> Note:
    """`GET /notes/{id}`: the note, or 404."""
    row = (await db.execute(select(*_COLUMNS).where(notes.c.id == id))).one_or_none()
    if row is None:
        raise _not_found(id)
    return _note(row)


async def _update(db: Session, id: int, changes: dict[str, Any]) -> Note:
    statement = update(notes).where(notes.c.id == id).values(**changes, updated_at=datetime.now(UTC))
    row = (await db.execute(statement.returning(*_COLUMNS))).one_or_none()
    if row is None:
        raise _not_found(id)
    return _note(row)


async def replace_note(db: Session, id: NoteId, new: NoteIn) -> Note:
    """`PUT /notes/{id}`: replace the title and body."""
    return await _update(db, id, {"title": new.title, "body": new.body})


async def patch_note(db: Session, id: NoteId, patch: NotePatch) -> Note:
    """`PATCH /notes/{id}`: change only the fields sent."""
    return await _update(db, id, patch.changes())


async def delete_note(db: Session, id: NoteId) -> None:
    """`DELETE /notes/{id}`: 204, or 404 when there was no such note."""
    row = (await db.execute(delete(notes).where(notes.c.id == id).returning(notes.c.id))).one_or_none()
    if row is None:
        raise _not_found(id)
