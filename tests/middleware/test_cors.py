from lette_fp import App, Request, Response, get, mount, post, text
from lette_fp.middleware import cors
from lette_fp.testing import TestClient

calls: list[str] = []


def hello(req: Request) -> Response:
    calls.append(req.method)
    return text("hello")


def app_with(**options: object) -> TestClient:
    routes = [get("/", hello), post("/", hello)]
    return TestClient(App(routes, middleware=[cors(**options)]))  # type: ignore[arg-type]


def preflight(client: TestClient, origin: str, method: str = "GET", headers: str | None = None) -> object:
    sent = {"origin": origin, "access-control-request-method": method}
    if headers is not None:
        sent["access-control-request-headers"] = headers
    return client.options("/", headers=sent)


def test_allowed_preflight_is_answered_without_calling_the_handler() -> None:
    client = app_with(
        allow_origins=["https://example.org"], allow_methods=["GET", "POST"],
        allow_headers=["X-Token"], allow_credentials=True, max_age=300,
    )
    calls.clear()
    resp = preflight(client, "https://example.org", "POST", "x-token, content-type")
    assert resp.status_code == 200
    assert resp.text == "OK"
    assert calls == []
    assert resp.headers["access-control-allow-origin"] == "https://example.org"
    assert resp.headers["access-control-allow-methods"] == "GET, POST"
    allowed = {h.strip() for h in resp.headers["access-control-allow-headers"].split(",")}
    assert allowed == {"accept", "accept-language", "content-language", "content-type", "x-token"}
    assert resp.headers["access-control-allow-credentials"] == "true"
    assert resp.headers["access-control-max-age"] == "300"
    assert resp.headers["vary"] == "Origin"


def test_disallowed_preflight_names_what_was_refused_and_allows_no_origin() -> None:
    client = app_with(allow_origins=["https://example.org"], allow_methods=["GET"], allow_headers=["x-token"])
    origin = preflight(client, "https://evil.com")
    assert origin.status_code == 400
    assert origin.text == "Disallowed CORS origin"
    assert "access-control-allow-origin" not in origin.headers
    method = preflight(client, "https://example.org", "DELETE")
    assert (method.status_code, method.text) == (400, "Disallowed CORS method")
    assert "access-control-allow-origin" not in method.headers
    every = preflight(client, "https://evil.com", "DELETE", "x-other")
    assert every.text == "Disallowed CORS origin, method, headers"
    allowed_header = preflight(client, "https://example.org", "GET", "X-Token")
    assert allowed_header.status_code == 200


def test_options_without_request_method_is_not_a_preflight() -> None:
    client = app_with(allow_origins=["*"])
    resp = client.options("/", headers={"origin": "https://a.org"})
    assert resp.status_code == 204
    assert "GET" in resp.headers["allow"]
    assert resp.headers["access-control-allow-origin"] == "*"


def test_simple_request_from_allowed_and_refused_origins() -> None:
    client = app_with(allow_origins=["https://example.org"], expose_headers=["X-Total"])
    ok = client.get("/", headers={"origin": "https://example.org"})
    assert ok.text == "hello"
    assert ok.headers["access-control-allow-origin"] == "https://example.org"
    assert ok.headers["access-control-expose-headers"] == "X-Total"
    assert ok.headers["vary"] == "Origin"
    assert "access-control-allow-credentials" not in ok.headers
    refused = client.get("/", headers={"origin": "https://evil.com"})
    assert refused.text == "hello"
    assert "access-control-allow-origin" not in refused.headers
    assert "access-control-expose-headers" not in refused.headers
    assert refused.headers["vary"] == "Origin"
    same_site = client.get("/")
    assert "access-control-allow-origin" not in same_site.headers
    assert same_site.headers["vary"] == "Origin"


def test_wildcard_without_credentials_is_a_fixed_star_without_vary() -> None:
    client = app_with(allow_origins=["*"])
    resp = client.get("/", headers={"origin": "https://anyone.net"})
    assert resp.headers["access-control-allow-origin"] == "*"
    assert "vary" not in resp.headers
    assert "vary" not in client.get("/").headers
    pre = preflight(client, "https://anyone.net")
    assert pre.headers["access-control-allow-origin"] == "*"


def test_wildcard_with_credentials_echoes_the_origin_and_varies() -> None:
    client = app_with(allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])
    resp = client.get("/", headers={"origin": "https://one.net"})
    assert resp.headers["access-control-allow-origin"] == "https://one.net"
    assert resp.headers["access-control-allow-credentials"] == "true"
    assert resp.headers["vary"] == "Origin"
    pre = preflight(client, "https://two.net", "PROPFIND", "X-A, x-b")
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "https://two.net"
    assert pre.headers["access-control-allow-methods"] == "PROPFIND"
    assert pre.headers["access-control-allow-headers"] == "x-a, x-b"
    assert pre.headers["vary"] == "Origin"


