"""Runnable example apps: each is served with `uvicorn examples.NAME:app`; `examples.showcase`
mounts them all behind one landing page (`make run`)."""
