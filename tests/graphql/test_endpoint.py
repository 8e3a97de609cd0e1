"""GraphQL over HTTP: GET and POST, status codes and media types per the GraphQL-over-HTTP spec,
hostile requests refused before execution, errors that leak nothing, GraphiQL for browsers."""

import json
import logging
import subprocess
import sys
import textwrap
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, GraphQLSchema, get_introspection_query

from lette_fp import App, HTTPError, Request, mount
from lette_fp.graphql import graphql
from lette_fp.testing import TestClient
from tests.graphql.schema import MESSAGES, schema
from tests.servers import ServerFactory

GQL = "application/graphql-response+json"
GQL_CT = "application/graphql-response+json; charset=utf-8"


def client_for(**options: Any) -> TestClient:
    debug = options.pop("debug", False)
    max_body_size = options.pop("max_body_size", 1024 * 1024)
    app = App(routes=[graphql(schema, **options)], debug=debug, max_body_size=max_body_size)
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client() -> TestClient:
    return client_for()


def test_get_runs_a_query_from_the_query_string(client: TestClient) -> None:
    resp = client.get("/graphql", params={"query": "query Q($n: String) { hello(name: $n) }", "variables": '{"n": "GET"}'})
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/json"
    assert resp.json() == {"data": {"hello": "Hello, GET!"}}


def test_post_json_with_variables_operation_name_and_async_resolvers(client: TestClient) -> None:
    body = {
        "query": "query A { hello } query B($n: String) { slowHello(name: $n) }",
        "operationName": "B",
        "variables": {"n": "POST"},
        "extensions": {"ignored": True},
    }
    resp = client.post("/graphql", json=body)
    assert resp.status_code == 200
    assert resp.json() == {"data": {"slowHello": "Hello later, POST!"}}


def test_post_application_graphql_takes_the_query_from_the_body(client: TestClient) -> None:
    resp = client.post(
        "/graphql?variables=%7B%22n%22%3A%22raw%22%7D",
        content="query($n: String) { hello(name: $n) }",
        headers={"content-type": "application/graphql; charset=utf-8"},
    )
    assert resp.json() == {"data": {"hello": "Hello, raw!"}}


def test_graphql_response_json_when_the_client_asks_for_it(client: TestClient) -> None:
    resp = client.post("/graphql", json={"query": "{ hello }"}, headers={"accept": f"{GQL}, application/json;q=0.9"})
    assert resp.status_code == 200
    assert resp.headers["content-type"] == GQL_CT
    assert resp.json() == {"data": {"hello": "Hello, world!"}}
    preferred_json = client.post("/graphql", json={"query": "{ hello }"}, headers={"accept": f"{GQL};q=0.5, application/json"})
    assert preferred_json.headers["content-type"] == "application/json"
    unknown = client.post("/graphql", json={"query": "{ hello }"}, headers={"accept": "text/plain"})
    assert unknown.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "query",
    [
        "{ hello",
        "{ nope }",
        "query A { hello } query B { hello }",
        "query($n: Int!) { hello }",
    ],
)
def test_refused_before_execution_400_with_graphql_response_json_200_with_json(client: TestClient, query: str) -> None:
    strict = client.post("/graphql", json={"query": query}, headers={"accept": GQL})
    assert strict.status_code == 400
    assert strict.headers["content-type"] == GQL_CT
    assert "data" not in strict.json()
    assert strict.json()["errors"][0]["message"]
    legacy = client.post("/graphql", json={"query": query})
    assert legacy.status_code == 200
    assert legacy.json() == strict.json()


