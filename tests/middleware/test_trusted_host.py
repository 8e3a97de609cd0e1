import pytest

from lette_fp import App, Request, Response, get, text
from lette_fp.middleware import trusted_host
from lette_fp.middleware.trusted_host import HostPolicy, check_host
from lette_fp.testing import TestClient


def where(req: Request) -> Response:
    return text(f"{req.url.hostname} {req.url.path}?{req.url.query}")


def client_for(hosts: list[str], **options: bool) -> TestClient:
    return TestClient(App([get("/{p:path}", where)], middleware=[trusted_host(hosts, **options)]), follow_redirects=False)


@pytest.mark.parametrize("host", ["example.org", "EXAMPLE.org:8000", "api.example.com", "a.b.example.com"])
def test_trusted_hosts_pass(host: str) -> None:
    client = client_for(["example.org", "*.example.com"])
    resp = client.get("/x", headers={"host": host})
    assert resp.status_code == 200
    assert resp.text.startswith(host.split(":")[0].lower())


@pytest.mark.parametrize("host", ["evil.org", "example.com", "example.org.evil.com", "xexample.com", "", "exa mple.org", "[::1"])
def test_untrusted_or_malformed_hosts_are_400(host: str) -> None:
    client = client_for(["example.org", "*.example.com"])
    resp = client.get("/x", headers={"host": host})
    assert resp.status_code == 400
    assert resp.text == "Invalid host header"


def test_a_star_allows_every_host_and_adds_no_work() -> None:
    mw = trusted_host(["*"])
    assert client_for(["*"]).get("/", headers={"host": "anything.net"}).status_code == 200

    async def handler(req: Request) -> Response:
        return text("x")

    assert mw(handler) is handler


def test_www_redirect_when_only_the_www_name_is_allowed() -> None:
    client = client_for(["www.example.org"])
    resp = client.get("/a/b?q=1", headers={"host": "example.org"})
    assert resp.status_code == 307
    assert resp.headers["location"] == "http://www.example.org/a/b?q=1"
    off = client_for(["www.example.org"], www_redirect=False).get("/", headers={"host": "example.org"})
    assert off.status_code == 400


def test_a_misplaced_wildcard_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="wildcard"):
        trusted_host(["example.*"])


def test_check_host_is_a_plain_function() -> None:
    policy = HostPolicy.build(["example.org"])
    req = Request.build(headers={"host": "example.org"})
    assert check_host(policy, True, req) is req
    refused = check_host(policy, True, Request.build(headers={"host": "other.org"}))
    assert isinstance(refused, Response) and refused.status == 400
