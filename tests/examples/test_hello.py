import re
from pathlib import Path

from examples.hello import app
from lette_fp.testing import TestClient

ROOT = Path(__file__).resolve().parents[2]


def test_hello_answers_json_on_both_routes() -> None:
    client = TestClient(app)
    assert client.get("/").json() == {"hello": "world"}
    assert client.get("/users/42").json() == {"id": 42}
    assert client.get("/users/abc").status_code == 404


def test_hello_is_the_readme_app() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```python\n(.*?)```", readme, re.S)
    assert first_block is not None
    source = (ROOT / "examples" / "hello.py").read_text(encoding="utf-8")
    assert first_block.group(1).strip() in source
