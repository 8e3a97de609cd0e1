"""Route options as the adaptation reads them: inner over outer, guards added up outside in."""

from lette_fp.params.options import merge_options


def test_inner_options_win_and_dependencies_add_up_outermost_first() -> None:
    app = {"dependencies": ("app",), "status": 200, "blocking": False}
    mount = {"dependencies": ("mount",), "blocking": True}
    route = {"dependencies": ("route",), "status": 201}
    merged = merge_options(merge_options(app, mount), route)
    assert merged == {"dependencies": ("app", "mount", "route"), "status": 201, "blocking": True}
    assert app == {"dependencies": ("app",), "status": 200, "blocking": False}
