"""Channels on each backend: memory on asyncio and on trio, Redis (a real redis-server) on asyncio
(redis-py's asyncio client does not run on trio; tests/channels/test_redis_backend.py checks the
refusal)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from lette_fp.channels import Channels, MemoryBackend, RedisBackend
from tests.redis_server import RedisServer

SETUPS = [
    pytest.param(("asyncio", "memory"), id="asyncio-memory"),
    pytest.param(("trio", "memory"), id="trio-memory"),
    pytest.param(("asyncio", "redis"), id="asyncio-redis"),
]

MakeChannels = Callable[..., Channels]


@pytest.fixture(params=SETUPS)
def setup(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def anyio_backend(setup: tuple[str, str]) -> str:
    return setup[0]


@pytest.fixture
def make_channels(setup: tuple[str, str], request: pytest.FixtureRequest) -> MakeChannels:
    """`make_channels(history=..., **channels_options)`: Channels on this setup's backend (on
    Redis, with keys under a prefix of this test's own)."""
    prefix = f"test-{uuid.uuid4().hex[:8]}:"

    def make(history: int = 1000, **options: Any) -> Channels:
        if setup[1] == "memory":
            return Channels(MemoryBackend(history=history), **options)
        server: RedisServer = request.getfixturevalue("redis_server")
        return Channels(RedisBackend(server.url, history=history, prefix=prefix), **options)

    return make
