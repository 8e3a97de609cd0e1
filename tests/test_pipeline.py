import pytest
from returns.future import FutureResult
from returns.io import IOFailure, IOSuccess
from returns.result import Failure, Success

from lette_fp import HTTPError, Request, Response, on_request, on_response, text
from lette_fp.pipeline import compose, interpret, to_handler


async def test_sync_and_async_handlers_become_async() -> None:
    def sync(req: Request) -> Response:
        return text("sync")

    async def asynchronous(req: Request) -> Response:
        return text("async")

    assert (await to_handler(sync)(Request.build())).body == b"sync"
    assert (await to_handler(asynchronous)(Request.build())).body == b"async"


async def test_every_handler_is_adapted_once_whatever_its_annotation() -> None:
    async def typed(req: Request) -> Response:
        return text("typed")

    async def untyped(req: Request):  # type: ignore[no-untyped-def]
        return Success(text("container"))

    async def lying(req: Request) -> Response:
        return Success(text("lying"))  # type: ignore[return-value]

    for fn, body in ((typed, b"typed"), (untyped, b"container"), (lying, b"lying")):
        adapted = to_handler(fn)
        assert (await adapted(Request.build())).body == body


async def test_returns_containers_are_interpreted() -> None:
    assert await interpret(Success(text("ok"))) == text("ok")
    assert await interpret(IOSuccess(text("io"))) == text("io")
    assert await interpret(FutureResult.from_value(text("future"))) == text("future")
    with pytest.raises(HTTPError) as info:
        await interpret(Failure(HTTPError(409, "taken")))
    assert info.value.status == 409
    with pytest.raises(HTTPError):
        await interpret(IOFailure(HTTPError(404)))


async def test_a_non_response_is_a_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="dict"):
        await interpret({"not": "a response"})


async def test_first_middleware_is_outermost() -> None:
    seen: list[str] = []

    def tag(name: str):  # type: ignore[no-untyped-def]
        def middleware(handler):  # type: ignore[no-untyped-def]
            async def wrapped(req: Request) -> Response:
                seen.append(name)
                return (await handler(req)).add_header("x-order", name)

            return wrapped

        return middleware

    handler = compose(lambda req: text("x"), [tag("outer"), tag("inner")])
    resp = await handler(Request.build())
    assert seen == ["outer", "inner"]
    assert resp.header_values("x-order") == ["inner", "outer"]


async def test_on_request_can_answer_or_pass_a_new_request() -> None:
    def guard(req: Request) -> Request | Response:
        if "x-key" not in req.headers:
            return text("no key", status=401)
        return req.with_attrs(key=req.headers["x-key"])

    handler = compose(lambda req: text(req.attrs["key"]), [on_request(guard)])
    assert (await handler(Request.build())).status == 401
    assert (await handler(Request.build(headers={"x-key": "k1"}))).body == b"k1"


async def test_on_response_rewrites_with_async_functions_too() -> None:
    async def stamp(req: Request, resp: Response) -> Response:
        return resp.with_header("x-path", req.path)

    handler = compose(lambda req: text("x"), [on_response(stamp)])
    assert (await handler(Request.build(path="/p"))).header("x-path") == "/p"


async def test_a_plain_io_container_is_interpreted() -> None:
    from returns.io import IO

    assert await interpret(IO(text("io"))) == text("io")
