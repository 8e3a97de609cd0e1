"""The lifespan state keys handlers ask for, checked once the state is known."""

import pytest

from lette_fp.params.state import MissingStateError, StateKeys


def test_every_missing_key_is_named_with_who_needs_it() -> None:
    keys = StateKeys()
    keys.require("show", "engine")
    keys.require("show: parameter 'u' → current_user", "cache")
    keys.check({"engine": 1, "cache": 2})
    with pytest.raises(MissingStateError) as caught:
        keys.check({"engine": 1})
    assert "show: parameter 'u' → current_user needs State('cache')" in str(caught.value)
    assert "'engine'" in str(caught.value)
