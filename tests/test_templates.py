"""Templates: rendering to html Responses, the context, errors naming the template, streaming."""

import logging
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import httpx
import jinja2
import pytest

from lette_fp import App, Request, Response, get
from lette_fp.templates import TemplateError, Templates
from lette_fp.testing import AsyncTestClient, TestClient
from tests.servers import ServerFactory


@pytest.fixture
def templates(tmp_path: Path) -> Templates:
    files = {
        "page.html": "<h1>{{ title }}</h1><p>{{ request.method }} {{ request.path }}</p>",
        "link.html": '<a href="{{ url_for(\'user\', name=name) }}">{{ name }}</a>',
        "feed.xml": "<title>{{ title }}</title>",
        "note.txt": "{{ title }}",
        "broken.html": "{% for x in items %}{{ x }}",
        "boom.html": "line one\n{{ 1 // zero }}",
        "outer.html": "{% include 'missing.html' %}",
        "base.html": "<main>{% block body %}{% endblock %}</main>",
        "child.html": "{% extends 'base.html' %}{% block body %}{{ title }}{% endblock %}",
    }
    for name, source in files.items():
        (tmp_path / name).write_text(source)
    return Templates(directory=tmp_path)


def test_render_is_a_pure_call_returning_an_html_response(templates: Templates) -> None:
    req = Request.build("GET", "/here")
    resp = templates.render(req, "page.html", {"title": "Hi"}, status=201, headers={"x-a": "b"})
    assert isinstance(resp, Response)
    assert resp.status == 201
    assert resp.header("content-type") == "text/html; charset=utf-8"
    assert resp.header("x-a") == "b"
    assert resp.body == b"<h1>Hi</h1><p>GET /here</p>"
    assert templates.render(req, "page.html", {"title": "Hi"}, status=201, headers={"x-a": "b"}) == resp


def test_other_media_types_and_inheritance(templates: Templates) -> None:
    req = Request.build()
    note = templates.render(req, "note.txt", {"title": "<b>"}, media_type="text/plain")
    assert note.header("content-type") == "text/plain; charset=utf-8"
    assert note.body == b"<b>"
    assert templates.render(req, "child.html", {"title": "x"}).body == b"<main>x</main>"


def test_autoescape_is_on_for_html_and_xml_only(templates: Templates) -> None:
    req = Request.build()
    hostile = "<script>alert('x')</script>&"
    assert templates.render(req, "page.html", {"title": hostile}).body.startswith(
        b"<h1>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</h1>"
    )
    assert templates.render(req, "feed.xml", {"title": hostile}).body == (
        b"<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</title>"
    )
    assert templates.render(req, "note.txt", {"title": hostile}).body == hostile.encode()


def test_the_context_has_request_and_url_for_through_an_app(templates: Templates) -> None:
    def show(req: Request) -> Response:
        return templates.render(req, "link.html", {"name": "Ann", "request": "ignored"})

    def user(req: Request) -> Response:
        return templates.render(req, "page.html", {"title": "user"})

    app = App(routes=[get("/", show), get("/users/{name}", user, name="user")])
    resp = TestClient(app, base_url="http://example.org").get("/")
    assert resp.text == '<a href="http://example.org/users/Ann">Ann</a>'


def test_context_processors_and_a_ready_environment() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"x.html": "{{ site }}/{{ who }}"}), autoescape=True)
    templates = Templates(env=env, context_processors=[lambda req: {"site": req.path, "who": "default"}])
    resp = templates.render(Request.build(path="/s"), "x.html", {"who": "me"})
    assert resp.body == b"/s/me"
    assert env.globals["url_for"] is not None


def test_render_refuses_an_async_environment() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"x.html": "x"}), enable_async=True)
    with pytest.raises(TypeError, match="use stream"):
        Templates(env=env).render(Request.build(), "x.html")


def test_exactly_one_of_directory_or_env() -> None:
    with pytest.raises(TypeError):
        Templates()
    with pytest.raises(TypeError):
        Templates("templates", env=jinja2.Environment())


def test_errors_name_the_template_and_the_line(templates: Templates) -> None:
    req = Request.build()
    with pytest.raises(TemplateError, match=r"'nope.html': not found \(searched .+\)"):
        templates.render(req, "nope.html")
    with pytest.raises(TemplateError, match=r"'broken.html': syntax error at line 1 of .*broken.html"):
        templates.render(req, "broken.html", {"items": []})
    with pytest.raises(TemplateError, match=r"'boom.html': ZeroDivisionError: .* \(line 2 of .*boom.html\)"):
        templates.render(req, "boom.html", {"zero": 0})
    with pytest.raises(TemplateError, match=r"'outer.html': includes 'missing.html'"):
        templates.render(req, "outer.html")
    with pytest.raises(TemplateError, match=r"'nope.html': not found"):
        templates.stream(req, "nope.html")