def test_unknown_operation_name_and_bad_variables_are_refused(client: TestClient) -> None:
    unknown = client.post("/graphql", json={"query": "query A { hello }", "operationName": "B"}, headers={"accept": GQL})
    assert unknown.status_code == 400
    assert unknown.json() == {"errors": [{"message": "Unknown operation named 'B'."}]}
    bad = client.post(
        "/graphql",
        json={"query": "query($n: String) { hello(name: $n) }", "variables": {"n": 5}},
        headers={"accept": GQL},
    )
    assert bad.status_code == 400
    assert "data" not in bad.json()
    assert "$n" in bad.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("request_args", "status", "reason"),
    [
        ({"method": "POST", "content": b'{"query": "{ hello }"', "headers": {"content-type": "application/json"}}, 400, "not valid JSON"),
        ({"method": "POST", "content": b"[1, 2]", "headers": {"content-type": "application/json"}}, 400, "Expected `object`, got `array`"),
        ({"method": "POST", "json": {"query": 42}}, 400, "at `$.query`"),
        ({"method": "POST", "json": {"query": "{ hello }", "variables": [1]}}, 400, "at `$.variables`"),
        ({"method": "POST", "json": {"variables": {}}}, 400, "no GraphQL `query`"),
        ({"method": "POST", "json": {"query": "   "}}, 400, "no GraphQL `query`"),
        ({"method": "GET", "params": {}}, 400, "no GraphQL `query`"),
        ({"method": "GET", "params": {"query": "{ hello }", "variables": "{nope"}}, 400, "`variables` must be a JSON object"),
        ({"method": "GET", "params": {"query": "{ hello }", "variables": "[1]"}}, 400, "`variables` must be a JSON object"),
        ({"method": "GET", "params": {"query": "{ hello }", "variables": "[" * 10_000}}, 400, "`variables` must be a JSON object"),
        ({"method": "POST", "content": b"query=%7Bhello%7D", "headers": {"content-type": "application/x-www-form-urlencoded"}}, 415, "Content-Type application/json"),
        ({"method": "POST", "content": b"{ hello }"}, 415, "Content-Type application/json"),
    ],
)
def test_malformed_requests_are_4xx_with_a_reason(
    client: TestClient, request_args: dict[str, Any], status: int, reason: str
) -> None:
    method = request_args.pop("method")
    resp = client.request(method, "/graphql", **request_args)
    assert resp.status_code == status
    assert resp.headers["content-type"] == "application/json"
    assert reason in resp.json()["errors"][0]["message"]


def test_hostile_json_nesting_is_a_400_not_a_500(client: TestClient) -> None:
    body = b'{"query": "{ hello }", "variables": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    assert client.post("/graphql", content=body, headers={"content-type": "application/json"}).status_code == 400


def test_a_body_over_the_app_limit_is_413() -> None:
    client = client_for(max_body_size=1000)
    resp = client.post("/graphql", json={"query": "{ hello }" + " " * 2000})
    assert resp.status_code == 413
    assert client.post("/graphql", json={"query": "{ hello }"}).status_code == 200


def test_mutations_need_post(client: TestClient) -> None:
    MESSAGES.clear()
    refused = client.get("/graphql", params={"query": 'mutation { addMessage(text: "via GET") }'})
    assert refused.status_code == 405
    assert refused.headers["allow"] == "POST"
    assert MESSAGES == []
    done = client.post("/graphql", json={"query": 'mutation M($t: String!) { addMessage(text: $t) }', "variables": {"t": "hi"}})
    assert done.json() == {"data": {"addMessage": ["hi"]}}
    MESSAGES.clear()


def test_subscriptions_are_not_run_over_http(client: TestClient) -> None:
    resp = client.post("/graphql", json={"query": "subscription { count(to: 2) }"}, headers={"accept": GQL})
    assert resp.status_code == 400
    assert "WebSocket" in resp.json()["errors"][0]["message"]


def nested(depth: int) -> str:
    """A query of exactly `depth` levels (at least 2): node, then children, then value."""
    return "{ node { " + "child { " * (depth - 2) + "value" + " }" * (depth - 1) + " }"


def test_depth_over_max_depth_is_refused_before_anything_runs() -> None:
    calls: list[Request] = []

    def context(req: Request) -> dict[str, Any]:
        calls.append(req)
        return {"request": req}

    client = client_for(max_depth=4, context=context)
    within = client.post("/graphql", json={"query": nested(4)})
    assert within.json() == {"data": {"node": {"child": {"child": {"value": 3}}}}}
    assert len(calls) == 1
    calls.clear()
    over = client.post("/graphql", json={"query": nested(5)}, headers={"accept": GQL})
    assert over.status_code == 400
    assert over.json() == {
        "errors": [{"message": "Operation has depth 5, over the maximum of 4.", "locations": [{"line": 1, "column": 1}]}]
    }
    assert calls == []


def test_fragments_count_towards_depth() -> None:
    client = client_for(max_depth=3)
    query = "query { ...A } fragment A on Query { node { ...B } } fragment B on Node { child { child { value } } }"
    resp = client.post("/graphql", json={"query": query})
    assert resp.json()["errors"][0]["message"] == "Operation has depth 4, over the maximum of 3."


def test_too_many_tokens_is_a_syntax_error() -> None:
    client = client_for(max_tokens=50)
    assert client.post("/graphql", json={"query": "{ hello }"}).json() == {"data": {"hello": "Hello, world!"}}
    resp = client.post("/graphql", json={"query": "{ " + "hello " * 60 + "}"}, headers={"accept": GQL})
    assert resp.status_code == 400
    assert "Syntax Error" in resp.json()["errors"][0]["message"]


