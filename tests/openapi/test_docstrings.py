"""Summary and description from a handler's docstring."""

import functools

from lette_fp.openapi.docstrings import summary_and_description


def documented(req):
    """Show a note.

    By id; 404 when there is none."""


def test_the_first_line_is_the_summary_and_the_rest_the_description() -> None:
    assert summary_and_description(documented) == ("Show a note.", "By id; 404 when there is none.")


def test_partials_are_unwrapped_and_callable_objects_use_their_own_class_docstring() -> None:
    class Plain:
        def __call__(self, req): ...

    class Said:
        """Said by the class."""

        def __call__(self, req): ...

    assert summary_and_description(functools.partial(documented, None)) == ("Show a note.", "By id; 404 when there is none.")
    assert summary_and_description(Plain()) == (None, None)
    assert summary_and_description(Said()) == ("Said by the class.", None)
    assert summary_and_description(lambda req: None) == (None, None)