def test_a_template_error_is_a_500_with_details_only_in_the_server_log_or_debug_page(
    templates: Templates,
) -> None:
    def missing(req: Request) -> Response:
        return templates.render(req, "nope.html")

    routes = [get("/", missing)]
    resp = TestClient(App(routes=routes), raise_server_exceptions=False).get("/")
    assert resp.status_code == 500
    assert resp.text == "Internal Server Error"
    with pytest.raises(TemplateError, match="template 'nope.html': not found"):
        TestClient(App(routes=routes)).get("/")
    page = TestClient(App(routes=routes, debug=True), raise_server_exceptions=False).get(
        "/", headers={"accept": "text/html"}
    )
    assert page.status_code == 500
    assert "TemplateError: template &#x27;nope.html&#x27;: not found" in page.text


async def test_stream_sends_the_page_while_it_renders() -> None:
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"rows.html": "<ul>{% for r in rows %}<li>{{ r }}</li>{% endfor %}</ul>"}),
        autoescape=True,
        enable_async=True,
    )
    templates = Templates(env=env)
    second_row = anyio.Event()

    async def rows() -> AsyncIterator[str]:
        yield "<one>"
        await second_row.wait()
        yield "two"

    def page(req: Request) -> Response:
        return templates.stream(req, "rows.html", {"rows": rows()}, chunk_size=1)

    async with AsyncTestClient(App(routes=[get("/", page)])) as client:
        with anyio.fail_after(5):
            async with client.stream("GET", "/") as resp:
                assert resp.headers["content-type"] == "text/html; charset=utf-8"
                assert "content-length" not in resp.headers
                chunks = resp.aiter_text()
                received = ""
                while "&lt;one&gt;</li>" not in received:
                    received += await chunks.__anext__()
                second_row.set()
                received += "".join([chunk async for chunk in chunks])
    assert received == "<ul><li>&lt;one&gt;</li><li>two</li></ul>"


def test_stream_with_a_sync_environment_gathers_chunks(tmp_path: Path) -> None:
    (tmp_path / "big.html").write_text("{% for i in range(n) %}<p>{{ i }}</p>{% endfor %}")
    templates = Templates(directory=str(tmp_path))
    resp = templates.stream(Request.build(), "big.html", {"n": 3000}, chunk_size=1000)
    with TestClient(App(routes=[get("/", lambda req: resp)])) as client, client.stream("GET", "/") as streamed:
        sizes = [len(chunk) for chunk in streamed.iter_raw()]
    assert len(sizes) > 5
    assert all(size >= 1000 for size in sizes[:-1])
    expected = "".join(f"<p>{i}</p>" for i in range(3000))
    assert sum(sizes) == len(expected)


def test_stream_render_error_names_the_template(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "late.html").write_text("{% for i in range(3) %}{{ 10 // (1 - i) }}{% endfor %}")
    templates = Templates(directory=tmp_path)

    def page(req: Request) -> Response:
        return templates.stream(req, "late.html", chunk_size=0)

    with caplog.at_level(logging.ERROR), pytest.raises(TemplateError, match="'late.html': ZeroDivisionError"):
        TestClient(App(routes=[get("/", page)])).get("/")


def test_render_and_stream_on_real_servers(serve: ServerFactory, templates: Templates) -> None:
    def page(req: Request) -> Response:
        return templates.render(req, "page.html", {"title": "<x>"})

    def streamed(req: Request) -> Response:
        return templates.stream(req, "child.html", {"title": "<y>"})

    app = App(routes=[get("/", page), get("/s", streamed)])
    with serve(app) as base, httpx.Client(base_url=base, timeout=5) as client:
        assert client.get("/").text == "<h1>&lt;x&gt;</h1><p>GET /</p>"
        resp = client.get("/s")
        assert resp.text == "<main>&lt;y&gt;</main>"
        assert resp.headers["transfer-encoding"] == "chunked"


def test_importing_without_jinja2_names_the_extra() -> None:
    code = textwrap.dedent(
        """
        import sys
        sys.modules["jinja2"] = None
        try:
            import lette_fp.templates
        except ImportError as exc:
            print(exc)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert "pip install 'lette-fp[templates]'" in out.stdout


async def test_closing_a_streamed_body_closes_the_rendering_and_its_sources() -> None:
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"feed.html": "{% for r in rows %}<p>{{ r }}</p>{% endfor %}"}),
        autoescape=True,
        enable_async=True,
    )
    closed = anyio.Event()

    async def rows() -> AsyncIterator[int]:
        try:
            i = 0
            while True:
                i += 1
                yield i
        finally:
            closed.set()

    resp = Templates(env=env).stream(Request.build(), "feed.html", {"rows": rows()}, chunk_size=0)
    chunks = resp.body.chunks
    with anyio.fail_after(5):
        received = [await chunks.__anext__() for _ in range(6)]
        assert "".join(received) == "<p>1</p><p>2</p>"
        await chunks.aclose()
        await closed.wait()
