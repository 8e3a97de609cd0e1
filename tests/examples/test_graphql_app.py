"""The GraphQL example: the books query, the addBook mutation, the bookAdded subscription (over
the test client's WebSocket and on real servers), bounded subscriptions."""

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql import GraphQLError
from websockets.sync.client import connect

from examples import graphql_app
from examples.graphql_app import QUEUE_SIZE, Shelf
from lette_fp.channels import Channels
from lette_fp.testing import TestClient
from tests.servers import ServerFactory

SUBPROTOCOL = ["graphql-transport-ws"]
ADD = "mutation Add($t: String!, $a: String!) { addBook(title: $t, author: $a) { id title author } }"


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(graphql_app.app) as client:
        yield client


def ask(client: TestClient | httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    resp = client.post("/graphql", json={"query": query, "variables": variables})
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def wait_for_subscribers(shelf: Shelf, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(shelf.subscribers) != count:
        assert time.monotonic() < deadline, f"{len(shelf.subscribers)} subscribers, expected {count}"
        time.sleep(0.01)


def test_the_query_lists_the_books_and_finds_one(client: TestClient) -> None:
    books = ask(client, "{ books { id title author } }")["data"]["books"]
    assert [b["id"] for b in books] == ["1", "2"]
    assert books[0] == {"id": "1", "title": "The Left Hand of Darkness", "author": "Ursula K. Le Guin"}
    assert ask(client, '{ book(id: "2") { author } }') == {"data": {"book": {"author": "Abelson and Sussman"}}}
    assert ask(client, '{ book(id: "99") { author } }') == {"data": {"book": None}}


def test_the_mutation_adds_a_book_and_refuses_blank_or_long_fields(client: TestClient) -> None:
    added = ask(client, ADD, t="  Dune ", a="Frank Herbert")["data"]["addBook"]
    assert added == {"id": "3", "title": "Dune", "author": "Frank Herbert"}
    assert ask(client, "{ books { title } }")["data"]["books"][-1] == {"title": "Dune"}

    blank = ask(client, ADD, t="   ", a="x")
    assert blank["data"] is None
    assert blank["errors"][0]["message"] == "The title must be 1 to 200 characters"
    long = ask(client, ADD, t="x", a="y" * 201)
    assert long["errors"][0]["message"] == "The author must be 1 to 200 characters"
    assert len(ask(client, "{ books { id } }")["data"]["books"]) == 3


def test_a_subscriber_sees_each_book_added_until_it_completes(client: TestClient) -> None:
    shelf: Shelf = client.app_state["shelf"]
    with client.websocket_connect("/graphql", subprotocols=SUBPROTOCOL) as ws:
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json({"type": "subscribe", "id": "s", "payload": {"query": "subscription { bookAdded { id title } }"}})
        wait_for_subscribers(shelf, 1)

        ask(client, ADD, t="Dune", a="Frank Herbert")
        ask(client, ADD, t="Emma", a="Jane Austen")
        for book_id, title in (("3", "Dune"), ("4", "Emma")):
            assert ws.receive_json() == {"type": "next", "id": "s", "payload": {"data": {"bookAdded": {"id": book_id, "title": title}}}}

        ws.send_json({"type": "complete", "id": "s"})
        wait_for_subscribers(shelf, 0)


def test_the_page_talks_to_the_endpoint_where_it_is_mounted(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<ul id="shelf" data-endpoint="/graphql">' in page.text
    assert 'new WebSocket(url, "graphql-transport-ws")' in page.text
    assert "graphiql" in client.get("/graphql", headers={"accept": "text/html"}).text.lower()


async def test_a_subscriber_that_falls_behind_is_dropped_with_an_error() -> None:
    async with Channels() as channels:
        shelf = Shelf(channels, [])
        slow, fast = await shelf.subscribe(), await shelf.subscribe()
        fast_titles = []
        for n in range(QUEUE_SIZE + 5):
            await shelf.add(f"book {n}", "someone")
            fast_titles.append((await fast.__anext__()).title)
        assert fast_titles == [f"book {n}" for n in range(QUEUE_SIZE + 5)]

        received = []
        with pytest.raises(GraphQLError, match="Too slow"):
            async for book in slow:
                received.append(book.title)
        assert received == [f"book {n}" for n in range(QUEUE_SIZE)]
        assert len(shelf.subscribers) == 1
        await fast.aclose()  # type: ignore[attr-defined]
        assert shelf.subscribers == set()


def test_query_mutation_and_subscription_on_a_real_server(serve: ServerFactory) -> None:
    with serve(graphql_app.app) as base_url, httpx.Client(base_url=base_url, timeout=5) as http:
        ws_url = base_url.replace("http://", "ws://") + "/graphql"
        with connect(ws_url, subprotocols=["graphql-transport-ws"], open_timeout=5) as ws:  # type: ignore[list-item]
            ws.send(json.dumps({"type": "connection_init"}))
            assert json.loads(ws.recv(timeout=5)) == {"type": "connection_ack"}
            ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": "subscription { bookAdded { title } }"}}))
            deadline = time.monotonic() + 5
            while True:  # the subscription starts in its own task: add until it sees one
                added = ask(http, ADD, t="Dune", a="Frank Herbert")["data"]["addBook"]
                try:
                    message = json.loads(ws.recv(timeout=0.2))
                    break
                except TimeoutError:
                    assert time.monotonic() < deadline, "the subscription never saw a book"
            assert message == {"type": "next", "id": "1", "payload": {"data": {"bookAdded": {"title": "Dune"}}}}
            assert int(added["id"]) >= 3
            titles = [b["title"] for b in ask(http, "{ books { title } }")["data"]["books"]]
            assert titles[:2] == ["The Left Hand of Darkness", "Structure and Interpretation of Computer Programs"]
