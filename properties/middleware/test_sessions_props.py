"""Sessions: any JSON-able session round-trips through the cookie, and any single-byte change to
the cookie yields an empty session."""

from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from lette_fp import Request, Response, json, text
from lette_fp.middleware import sessions
from lette_fp.pipeline import compose
from properties.middleware.drive import run

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=15,
)
sessions_st = st.dictionaries(st.text(max_size=10), json_values, min_size=1, max_size=5)

middleware = sessions("property secret")


def store(session: dict[str, Any]) -> bytes:
    def setter(req: Request) -> Response:
        return text("stored").with_session(session)

    resp = run(compose(setter, [middleware])(Request.build()))
    set_cookie = resp.header("set-cookie")
    assert set_cookie is not None
    return set_cookie.split(";")[0].removeprefix("session=").encode("latin-1")


def load(cookie: bytes) -> Any:
    def getter(req: Request) -> Response:
        return json(dict(req.session))

    resp = run(compose(getter, [middleware])(Request.build(headers=[(b"cookie", b"session=" + cookie)])))
    return msgspec.json.decode(resp.body)


@settings(max_examples=300, deadline=None)
@given(sessions_st)
def test_any_json_session_round_trips(session: dict[str, Any]) -> None:
    assert load(store(session)) == session


small_sessions = st.dictionaries(st.text(max_size=6), st.integers() | st.text(max_size=12), min_size=1, max_size=3)
BASE64_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=."


@settings(max_examples=800, deadline=None)
@given(small_sessions, st.data())
def test_any_single_byte_change_yields_an_empty_session(session: dict[str, Any], data: st.DataObject) -> None:
    cookie = store(session)
    # The last characters of the signature are tried often: base64 leaves unused bits there.
    position = data.draw(st.integers(0, len(cookie) - 1) | st.integers(len(cookie) - 2, len(cookie) - 1), label="position")
    any_byte = st.integers(0, 255) | st.sampled_from(BASE64_BYTES)
    byte = data.draw(any_byte.filter(lambda b: b != cookie[position]), label="byte")
    changed = cookie[:position] + bytes([byte]) + cookie[position + 1:]
    assert load(changed) == {}
