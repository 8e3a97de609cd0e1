"""CORS decisions agree with a small oracle written from the rules, for generated origins,
methods, requested headers and configurations."""

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import Request, Response, text
from lette_fp.middleware import cors
from lette_fp.pipeline import compose
from properties.middleware.drive import run

KNOWN_ORIGINS = ["https://a.org", "https://b.org", "http://a.org", "https://a.org:8443", "null",
                 "https://x.example.org", "https://example.org", "https://x.example.org.evil.com"]
REGEX = r"https://[a-z]+\.example\.org"
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "PROPFIND"]
HEADERS = ["x-a", "x-b", "authorization"]
REQUESTED = ["x-a", "X-B", "authorization", "content-type", "Accept", "x-c"]
SAFE = {"accept", "accept-language", "content-language", "content-type"}

origins = st.sampled_from(KNOWN_ORIGINS) | st.from_regex(r"https?://[a-z]{1,4}(\.example\.org)?(\.evil\.com)?(:[0-9]{2})?", fullmatch=True)


@dataclass(frozen=True)
class Config:
    origins: list[str]
    regex: bool
    methods: list[str]
    headers: list[str]
    credentials: bool


configs = st.builds(
    Config,
    origins=st.lists(st.sampled_from([*KNOWN_ORIGINS, "*"]), max_size=3),
    regex=st.booleans(),
    methods=st.lists(st.sampled_from([*METHODS, "*"]), max_size=3),
    headers=st.lists(st.sampled_from([*HEADERS, "*"]), max_size=3),
    credentials=st.booleans(),
)


def oracle_origin_allowed(config: Config, origin: str) -> bool:
    if "*" in config.origins or origin in config.origins:
        return True
    if not config.regex or not origin.startswith("https://") or not origin.endswith(".example.org"):
        return False
    label = origin[len("https://"):-len(".example.org")]
    return label.isascii() and label.isalpha() and label.islower()


def oracle(config: Config, origin: str | None, preflight: bool, method: str, requested: list[str]) -> tuple[int, str | None, bool]:
    """(status, Access-Control-Allow-Origin, Vary names Origin) the rules call for."""
    varies = not ("*" in config.origins and not config.credentials)
    if origin is None:
        return 200, None, varies
    allowed = oracle_origin_allowed(config, origin)
    echoed = (origin if varies else "*") if allowed else None
    if not preflight:
        return 200, echoed, varies
    method_ok = "*" in config.methods or method in config.methods
    headers_ok = "*" in config.headers or all(h.lower() in SAFE or h.lower() in config.headers for h in requested)
    if allowed and method_ok and headers_ok:
        return 200, echoed, varies
    return 400, None, varies


def endpoint(req: Request) -> Response:
    return text("from the handler")


@settings(max_examples=800, deadline=None)
@given(configs, st.none() | origins, st.booleans(), st.sampled_from(METHODS),
       st.lists(st.sampled_from(REQUESTED), max_size=3))
def test_cors_agrees_with_the_oracle(config: Config, origin: str | None, preflight: bool, method: str, requested: list[str]) -> None:
    middleware = cors(
        allow_origins=config.origins, allow_origin_regex=REGEX if config.regex else None,
        allow_methods=config.methods, allow_headers=config.headers, allow_credentials=config.credentials,
    )
    handler = compose(endpoint, [middleware])
    headers = {} if origin is None else {"origin": origin}
    if preflight:
        headers["access-control-request-method"] = method
        if requested:
            headers["access-control-request-headers"] = ", ".join(requested)
    req = Request.build(method="OPTIONS" if preflight else "GET", headers=headers)
    resp = run(handler(req))
    status, allow_origin, varies = oracle(config, origin, preflight, method, requested)
    assert resp.status == status
    assert resp.header("access-control-allow-origin") == allow_origin
    assert ("Origin" in resp.header_values("vary")) == varies
    answered_here = preflight and origin is not None
    assert (resp.body == b"from the handler") == (not answered_here)
    if answered_here and status == 200:
        allowed_methods = resp.header("access-control-allow-methods") or ""
        assert method in [m.strip() for m in allowed_methods.split(",")]
        if config.credentials:
            assert resp.header("access-control-allow-credentials") == "true"
