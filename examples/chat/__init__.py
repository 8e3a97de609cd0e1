"""A WebSocket chat room with a page: `uvicorn examples.chat:app`, then open http://127.0.0.1:8000/
in two tabs. Every message is sent to every connected client."""

from examples.chat.app import app, create_app

__all__ = ["app", "create_app"]
