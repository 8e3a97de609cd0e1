"""A GraphQL bookshelf: a query, a mutation and a subscription over one graphql-core schema.

Run: `uvicorn examples.graphql_app:app` and open http://127.0.0.1:8000/ — the page lists the
books (a query over HTTP), adds one (a mutation) and shows books as they are added, by anyone,
through a subscription over a WebSocket (`graphql-transport-ws`, written out in a few lines of
JavaScript). GraphiQL is at http://127.0.0.1:8000/graphql.

    query { books { id title author } }
    mutation { addBook(title: "Dune", author: "Frank Herbert") { id } }
    subscription { bookAdded { title author } }
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import msgspec
from graphql import (
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
)

from examples.layout import page
from lette_fp import App, Request, Response, get, html
from lette_fp.channels import Channels, Message, SubscriberOverflow, Subscription
from lette_fp.graphql import graphql

MAX_TITLE = 200
"""The longest title or author name a mutation accepts."""

QUEUE_SIZE = 32
"""Books a subscriber may have waiting before it counts as too slow and is dropped."""

ADDED = "books:added"
"""The channel every added book is published on."""


class Book(msgspec.Struct, frozen=True):
    """A book on the shelf."""

    id: str
    title: str
    author: str


class Shelf:
    """The books, and `bookAdded` through the `books:added` channel. The books themselves are
    kept per process (a real app keeps them in a database); the subscription goes through
    channels, so with Redis (`REDIS_URL`) a book added on one worker reaches subscribers on all."""

    def __init__(self, channels: Channels, books: list[tuple[str, str]]) -> None:
        self.channels = channels
        self.books: dict[str, Book] = {}
        self.subscribers: set[Subscription] = set()
        for title, author in books:
            self._keep(title, author)

    def _keep(self, title: str, author: str) -> Book:
        book = Book(str(len(self.books) + 1), title, author)
        self.books[book.id] = book
        return book

    async def add(self, title: str, author: str) -> Book:
        """Put a new book on the shelf and publish it to every subscriber."""
        book = self._keep(title, author)
        await self.channels.publish(ADDED, book)
        return book

    async def subscribe(self) -> AsyncIterator[Book]:
        """Subscribe now; return an async iterator of every book added from now on (until it is
        closed). A subscriber whose buffer fills up is dropped: its iterator raises a GraphQLError."""
        subscription = await self.channels.subscribe(ADDED, buffer=QUEUE_SIZE, overflow="disconnect").open()
        self.subscribers.add(subscription)
        return self._deliver(subscription)

    async def _deliver(self, subscription: Subscription) -> AsyncIterator[Book]:
        try:
            async for item in subscription:
                if isinstance(item, Message):
                    yield item.json(Book)
        except SubscriberOverflow:
            raise GraphQLError("Too slow: books were piling up; subscribe again") from None
        finally:
            self.subscribers.discard(subscription)
            await subscription.aclose()


def shelf_of(info: Any) -> Shelf:
    """The `Shelf` the lifespan made, from a resolver's `info`."""
    req: Request = info.context["request"]
    shelf: Shelf = req.state["shelf"]
    return shelf


def resolve_books(root: Any, info: Any) -> list[Book]:
    """`books`: every book, in the order they were added."""
    return list(shelf_of(info).books.values())


def resolve_book(root: Any, info: Any, id: str) -> Book | None:
    """`book(id)`: one book, or null."""
    return shelf_of(info).books.get(id)


async def resolve_add_book(root: Any, info: Any, title: str, author: str) -> Book:
    """`addBook(title, author)`: the new book. Blank or overlong fields are a GraphQL error."""
    title, author = title.strip(), author.strip()
    for field, value in (("title", title), ("author", author)):
        if not value or len(value) > MAX_TITLE:
            raise GraphQLError(f"The {field} must be 1 to {MAX_TITLE} characters")
    return await shelf_of(info).add(title, author)


async def subscribe_book_added(root: Any, info: Any) -> AsyncIterator[Book]:
    """`bookAdded`: the source of the subscription, one item per book added (on any worker)."""
    return await shelf_of(info).subscribe()


BookType = GraphQLObjectType(
    "Book",
    {
        "id": GraphQLField(GraphQLNonNull(GraphQLID)),
        "title": GraphQLField(GraphQLNonNull(GraphQLString)),
        "author": GraphQLField(GraphQLNonNull(GraphQLString)),
    },
    description="A book on the shelf.",
)

