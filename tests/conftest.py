"""Shared fixtures: both anyio backends, and real servers started on 127.0.0.1 for end-to-end tests."""

from __future__ import annotations

import pytest

pytest_plugins = ["tests.servers", "tests.redis_server"]


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)
