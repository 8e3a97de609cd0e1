import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import msgspec
import pytest

from examples.showcase.app import create_app
from examples.showcase.catalog import EXAMPLES, Example
from lette_fp import App, Request, Response, get, text
from lette_fp.testing import TestClient
from tests.redis_server import RedisServer


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.chdir(tmp_path)
    return TestClient(create_app())


def test_landing_page_links_every_example_and_each_link_works(client: TestClient) -> None:
    with client:
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        links = re.findall(r'<a href="([^"]+)">', page.text)
        assert links == [f"/{ex.slug}/" for ex in EXAMPLES]
        for link in links:
            assert client.get(link).status_code == 200, link


def test_mounted_examples_keep_their_own_routes_and_state(client: TestClient) -> None:
    with client:
        assert client.get("/hello/users/7").json() == {"id": 7}
        created = client.post("/notes-api/notes", json={"title": "from the showcase"})
        assert created.status_code == 201
        assert created.headers["location"] == f"http://testserver/notes-api/notes/{created.json()['id']}"
        assert client.get("/notes-api/notes").json()["total"] == 1


def test_adding_an_example_is_one_entry() -> None:
    extra = Example("ping", "Ping", "Answers pong.", App(routes=[get("/", lambda req: text("pong"))]), "-")
    with TestClient(create_app([extra])) as client:
        assert re.findall(r'<a href="([^"]+)">', client.get("/").text) == ["/ping/"]
        assert client.get("/ping/").text == "pong"


def _app_with_state(**values: str) -> App:
    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[dict[str, str]]:
        yield values

    def show(req: Request) -> Response:
        return text(",".join(f"{k}={req.state[k]}" for k in sorted(values)))

    return App(routes=[get("/", show)], lifespan=lifespan)


def test_each_mounted_app_sees_the_state_its_lifespan_yielded() -> None:
    one = Example("one", "One", "", _app_with_state(a="1"), "-")
    two = Example("two", "Two", "", _app_with_state(b="2"), "-")
    with TestClient(create_app([one, two])) as client:
        assert client.get("/one/").text == "a=1"
        assert client.get("/two/").text == "b=2"


def test_two_examples_yielding_the_same_state_key_fail_at_startup() -> None:
    one = Example("one", "One", "", _app_with_state(engine="x"), "-")
    two = Example("two", "Two", "", _app_with_state(engine="y"), "-")
    with pytest.raises(RuntimeError, match="engine"), TestClient(create_app([one, two])):
        pass


def test_mounted_login_flow_keeps_the_mount_prefix(client: TestClient) -> None:
    with client:
        bounced = client.get("/auth/private", follow_redirects=False)
        assert bounced.headers["location"] == "http://testserver/auth/login?next=http%3A%2F%2Ftestserver%2Fauth%2Fprivate"
        form = client.get(bounced.headers["location"]).text
        assert '<form method="post" action="/auth/login">' in form
        assert 'name="next" value="/auth/private"' in form
        logged_in = client.post("/auth/login", data={"username": "ann", "password": "wonderland", "next": "/auth/private"}, follow_redirects=False)
        assert logged_in.headers["location"] == "/auth/private"
        assert "Hello, ann!" in client.get("/auth/private").text


def test_mounted_uploads_and_stream_use_their_own_urls(client: TestClient) -> None:
    with client:
        assert 'action="/uploads/files"' in client.get("/uploads/").text
        assert 'data-url="/llm-stream/chat"' in client.get("/llm-stream/").text
        assert client.get("/llm-stream/chat", params={"prompt": "hi"}).headers["content-type"] == "text/event-stream; charset=utf-8"


def test_with_redis_url_the_showcase_shares_its_channels_through_redis(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, redis_server: RedisServer
) -> None:
    import examples.chat
    import examples.notifications
    from lette_fp.channels import RedisBackend

    fresh = {"chat": examples.chat.create_app(), "notifications": examples.notifications.create_app()}
    # fresh apps: a mounted App that another test started would read the state it had then
    client = TestClient(create_app([msgspec.structs.replace(ex, app=fresh.get(ex.slug, ex.app)) for ex in EXAMPLES]))
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    with client:
        assert isinstance(client.app_state["chat_room"].channels.backend, RedisBackend)
        assert isinstance(client.app_state["notifications"].backend, RedisBackend)
        with client.websocket_connect("/chat/ws?name=ann") as ann:
            assert ann.receive_json()["type"] == "welcome"
            ann.send_json({"text": "through redis"})
            assert ann.receive_json()["text"] == "through redis"
        assert client.post("/notifications/notify", json={"text": "through redis"}).status_code == 201
