from typing import Any

import anyio
import pytest

from lette_fp import App, Request, Response, get, json, mount, text
from lette_fp.middleware import (
    AuthCredentials,
    AuthenticationError,
    SimpleUser,
    UnauthenticatedUser,
    authentication,
    requires,
)
from lette_fp.testing import TestClient

TOKENS = {"t-admin": ("alice", ["authenticated", "admin"]), "t-user": ("bob", ["authenticated"])}


def token_backend(req: Request) -> tuple[AuthCredentials, SimpleUser] | None:
    header = req.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or token not in TOKENS:
        raise AuthenticationError("Invalid bearer token")
    name, scopes = TOKENS[token]
    return AuthCredentials(scopes), SimpleUser(name)


async def async_backend(req: Request) -> tuple[AuthCredentials, SimpleUser] | None:
    await anyio.sleep(0)
    return token_backend(req)


def whoami(req: Request) -> Response:
    return json({"user": req.user.display_name, "authenticated": req.user.is_authenticated, "scopes": list(req.auth.scopes)})


@requires("admin")
async def admin(req: Request) -> Response:
    return text("admin area")


@requires("authenticated", redirect="login")
def dashboard(req: Request) -> Response:
    return text("dashboard")


@requires(["authenticated", "admin"], status_code=404)
def hidden(req: Request) -> Response:
    return text("hidden")


@requires("authenticated")
def item(req: Request, id: int) -> Response:
    return json({"id": id, "owner": req.user.username})


def login_page(req: Request) -> Response:
    return text("please log in")


def plain(req: Request) -> Response:
    return text("for admins, guarded by route middleware")


ROUTES = [
    get("/", whoami), get("/admin", admin), get("/dashboard", dashboard), get("/hidden", hidden),
    get("/items/{id:int}", item), get("/login", login_page, name="login"),
    get("/plain", plain, middleware=[requires("admin")]),
]


@pytest.fixture(params=[token_backend, async_backend], ids=["sync", "async"])
def client(request: pytest.FixtureRequest) -> TestClient:
    return TestClient(App(ROUTES, middleware=[authentication(request.param)]), follow_redirects=False)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_user_and_auth_are_set_from_the_backend(client: TestClient) -> None:
    assert client.get("/", headers=bearer("t-admin")).json() == {
        "user": "alice", "authenticated": True, "scopes": ["authenticated", "admin"],
    }
    assert client.get("/").json() == {"user": "", "authenticated": False, "scopes": []}


def test_an_authentication_error_is_a_400_with_its_message(client: TestClient) -> None:
    resp = client.get("/", headers=bearer("stolen"))
    assert resp.status_code == 400
    assert resp.text == "Invalid bearer token"


@pytest.mark.parametrize("async_handler", [False, True])
def test_on_error_answers_authentication_errors(async_handler: bool) -> None:
    def on_error(req: Request, exc: AuthenticationError) -> Response:
        return json({"error": str(exc)}, status=401, headers={"www-authenticate": "Bearer"})

    async def on_error_async(req: Request, exc: AuthenticationError) -> Response:
        return on_error(req, exc)

    handler = on_error_async if async_handler else on_error
    app = App(ROUTES, middleware=[authentication(token_backend, on_error=handler)])
    resp = TestClient(app).get("/", headers=bearer("stolen"))
    assert resp.status_code == 401
    assert resp.json() == {"error": "Invalid bearer token"}
    assert resp.headers["www-authenticate"] == "Bearer"


def test_requires_lets_in_only_requests_with_every_scope(client: TestClient) -> None:
    assert client.get("/admin", headers=bearer("t-admin")).text == "admin area"
    denied = client.get("/admin", headers=bearer("t-user"))
    assert denied.status_code == 403
    assert denied.json() == {"detail": "Forbidden"}
    assert client.get("/admin").status_code == 403
    assert client.get("/hidden", headers=bearer("t-user")).status_code == 404
    assert client.get("/hidden", headers=bearer("t-admin")).text == "hidden"


def test_requires_as_route_middleware(client: TestClient) -> None:
    assert client.get("/plain", headers=bearer("t-admin")).status_code == 200
    assert client.get("/plain", headers=bearer("t-user")).status_code == 403


def test_requires_as_route_or_mount_middleware_guards_handlers_that_take_no_request() -> None:
    def by_id(id: int) -> Response:
        return json({"id": id})

    def stats() -> Response:
        return json({"routes": 2})

    app = App(
        [
            get("/items/{id:int}", by_id, middleware=[requires("admin")]),
            mount("/admin", [get("/stats", stats)], middleware=[requires("admin")]),
        ],
        middleware=[authentication(token_backend)],
    )
    client = TestClient(app)
    assert client.get("/items/7", headers=bearer("t-admin")).json() == {"id": 7}
    assert client.get("/items/7", headers=bearer("t-user")).status_code == 403
    assert client.get("/admin/stats", headers=bearer("t-admin")).json() == {"routes": 2}
    assert client.get("/admin/stats").status_code == 403


def test_requires_redirects_to_the_named_route_with_next(client: TestClient) -> None:
    resp = client.get("/dashboard?tab=2")
    assert resp.status_code == 303
    assert resp.headers["location"] == "http://testserver/login?next=http%3A%2F%2Ftestserver%2Fdashboard%3Ftab%3D2"
    assert client.get("/dashboard", headers=bearer("t-user")).text == "dashboard"


def test_a_guarded_handler_keeps_its_typed_parameters(client: TestClient) -> None:
    assert client.get("/items/7", headers=bearer("t-user")).json() == {"id": 7, "owner": "bob"}
    assert client.get("/items/7").status_code == 403


async def test_requires_does_not_care_what_the_handler_returns() -> None:
    accepted = object()

    @requires("chat")
    def socket_handler(req: Request) -> Any:
        return accepted

    anonymous = Request.build(method="GET").with_attrs(auth=AuthCredentials(), user=UnauthenticatedUser())
    denied = await socket_handler(anonymous)
    assert isinstance(denied, Response) and denied.status == 403
    member = anonymous.with_attrs(auth=AuthCredentials(["chat"]), user=SimpleUser("ann"))
    assert await socket_handler(member) is accepted


def test_requires_without_authentication_middleware_names_what_is_missing() -> None:
    app = App([get("/admin", admin)])
    with pytest.raises(AttributeError, match="authentication"):
        TestClient(app).get("/admin")


def test_values_compare_by_content() -> None:
    assert AuthCredentials(["a"]) == AuthCredentials(("a",))
    assert AuthCredentials("a").scopes == ("a",)
    assert SimpleUser("ann") == SimpleUser("ann") != SimpleUser("bob")
    assert UnauthenticatedUser() == UnauthenticatedUser()
    assert not UnauthenticatedUser().is_authenticated


def test_requires_on_a_function_without_a_request_parameter_fails_when_decorated() -> None:
    def no_params() -> Response:
        return text("never")

    def keyword_only(*, req: Request) -> Response:
        return text("never")

    def id_first(id: int) -> Response:
        return text("never")

    with pytest.raises(TypeError, match="no_params: it takes no request parameter"):
        requires("admin")(no_params)
    with pytest.raises(TypeError, match="keyword_only: it takes no request parameter"):
        requires("admin")(keyword_only)
    with pytest.raises(TypeError, match="first parameter 'id' is annotated"):
        requires("admin")(id_first)


def test_requires_accepts_any_first_parameter_that_can_be_the_request() -> None:
    def unannotated(r: Any) -> Response:
        return text("ok")

    async def handler(req: Request) -> Response:
        return text("ok")

    for fn in (unannotated, handler):
        assert callable(requires("admin")(fn))
