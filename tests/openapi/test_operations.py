"""Which operations a route tree has, and the options each one sees."""

from lette_fp import Depends, get, host, mount, route, websocket
from lette_fp.openapi.operations import operations


def handler(req): ...


def test_each_method_of_each_http_route_is_an_operation_in_declaration_order() -> None:
    ops = operations([route("/a", handler, ["GET", "POST"]), get("/b", handler), websocket("/ws", handler)], {})
    assert [(op.method, op.path) for op in ops] == [("get", "/a"), ("post", "/a"), ("get", "/b")]


def test_options_merge_from_the_app_through_the_mounts_to_the_route() -> None:
    guard = Depends(handler)
    routes = [mount("/api", [get("/x", handler, name="x", tags=["x"], status=201, responses={404: None})],
                    tags=["api"], responses={401: None, 404: "mount"}, dependencies=[guard])]
    (op,) = operations(routes, {"dependencies": ()})
    assert op.name == "x"
    assert op.tags == ("api", "x")
    assert op.responses == {401: None, 404: None}
    assert op.options["status"] == 201
    assert op.options["dependencies"] == (guard,)


def test_a_route_can_bring_itself_back_into_an_excluded_mount() -> None:
    routes = [mount("/m", [get("/in", handler, include_in_schema=True), get("/out", handler)], include_in_schema=False)]
    assert [op.path for op in operations(routes, {})] == ["/m/in"]


def test_host_routes_keep_their_path_and_know_their_host_params() -> None:
    (op,) = operations([host("{sub}.example.org", [get("/{id:int}", handler)])], {})
    assert op.path == "/{id}"
    assert op.path_params == frozenset({"id", "sub"})
