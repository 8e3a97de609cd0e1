"""Pub/sub channels for WebSockets, SSE and GraphQL subscriptions, in one process
(`MemoryBackend`) or across workers and hosts (`RedisBackend`, needs `lette-fp[redis]`).

See docs/channels.md.
"""

from typing import TYPE_CHECKING, Any

from lette_fp.channels.backend import Backend, ChannelsUnavailable
from lette_fp.channels.channels import Channels, Subscription
from lette_fp.channels.memory import MemoryBackend
from lette_fp.channels.message import Gap, Message
from lette_fp.channels.sse import channel_sse
from lette_fp.channels.stats import ChannelStats
from lette_fp.channels.subscriber import Overflow, SubscriberOverflow
from lette_fp.channels.websocket import channel_pipe

if TYPE_CHECKING:
    from lette_fp.channels.redis_backend import RedisBackend

__all__ = [
    "Backend", "ChannelStats", "Channels", "ChannelsUnavailable", "Gap", "MemoryBackend",
    "Message", "Overflow", "RedisBackend", "SubscriberOverflow", "Subscription", "channel_pipe",
    "channel_sse",
]


def __getattr__(name: str) -> Any:
    """`RedisBackend` is imported on first use, so the package works without redis-py."""
    if name == "RedisBackend":
        from lette_fp.channels.redis_backend import RedisBackend

        return RedisBackend
    raise AttributeError(f"module 'lette_fp.channels' has no attribute {name!r}")
