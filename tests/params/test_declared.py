"""`declared(fn, ...)`: what an endpoint declares, providers and guards included, for documentation."""

from typing import Annotated

import msgspec

from lette_fp import Cookie, Depends, Header, Request
from lette_fp.forms import UploadFile
from lette_fp.params.declared import NO_ANNOTATION, declared


class Item(msgspec.Struct):
    name: str


def session(sid: Annotated[str, Cookie()]) -> str: ...


def user(s: Annotated[str, Depends(session)], x_token: Annotated[str, Header()]) -> str: ...


def test_fields_come_from_the_handler_then_its_providers_each_once() -> None:
    def show(req: Request, id: int, u: Annotated[str, Depends(user)], again: Annotated[str, Depends(session)], q: str = "") -> Item: ...

    found = declared(show, path_params=frozenset({"id"}), options={})
    assert [(f.source, f.name) for f in found.fields] == [("path", "id"), ("cookie", "sid"), ("header", "x-token"), ("query", "q")]
    assert found.providers == (user, session)
    assert found.returns is Item


def test_bodies_guards_and_overrides_are_included() -> None:
    def guard(key: Annotated[str, Header(alias="x-key")]) -> None: ...

    def fake_session(debug: str = "") -> str: ...

    def create(item: Item, upload: UploadFile, u: Annotated[str, Depends(user)]): ...

    found = declared(create, path_params=frozenset(), options={"dependencies": (guard,), "overrides": {session: fake_session}})
    assert [(b.name, b.annotation) for b in found.bodies] == [("item", Item), ("upload", UploadFile)]
    assert [(f.source, f.name) for f in found.fields] == [("query", "debug"), ("header", "x-token"), ("header", "x-key")]
    assert found.returns is NO_ANNOTATION
