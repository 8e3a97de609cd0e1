"""Security providers: each reads its credential, answers 401 with a challenge without one (or
gives None with `auto_error=False`)."""

from typing import Annotated, Any

import pytest

from lette_fp import App, Depends, get
from lette_fp.security import (
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    BasicCredentials,
    HTTPBasic,
    HTTPBearer,
)
from lette_fp.testing import TestClient


def client_for(provider: Any) -> TestClient:
    def show(value: Annotated[Any, Depends(provider)]) -> dict[str, Any]:
        if isinstance(value, BasicCredentials):
            value = [value.username, value.password]
        return {"value": value}

    return TestClient(App([get("/", show)]))


def test_bearer_reads_the_token_and_challenges_without_one() -> None:
    client = client_for(HTTPBearer())
    assert client.get("/", headers={"authorization": "Bearer abc.def"}).json() == {"value": "abc.def"}
    for headers in ({}, {"authorization": "Basic abc"}, {"authorization": "Bearer "}):
        answer = client.get("/", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
        assert answer.json() == {"detail": "Not authenticated"}


def test_basic_reads_name_and_password_and_refuses_what_does_not_decode() -> None:
    client = client_for(HTTPBasic(realm="shop"))
    assert client.get("/", auth=("ann", "pa:ss")).json() == {"value": ["ann", "pa:ss"]}
    for value in ("Basic !!!", "Basic bm9jb2xvbg==", "Bearer x"):
        answer = client.get("/", headers={"authorization": value})
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == 'Basic realm="shop"'


@pytest.mark.parametrize(("provider", "send"), [
    (APIKeyHeader("x-api-key"), lambda c, v: c.get("/", headers={"x-api-key": v})),
    (APIKeyQuery("api_key"), lambda c, v: c.get("/", params={"api_key": v})),
    (APIKeyCookie("key"), lambda c, v: c.get("/", headers={"cookie": f"key={v}"})),
])
def test_api_keys_are_read_where_they_say(provider: Any, send: Any) -> None:
    client = client_for(provider)
    assert send(client, "s3cr3t").json() == {"value": "s3cr3t"}
    assert client.get("/").status_code == 401


def test_auto_error_false_gives_none() -> None:
    for provider in (HTTPBearer(auto_error=False), HTTPBasic(auto_error=False), APIKeyHeader("x-k", auto_error=False)):
        assert client_for(provider).get("/").json() == {"value": None}
