"""The edge: the only code that calls ASGI `receive` and `send`."""
