from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from sqlalchemy import insert

from examples.notes_api import create_app
from examples.notes_api.database import (
    Session,
    database_url,
    lifespan_for,
    make_engine,
    notes,
)
from lette_fp import App, Response, get, mount, post, text
from lette_fp.testing import TestClient
from tests.servers import ServerFactory


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'notes.db'}"


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with TestClient(create_app(url)) as client:
        yield client


def create(client: TestClient, title: str, body: str = "") -> dict[str, Any]:
    resp = client.post("/notes", json={"title": title, "body": body})
    assert resp.status_code == 201, resp.text
    return dict(resp.json())


def test_create_read_update_delete(client: TestClient) -> None:
    resp = client.post("/notes", json={"title": "groceries", "body": "milk"})
    assert resp.status_code == 201
    note = resp.json()
    assert resp.headers["location"] == f"http://testserver/notes/{note['id']}"
    assert client.get(resp.headers["location"]).json() == note

    replaced = client.put(f"/notes/{note['id']}", json={"title": "shopping", "body": "bread"}).json()
    assert (replaced["title"], replaced["body"], replaced["created_at"]) == ("shopping", "bread", note["created_at"])
    assert replaced["updated_at"] > note["updated_at"]

    patched = client.patch(f"/notes/{note['id']}", json={"body": "eggs"}).json()
    assert (patched["title"], patched["body"]) == ("shopping", "eggs")

    assert client.delete(f"/notes/{note['id']}").status_code == 204
    assert client.get(f"/notes/{note['id']}").status_code == 404


def test_missing_notes_are_404_with_a_reason(client: TestClient) -> None:
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        resp = client.request(method, "/notes/99", json={"title": "x"})
        assert resp.status_code == 404, method
        assert resp.json() == {"detail": "Note 99 not found"}


def test_bad_bodies_are_400_415_or_422_naming_the_field(client: TestClient) -> None:
    malformed = client.post("/notes", content=b"{not json", headers={"content-type": "application/json"})
    assert malformed.status_code == 400
    as_text = client.post("/notes", content=b'{"title": "x"}', headers={"content-type": "text/plain"})
    assert as_text.status_code == 415
    empty_title = client.post("/notes", json={"title": ""})
    assert empty_title.status_code == 422
    assert empty_title.json()["detail"][0]["loc"] == ["body", "title"]
    unknown = client.patch("/notes/1", json={"colour": "red"})
    assert unknown.status_code == 422
    assert client.get("/notes").json()["total"] == 0


def test_an_id_too_large_for_the_database_is_a_422_not_a_500(client: TestClient) -> None:
    for method in ("GET", "PUT", "PATCH", "DELETE"):
        resp = client.request(method, "/notes/99999999999999999999999", json={"title": "x"})
        assert resp.status_code == 422, method
        assert resp.json()["detail"][0]["loc"] == ["path", "id"]
    assert client.get("/notes/0").status_code == 422


def test_list_and_show_return_structs_as_json(client: TestClient) -> None:
    note = create(client, "typed")
    assert client.get(f"/notes/{note['id']}").json() == note
    assert client.get("/notes").json()["items"] == [note]


def test_a_taken_title_is_409(client: TestClient) -> None:
    first = create(client, "unique")
    second = create(client, "other")
    assert client.post("/notes", json={"title": "unique"}).status_code == 409
    assert client.patch(f"/notes/{second['id']}", json={"title": "unique"}).status_code == 409
    assert client.get(f"/notes/{second['id']}").json()["title"] == "other"
    assert client.get(f"/notes/{first['id']}").status_code == 200


