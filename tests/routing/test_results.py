from __future__ import annotations

from lette_fp.routing import NOT_FOUND, Found, MethodNotAllowed, NotFound, RedirectSlash


def describe(result: object) -> str:
    match result:
        case Found(endpoint, params, prefix):
            return f"found {endpoint} {dict(params)} {prefix}"
        case MethodNotAllowed(allow):
            return f"405 {','.join(allow)}"
        case RedirectSlash(path):
            return f"redirect {path}"
        case NotFound.NOT_FOUND:
            return "404"
    return "?"


def test_results_work_with_match_case() -> None:
    assert describe(Found("e", {"a": 1}, "/p")) == "found e {'a': 1} /p"
    assert describe(MethodNotAllowed(("GET",))) == "405 GET"
    assert describe(RedirectSlash("/x/")) == "redirect /x/"
    assert describe(NOT_FOUND) == "404"


def test_results_compare_by_value() -> None:
    assert Found("e", {}, "") == Found("e", {}, "")
    assert MethodNotAllowed(("GET",)) != MethodNotAllowed(("POST",))
    assert NOT_FOUND is NotFound.NOT_FOUND
