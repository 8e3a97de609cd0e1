"""`req.state` when the App has a lifespan but the server never ran it (daphne runs no lifespan):
a mapping whose every read raises a RuntimeError saying so, instead of an empty mapping that
would turn into a puzzling KeyError far from the cause."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

NO_LIFESPAN = (
    "req.state is not available: this App has a lifespan, but the server ran no lifespan "
    "(daphne never does; uvicorn with --lifespan off doesn't either). Serve it with uvicorn, "
    "hypercorn or granian, or open what the lifespan opens another way (docs/deployment.md)."
)
"""The message of the RuntimeError raised on reading `NoLifespanState`."""


class NoLifespanState(Mapping[str, Any]):
    """A read-only mapping that raises RuntimeError(`NO_LIFESPAN`) on every read: `state[key]`,
    `get`, `in`, `len`, iteration, truth."""

    __slots__ = ()

    def __getitem__(self, key: str) -> NoReturn:
        raise RuntimeError(NO_LIFESPAN)

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError(NO_LIFESPAN)

    def __len__(self) -> int:
        raise RuntimeError(NO_LIFESPAN)

    def __contains__(self, key: object) -> bool:
        raise RuntimeError(NO_LIFESPAN)

    def __repr__(self) -> str:
        return "NoLifespanState()"


NO_LIFESPAN_STATE: Mapping[str, Any] = NoLifespanState()
"""The one `NoLifespanState` value."""