def test_pagination_follows_next_links_over_every_note(client: TestClient) -> None:
    titles = [f"note {i}" for i in range(7)]
    for title in titles:
        create(client, title)
    first = client.get("/notes", params={"limit": 3}).json()
    assert (first["total"], first["limit"], first["offset"], len(first["items"])) == (7, 3, 0, 3)
    seen = [n["title"] for n in first["items"]]
    page = first
    while page["next"] is not None:
        page = client.get(page["next"]).json()
        seen += [n["title"] for n in page["items"]]
    assert seen == titles
    assert page["offset"] == 6


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "limit=ten", "offset=9223372036854775808"])
def test_bad_pagination_is_422_naming_the_parameter(client: TestClient, query: str) -> None:
    resp = client.get(f"/notes?{query}")
    assert resp.status_code == 422
    assert resp.json()["detail"][0]["loc"] == ["query", query.split("=")[0]]


def test_an_import_is_all_or_nothing(client: TestClient) -> None:
    create(client, "existing")
    failed = client.post("/notes/import", json=[{"title": "a"}, {"title": "b"}, {"title": "existing"}])
    assert failed.status_code == 409
    assert [n["title"] for n in client.get("/notes").json()["items"]] == ["existing"]
    done = client.post("/notes/import", json=[{"title": "a"}, {"title": "b"}])
    assert done.status_code == 201
    assert client.get("/notes").json()["total"] == 3


def test_an_exception_after_a_write_rolls_the_transaction_back(url: str) -> None:
    async def write_then_fail(db: Session) -> Response:
        await db.execute(insert(notes).values(title="ghost", body="", created_at=datetime.now(UTC), updated_at=datetime.now(UTC)))
        raise RuntimeError("after the insert")

    async def write(db: Session) -> Response:
        await db.execute(insert(notes).values(title="kept", body="", created_at=datetime.now(UTC), updated_at=datetime.now(UTC)))
        return text("ok")

    async def count(db: Session) -> Response:
        rows = await db.execute(notes.select())
        return text(",".join(row.title for row in rows))

    app = App(
        routes=[mount("/", [post("/fail", write_then_fail), post("/write", write), get("/titles", count)])],
        lifespan=lifespan_for(url),
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.post("/fail").status_code == 500
        assert client.post("/write").status_code == 200
        assert client.get("/titles").text == "kept"


def test_the_page_points_at_the_api(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'const api = "/notes/";' in page.text


def test_database_url_picks_the_async_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url() == "sqlite+aiosqlite:///notes.db"
    assert database_url("sqlite:///tmp/x.db") == "sqlite+aiosqlite:///tmp/x.db"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal/notes")
    assert database_url() == "postgresql+asyncpg://u:p@db.internal/notes"
    assert database_url("postgresql+asyncpg://h/n") == "postgresql+asyncpg://h/n"
    engine = make_engine(database_url())
    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "asyncpg")


def test_notes_api_on_a_real_server(serve: ServerFactory, url: str) -> None:
    async def scenario(base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            statuses: list[int] = []

            async def post_one(i: int) -> None:
                statuses.append((await http.post("/notes", json={"title": f"concurrent {i}"})).status_code)

            with anyio.fail_after(30):
                async with anyio.create_task_group() as group:
                    for i in range(20):
                        group.start_soon(post_one, i)
                assert statuses == [201] * 20
                page = (await http.get("/notes", params={"limit": 100})).json()
                assert sorted(n["title"] for n in page["items"]) == sorted(f"concurrent {i}" for i in range(20))
                assert (await http.post("/notes", json={"title": "concurrent 3"})).status_code == 409
                assert (await http.get("/notes/999")).status_code == 404

    with serve(create_app(url)) as base_url:
        anyio.run(scenario, base_url)


def test_the_session_provider_can_be_overridden(url: str) -> None:
    from examples.notes_api.database import get_session
    from lette_fp import HTTPError

    async def unavailable() -> Any:
        raise HTTPError(503, "database unavailable")
        yield  # an async generator, like get_session

    app = create_app(url)
    with TestClient(app.with_overrides({get_session: unavailable})) as down:
        assert down.get("/notes").status_code == 503
        assert down.post("/notes", json={"title": "x"}).status_code == 503
    with TestClient(app) as up:
        assert up.get("/notes").json()["total"] == 0