def test_introspection_works_within_a_small_max_depth_unless_disabled() -> None:
    query = get_introspection_query()
    resp = client_for(max_depth=3).post("/graphql", json={"query": query})
    assert resp.status_code == 200
    assert resp.json()["data"]["__schema"]["queryType"] == {"name": "Query", "kind": "OBJECT"}
    refused = client_for(introspection=False).post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
    assert "data" not in refused.json()
    assert "introspection" in refused.json()["errors"][0]["message"].lower()
    typename = client_for(introspection=False).post("/graphql", json={"query": "{ __typename }"})
    assert typename.json() == {"data": {"__typename": "Query"}}


def test_context_factories_sync_async_and_default(client: TestClient) -> None:
    query = {"query": "{ whoami }"}
    assert client.post("/graphql", json=query, headers={"x-user": "ann"}).json() == {"data": {"whoami": "ann"}}

    async def async_context(req: Request) -> str:
        return "async:" + req.headers.get("x-user", "")

    async_client = client_for(context=async_context)
    assert async_client.post("/graphql", json=query, headers={"x-user": "bo"}).json() == {"data": {"whoami": "async:bo"}}
    sync_client = client_for(context=lambda req: "sync:" + req.method)
    assert sync_client.post("/graphql", json=query).json() == {"data": {"whoami": "sync:POST"}}


def test_a_context_may_refuse_the_request_with_http_error() -> None:
    def context(req: Request) -> dict[str, Any]:
        if "authorization" not in req.headers:
            raise HTTPError(401, "sign in first", {"www-authenticate": "Bearer"})
        return {"request": req}

    client = client_for(context=context)
    refused = client.post("/graphql", json={"query": "{ hello }"})
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert refused.json() == {"detail": "sign in first"}
    assert client.post("/graphql", json={"query": "{ hello }"}, headers={"authorization": "Bearer x"}).status_code == 200


def test_resolver_errors_leak_nothing_unless_debug(caplog: pytest.LogCaptureFixture, client: TestClient) -> None:
    query = {"query": "{ hello boom forbidden refused }"}
    with caplog.at_level(logging.ERROR, logger="lette_fp.graphql"):
        resp = client.post("/graphql", json=query)
    assert resp.status_code == 200
    body = resp.json()
    assert body["data"] == {"hello": "Hello, world!", "boom": None, "forbidden": None, "refused": None}
    messages = {e["path"][0]: e["message"] for e in body["errors"]}
    assert messages == {"boom": "Internal Server Error", "forbidden": "not yours", "refused": "told you so"}
    assert "hunter2" not in resp.text
    assert "hunter2" in caplog.text
    debug = client_for(debug=True).post("/graphql", json={"query": "{ boom }"})
    assert debug.json()["errors"][0]["message"] == "database password is hunter2"


def test_a_null_root_is_still_an_executed_result(client: TestClient) -> None:
    resp = client.post("/graphql", json={"query": "{ boomRequired }"}, headers={"accept": GQL})
    assert resp.status_code == 200
    assert resp.json()["data"] is None
    assert resp.json()["errors"][0]["path"] == ["boomRequired"]


def test_browsers_get_graphiql(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get("/graphql", headers={"accept": browser})
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "graphiql.min.js" in page.text
    assert "graphiql.min.css" in page.text
    assert "subscriptionUrl" in page.text
    off = client_for(graphiql=False).get("/graphql", headers={"accept": browser})
    assert off.status_code == 400
    assert off.headers["content-type"] == "application/json"


def test_served_under_a_mount_with_a_name() -> None:
    app = App(routes=[mount("/api", [graphql(schema, path="/gql", name="gql")])])
    client = TestClient(app)
    assert client.get("/api/gql", params={"query": "{ hello }"}).json() == {"data": {"hello": "Hello, world!"}}
    assert app.url_path_for("gql") == "/api/gql"
    assert client.get("/graphql", params={"query": "{ hello }"}).status_code == 404


def test_an_invalid_schema_is_refused_when_the_route_is_built() -> None:
    with pytest.raises(TypeError, match="Query root type must be provided"):
        graphql(GraphQLSchema(query=None, mutation=GraphQLObjectType("M", {})))


def test_query_mutation_and_errors_on_real_servers(serve: ServerFactory) -> None:
    app = App(routes=[graphql(schema)])
    with serve(app) as base, httpx.Client(base_url=base, timeout=5) as client:
        assert client.get("/graphql", params={"query": "{ slowHello }"}).json() == {"data": {"slowHello": "Hello later, world!"}}
        resp = client.post("/graphql", content=json.dumps({"query": "{"}), headers={"content-type": "application/json", "accept": GQL})
        assert resp.status_code == 400
        assert resp.headers["content-type"] == GQL_CT


def test_importing_without_graphql_core_names_the_extra() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["graphql"] = None
        try:
            import lette_fp.graphql
        except ImportError as exc:
            print(exc)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert "pip install 'lette-fp[graphql]'" in out.stdout
