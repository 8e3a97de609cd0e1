"""The ten-line app from the README: `uvicorn examples.hello:app`.

Kept line for line as the README shows it (tests/examples/test_hello.py checks), hence one blank
line after the import.
"""
# ruff: noqa: I001

from lette_fp import App, Request, get, json

def hello(req: Request):                      # sync = pure, called directly
    return json({"hello": "world"})

async def user(req: Request):
    return json({"id": req.path_params["id"]})

app = App(routes=[get("/", hello), get("/users/{id:int}", user, name="user")])
