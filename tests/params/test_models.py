"""The model-kind seam: a kind is loaded only once its library is imported, so an App built,
served and documented (OpenAPI) with msgspec types alone never imports pydantic, and lette_fp
works where pydantic can't be imported at all."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from lette_fp.params import models

MSGSPEC_APP = """
import sys
from typing import Annotated

import msgspec

from lette_fp import App, Query, get, post
from lette_fp.testing import TestClient


class Item(msgspec.Struct):
    name: str
    price: float


class Filters(msgspec.Struct):
    q: str
    limit: int = 10


def create(item: Item) -> Item:
    return item


def search(filters: Annotated[Filters, Query()]) -> list[Item]:
    return [Item(filters.q, float(filters.limit))]


def plain():
    return {"ok": True}


app = App([post("/items", create, status=201), get("/search", search), get("/plain", plain)])
client = TestClient(app)
created = client.post("/items", json={"name": "pen", "price": 2})
assert (created.status_code, created.json()) == (201, {"name": "pen", "price": 2.0}), created.text
assert client.get("/search?q=a&limit=3").json() == [{"name": "a", "price": 3.0}]
assert client.get("/search?limit=x").status_code == 422
assert client.post("/items", json={"name": 1}).status_code == 422
assert client.get("/plain").json() == {"ok": True}

from lette_fp.openapi import schema

document = schema(app, title="t", version="1")
assert document["paths"]["/items"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
    "$ref": "#/components/schemas/Item"
}
"""


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_an_app_of_msgspec_types_never_imports_pydantic() -> None:
    done = run_python(MSGSPEC_APP + "\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_lette_fp_works_where_pydantic_can_not_be_imported() -> None:
    blocker = textwrap.dedent("""
        import sys

        class NoPydantic:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("pydantic", "pydantic_core"):
                    raise ImportError(f"{name} is blocked in this test")
                return None

        sys.meta_path.insert(0, NoPydantic())
        for name in [m for m in sys.modules if m.split(".")[0] in ("pydantic", "pydantic_core")]:
            del sys.modules[name]
    """)
    check = textwrap.dedent("""
        try:
            import pydantic
        except ImportError:
            print("blocked")
    """)
    done = run_python(blocker + MSGSPEC_APP + check)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "blocked"


class Special:
    """A type only the test kind claims."""


class SpecialKind:
    body_limit = None

    def claims(self, annotation: Any) -> bool:
        return annotation is Special

    def decoder(self, annotation: Any) -> Callable[[bytes], Any]:
        return lambda data: Special()

    def converter(self, annotation: Any) -> Callable[[Any], Any]:
        return lambda value: Special()

    def encoder(self, annotation: Any) -> Callable[[Any], bytes]:
        return lambda value: b'"special"'

    def group_fields(self, annotation: Any) -> Sequence[tuple[str, Any]] | None:
        return None

    def builtins(self, value: Any) -> Any:
        return "special"

    def json_schemas(self, annotations: Any, ref_template: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        return [{"const": "special"} for _ in annotations], {}


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(models, "_REGISTERED", dict(models._REGISTERED))
    monkeypatch.setattr(models, "_LOADED", dict(models._LOADED))
    monkeypatch.setattr(models, "_BY_TYPE", {})


@pytest.mark.usefixtures("isolated")
def test_a_kind_is_loaded_only_once_its_library_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []

    def load() -> models.ModelKind:
        loads.append("loaded")
        return SpecialKind()

    models.register_model_kind("lette_fp_test_special_library", load)
    assert models.model_kind(Special) is None
    assert models.model_builtins(Special) is None
    assert loads == []
    monkeypatch.setitem(sys.modules, "lette_fp_test_special_library", types.ModuleType("lette_fp_test_special_library"))
    models.register_model_kind("lette_fp_test_special_library", load)  # registering again forgets what was learnt
    kind = models.model_kind(Special)
    assert isinstance(kind, SpecialKind)
    assert models.model_kind(int) is None
    assert models.model_builtins(Special) is not None
    assert models.model_kind(Special) is kind
    assert loads == ["loaded"]


@pytest.mark.usefixtures("isolated")
def test_a_blocked_library_is_not_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    models.register_model_kind("lette_fp_test_blocked", lambda: pytest.fail("loaded a blocked library"))
    monkeypatch.setitem(sys.modules, "lette_fp_test_blocked", None)
    assert "lette_fp_test_blocked" not in [type(k).__module__ for k in models.active_kinds()]


@pytest.mark.usefixtures("isolated")
def test_a_registered_kind_serves_bodies_and_returned_values(monkeypatch: pytest.MonkeyPatch) -> None:
    from lette_fp import App, get, post
    from lette_fp.testing import TestClient

    monkeypatch.setitem(sys.modules, "lette_fp_test_special_library", types.ModuleType("lette_fp_test_special_library"))
    models.register_model_kind("lette_fp_test_special_library", SpecialKind)

    def take(value: Special) -> dict[str, bool]:
        return {"special": isinstance(value, Special)}

    def give():  # type: ignore[no-untyped-def]
        return {"value": Special()}

    client = TestClient(App([post("/take", take), get("/give", give)]))
    assert client.post("/take", json={}).json() == {"special": True}
    assert client.get("/give").json() == {"value": "special"}


def test_located_puts_the_source_first() -> None:
    entry = {"loc": ["parts", 0], "msg": "m", "type": "validation_error"}
    assert models.located([entry], ("body",)) == [{"loc": ["body", "parts", 0], "msg": "m", "type": "validation_error"}]
    assert entry["loc"] == ["parts", 0]