schema = GraphQLSchema(
    query=GraphQLObjectType("Query", {
        "books": GraphQLField(GraphQLNonNull(GraphQLList(GraphQLNonNull(BookType))), resolve=resolve_books),
        "book": GraphQLField(BookType, args={"id": GraphQLArgument(GraphQLNonNull(GraphQLID))}, resolve=resolve_book),
    }),
    mutation=GraphQLObjectType("Mutation", {
        "addBook": GraphQLField(
            GraphQLNonNull(BookType),
            args={
                "title": GraphQLArgument(GraphQLNonNull(GraphQLString)),
                "author": GraphQLArgument(GraphQLNonNull(GraphQLString)),
            },
            resolve=resolve_add_book,
        ),
    }),
    subscription=GraphQLObjectType("Subscription", {
        "bookAdded": GraphQLField(
            GraphQLNonNull(BookType),
            subscribe=subscribe_book_added,
            resolve=lambda book, info: book,
        ),
    }),
)
"""The schema: `books` and `book(id)`, `addBook(title, author)`, `bookAdded`."""

SCRIPT = """
const endpoint = document.getElementById("shelf").dataset.endpoint;
const shelf = document.getElementById("shelf");
const live = document.getElementById("live");
const problem = document.getElementById("problem");

async function ask(query, variables) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {"content-type": "application/json"},
    body: JSON.stringify({query, variables}),
  });
  return response.json();
}

function line(book) {
  const item = document.createElement("li");
  const title = document.createElement("b");
  title.textContent = book.title;
  item.append(title, " by " + book.author);
  return item;
}

async function load() {
  const answer = await ask("{ books { id title author } }");
  shelf.replaceChildren(...answer.data.books.map(line));
}

document.getElementById("add").onsubmit = async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const answer = await ask(
    "mutation Add($title: String!, $author: String!) { addBook(title: $title, author: $author) { id } }",
    {title: form.get("title"), author: form.get("author")},
  );
  problem.hidden = !answer.errors;
  if (answer.errors) {
    problem.textContent = answer.errors.map((e) => e.message).join("; ");
  } else {
    event.target.reset();
  }
  load();
};

// graphql-transport-ws, the protocol GraphiQL and Apollo speak, by hand: init, ack, subscribe, next...
const url = new URL(endpoint, location.href);
url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
const socket = new WebSocket(url, "graphql-transport-ws");
socket.onopen = () => socket.send(JSON.stringify({type: "connection_init"}));
socket.onmessage = (m) => {
  const message = JSON.parse(m.data);
  if (message.type === "connection_ack") {
    document.getElementById("status").textContent = "subscribed";
    socket.send(JSON.stringify({id: "1", type: "subscribe", payload: {query: "subscription { bookAdded { title author } }"}}));
  } else if (message.type === "next") {
    live.prepend(line(message.payload.data.bookAdded));
    load();
  } else if (message.type === "ping") {
    socket.send(JSON.stringify({type: "pong"}));
  }
};
socket.onclose = (e) => { document.getElementById("status").textContent = "closed (" + e.code + ")"; };

load();
"""


def index(req: Request) -> Response:
    """`GET /`: the bookshelf page, talking to the GraphQL endpoint."""
    endpoint = req.url_for("graphql").path
    body = (
        "<h1>GraphQL bookshelf</h1>"
        f'<p>A query lists the books, a mutation adds one, a subscription shows each book added, '
        f'by anyone (open two tabs). Try your own queries in <a href="{endpoint}">GraphiQL</a>.</p>'
        '<form id="add"><label for="title">Title</label><input type="text" id="title" name="title" required>'
        '<label for="author">Author</label><input type="text" id="author" name="author" required>'
        '<br><button type="submit">Add the book</button></form><p id="problem" class="error" hidden></p>'
        f'<h2>On the shelf</h2><ul id="shelf" data-endpoint="{endpoint}"></ul>'
        '<h2>Just added <span id="status" class="muted">connecting…</span></h2><ul id="live"></ul>'
    )
    return html(page("GraphQL bookshelf", body, SCRIPT))


@asynccontextmanager
async def lifespan(app: App) -> AsyncIterator[dict[str, Shelf]]:
    """Make the shelf, with a few books on it, on channels in memory (Redis at `REDIS_URL`)."""
    async with Channels.from_url(os.environ.get("REDIS_URL")) as channels:
        yield {"shelf": Shelf(channels, [("The Left Hand of Darkness", "Ursula K. Le Guin"), ("Structure and Interpretation of Computer Programs", "Abelson and Sussman")])}


app = App(routes=[get("/", index, name="index"), graphql(schema, name="graphql")], lifespan=lifespan)
