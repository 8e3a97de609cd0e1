"""`OpenAPI(...)` checks its paths when it is made."""

import pytest

from lette_fp.openapi import OpenAPI


@pytest.mark.parametrize("bad", ["docs", "/docs/", "/{x}/docs"])
def test_a_path_must_start_with_a_slash_and_have_no_trailing_slash_or_params(bad: str) -> None:
    with pytest.raises(ValueError, match="expected a path"):
        OpenAPI(title="t", version="1", docs_path=bad)
    with pytest.raises(ValueError, match="expected a path"):
        OpenAPI(title="t", version="1", path=bad)


def test_defaults_serve_the_document_and_the_docs_page() -> None:
    config = OpenAPI(title="t", version="1")
    assert (config.path, config.docs_path) == ("/openapi.json", "/docs")