def test_nothing_leaks_from_one_request_to_the_next() -> None:
    client = app_with(allow_origins=["https://a.org", "https://b.org"])
    first = client.get("/", headers={"origin": "https://a.org"})
    second = client.get("/", headers={"origin": "https://b.org"})
    third = client.get("/", headers={"origin": "https://c.org"})
    assert first.headers["access-control-allow-origin"] == "https://a.org"
    assert second.headers["access-control-allow-origin"] == "https://b.org"
    assert "access-control-allow-origin" not in third.headers
    assert first.headers.get_list("vary") == second.headers.get_list("vary") == ["Origin"]


def test_origin_regex_must_match_the_whole_origin() -> None:
    client = app_with(allow_origin_regex=r"https://.*\.example\.org")
    good = client.get("/", headers={"origin": "https://api.example.org"})
    assert good.headers["access-control-allow-origin"] == "https://api.example.org"
    evil = client.get("/", headers={"origin": "https://example.org.evil.com"})
    assert "access-control-allow-origin" not in evil.headers
    prefixed = client.get("/", headers={"origin": "http://x.com/https://a.example.org"})
    assert "access-control-allow-origin" not in prefixed.headers
    assert preflight(client, "https://example.org.evil.com").status_code == 400


def test_existing_vary_is_kept_and_merged() -> None:
    def varies(req: Request) -> Response:
        return text("hi", headers={"vary": "Accept-Language"})

    app = App([get("/", varies)], middleware=[cors(allow_origins=["https://a.org"])])
    resp = TestClient(app).get("/", headers={"origin": "https://a.org"})
    assert resp.headers.get_list("vary") == ["Accept-Language, Origin"]


def test_error_responses_get_cors_headers_too() -> None:
    client = app_with(allow_origins=["https://a.org"])
    missing = client.get("/nope", headers={"origin": "https://a.org"})
    assert missing.status_code == 404
    assert missing.headers["access-control-allow-origin"] == "https://a.org"


def test_preflights_reach_cors_on_a_mount_and_on_a_route() -> None:
    policy = cors(allow_origins=["https://app.example"], allow_methods=["GET", "POST"])
    app = App(routes=[
        mount("/api", [post("/items", lambda req: text("made"))], middleware=[policy]),
        get("/one", lambda req: text("one"), middleware=[policy]),
        get("/plain", lambda req: text("plain")),
    ])
    client = TestClient(app)
    preflight = {"origin": "https://app.example", "access-control-request-method": "POST"}
    for path in ("/api/items", "/one"):
        resp = client.options(path, headers=preflight)
        assert resp.status_code == 200, path
        assert resp.headers["access-control-allow-origin"] == "https://app.example", path
    assert client.post("/api/items", headers={"origin": "https://app.example"}).headers["access-control-allow-origin"] == "https://app.example"
    plain = client.options("/plain", headers=preflight)
    assert (plain.status_code, plain.headers["allow"]) == (204, "GET, HEAD, OPTIONS")
    assert "access-control-allow-origin" not in plain.headers


PNA = {"origin": "https://example.org", "access-control-request-method": "GET"}


def test_private_network_access_is_granted_only_when_allowed_and_asked_for() -> None:
    allowed = app_with(allow_origins=["*"], allow_methods=["*"], allow_private_network=True)
    plain = allowed.options("/", headers=PNA)
    assert plain.status_code == 200
    assert "access-control-allow-private-network" not in plain.headers
    asked = allowed.options("/", headers={**PNA, "access-control-request-private-network": "true"})
    assert asked.status_code == 200
    assert asked.headers["access-control-allow-private-network"] == "true"


def test_private_network_access_asked_for_without_the_option_is_400() -> None:
    client = app_with(allow_origins=["*"], allow_methods=["*"])
    resp = client.options("/", headers={**PNA, "access-control-request-private-network": "true"})
    assert (resp.status_code, resp.text) == (400, "Disallowed CORS private-network")
    assert "access-control-allow-private-network" not in resp.headers
    assert client.options("/", headers=PNA).status_code == 200


def test_a_preflight_naming_too_many_headers_is_refused_unread() -> None:
    from lette_fp.middleware.cors import MAX_REQUESTED_HEADERS

    client = app_with(allow_origins=["*"], allow_methods=["*"], allow_headers=["*"])
    many = ", ".join(f"x-h{i}" for i in range(MAX_REQUESTED_HEADERS + 1))
    resp = client.options("/", headers={**PNA, "access-control-request-headers": many})
    assert (resp.status_code, resp.text) == (400, "Disallowed CORS headers")
    few = ", ".join(f"x-h{i}" for i in range(MAX_REQUESTED_HEADERS - 1))
    assert client.options("/", headers={**PNA, "access-control-request-headers": few}).status_code == 200
