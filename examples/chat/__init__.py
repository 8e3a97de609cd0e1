"""A WebSocket chat room with a page: `uvicorn examples.chat:app`, then open http://127.0.0.1:8000/
in two tabs. Every message is sent to every connected client.

On several workers, share the room through Redis:
`REDIS_URL=redis://127.0.0.1:6379/0 uvicorn examples.chat:app --workers 2`."""

from examples.chat.app import app, create_app

__all__ = ["app", "create_app"]
