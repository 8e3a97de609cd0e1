"""The lifespan state keys the handlers ask for (`State("engine")`), checked once the state is known."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class MissingStateError(LookupError):
    """A handler or provider asks for a `State(key)` the lifespan did not provide; raised at startup."""


class StateKeys:
    """Collects `(who, key)` for every `State(key)` parameter while the App is built; `check(state)`
    raises MissingStateError naming each handler whose key is absent."""

    __slots__ = ("wanted",)

    def __init__(self) -> None:
        self.wanted: list[tuple[str, str]] = []

    def require(self, who: str, key: str) -> None:
        """Note that `who` (a handler → provider chain) reads `State(key)`."""
        self.wanted.append((who, key))

    def check(self, state: Mapping[str, Any]) -> None:
        """Raise MissingStateError when a wanted key is not in `state`."""
        missing = [f"{who} needs State({key!r})" for who, key in self.wanted if key not in state]
        if missing:
            raise MissingStateError(
                "; ".join(missing) + f" — the lifespan state holds {sorted(state) or 'nothing'}"
            )
