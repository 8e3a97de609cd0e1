"""The Redis backend against a real redis-server: workers sharing channels, Redis unreachable at
start-up, Redis restarted under live subscriptions (resumed from the stream, or a Gap without
history), and the refusal to run on trio."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import anyio
import pytest

from lette_fp.channels import Channels, ChannelsUnavailable, Gap, Message, RedisBackend
from tests.redis_server import RedisServer
from tests.servers import ROOT, free_port


@pytest.fixture
def anyio_backend() -> str:
    """redis-py's asyncio client runs on asyncio only."""
    return "asyncio"


def on(server: RedisServer, **options: object) -> Channels:
    return Channels(RedisBackend(server.url, prefix=f"t-{uuid.uuid4().hex[:8]}:", **options))  # type: ignore[arg-type]


async def publish_when_up(channels: Channels, channel: str, data: str, timeout: float = 20.0) -> str:
    with anyio.fail_after(timeout):
        while True:
            try:
                return await channels.publish(channel, data)
            except ChannelsUnavailable:
                await anyio.sleep(0.1)


async def test_two_workers_on_one_redis_see_each_others_messages(redis_server: RedisServer) -> None:
    prefix = f"t-{uuid.uuid4().hex[:8]}:"
    first = Channels(RedisBackend(redis_server.url, prefix=prefix))
    second = Channels(RedisBackend(redis_server.url, prefix=prefix))
    async with first, second, first.subscribe("room") as on_first, second.subscribe("room") as on_second:
        sent = await first.publish("room", "from the first")
        with anyio.fail_after(5):
            a = await on_first.__anext__()
            b = await on_second.__anext__()
    assert a == b == Message("room", sent, b"from the first")


async def test_unreachable_redis_fails_start_up_with_the_address_and_no_password() -> None:
    port = free_port()
    channels = Channels(RedisBackend(f"redis://user:secret@127.0.0.1:{port}/0", connect_timeout=1))
    with pytest.raises(ChannelsUnavailable, match=rf"Redis at redis://user:\*\*\*@127.0.0.1:{port}/0 is unreachable") as caught:
        await channels.start()
    assert "secret" not in str(caught.value)
    assert not channels.started


async def test_a_restarted_redis_loses_nothing_the_history_holds(fresh_redis: RedisServer) -> None:
    async with on(fresh_redis) as channels, channels.subscribe("log") as messages:
        await channels.publish("log", "before")
        assert (await messages.__anext__()).data == b"before"  # type: ignore[union-attr]
        await anyio.to_thread.run_sync(fresh_redis.restart)
        after = [await publish_when_up(channels, "log", f"after {n}") for n in range(3)]
        with anyio.fail_after(15):
            got = [await messages.__anext__() for _ in range(3)]
        assert [m.id for m in got if isinstance(m, Message)] == after
        assert channels.stats.reconnects >= 1 and channels.stats.gaps == 0


async def test_a_restart_while_redis_is_down_for_a_while_resumes_with_backoff(fresh_redis: RedisServer) -> None:
    async with on(fresh_redis, max_backoff=0.5) as channels, channels.subscribe("log") as messages:
        await anyio.to_thread.run_sync(lambda: fresh_redis.restart(down=1.5))
        sent = await publish_when_up(channels, "log", "back")
        with anyio.fail_after(15):
            got = await messages.__anext__()
        assert isinstance(got, Message) and got.id == sent


async def test_without_history_a_restart_is_reported_as_a_gap(fresh_redis: RedisServer) -> None:
    async with on(fresh_redis, history=0) as channels, channels.subscribe("live") as messages:
        first = await channels.publish("live", "before")
        assert (await messages.__anext__()).data == b"before"  # type: ignore[union-attr]
        await anyio.to_thread.run_sync(fresh_redis.restart)
        with anyio.fail_after(15):
            gap = await messages.__anext__()
            assert gap == Gap("live", first)
            sent = await publish_when_up(channels, "live", "after")
            got = await messages.__anext__()
        assert isinstance(got, Message) and got.id == sent


async def test_publishing_while_redis_is_down_raises_channels_unavailable(fresh_redis: RedisServer) -> None:
    async with on(fresh_redis, max_backoff=0.1) as channels:
        fresh_redis.stop()
        with pytest.raises(ChannelsUnavailable, match="unreachable"):
            await channels.publish("x", "lost")
        fresh_redis.start()


@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_on_trio_the_redis_backend_says_it_needs_asyncio(redis_server: RedisServer) -> None:
    with pytest.raises(RuntimeError, match="needs asyncio"):
        await on(redis_server).start()


def test_uvicorn_exits_non_zero_when_redis_is_unreachable(tmp_path: Path) -> None:
    (tmp_path / "unreachable_app.py").write_text(textwrap.dedent(f"""
        from lette_fp import App
        from lette_fp.channels import Channels, RedisBackend
        channels = Channels(RedisBackend("redis://127.0.0.1:{free_port()}/0", connect_timeout=1))
        app = App(lifespan=channels.lifespan())
    """))
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "unreachable_app:app", "--port", str(free_port()), "--lifespan", "on"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "is unreachable" in result.stderr and "Application startup failed" in result.stderr


async def test_from_url_picks_redis_for_a_url_and_memory_without_one(redis_server: RedisServer) -> None:
    from lette_fp.channels import MemoryBackend

    assert isinstance(Channels.from_url(None).backend, MemoryBackend)
    assert isinstance(Channels.from_url("").backend, MemoryBackend)
    channels = Channels.from_url(redis_server.url, buffer=8)
    assert isinstance(channels.backend, RedisBackend) and channels.buffer == 8
    async with channels, channels.subscribe("from-url") as messages:
        sent = await channels.publish("from-url", "hi")
        with anyio.fail_after(5):
            assert (await messages.__anext__()) == Message("from-url", sent, b"hi")
