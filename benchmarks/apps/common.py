"""Data shared by every app and by the runner: payloads, decoy routes, expectations."""

from __future__ import annotations

import dataclasses
import json

import msgspec

PLAINTEXT = "Hello, World!"
MESSAGE = {"message": "Hello, World!"}
STREAM_CHUNK = b"x" * 1024
STREAM_CHUNKS = 100

# S5: a flat ~1 KB JSON document. Every framework decodes it into its own typed value
# (msgspec Struct, pydantic model or dataclass) and encodes that value back.
ITEM: dict[str, object] = {
    "id": 48213,
    "sku": "WDG-48213-BLK-XL",
    "name": "Widget Pro 3000, matte black, extra large",
    "description": (
        "A sturdy, general purpose widget machined from a single block of aluminium. "
        "It ships with a two year warranty, a carrying case and a printed manual in "
        "eleven languages. Suitable for indoor and outdoor use; keep away from open "
        "flames and do not submerge in water for longer than thirty minutes."
    ),
    "price": 199.5,
    "discount": 0.125,
    "currency": "EUR",
    "in_stock": True,
    "quantity": 42,
    "vendor": "Acme Widgets International Ltd.",
    "vendor_id": 1187,
    "category": "hardware/tools/widgets",
    "weight_kg": 1.75,
    "tags": [
        "hardware",
        "tools",
        "widgets",
        "aluminium",
        "outdoor",
        "warranty",
        "bestseller",
        "new",
    ],
    "ratings": [5, 4, 5, 3, 5, 4, 4, 5, 2, 5, 4, 5],
    "related_ids": [48211, 48212, 48214, 48215, 50001, 50002, 51000],
    "features": [
        "single block aluminium body",
        "two year warranty",
        "carrying case included",
        "printed manual in eleven languages",
        "splash resistant",
    ],
}
ITEM_BYTES = json.dumps(ITEM).encode()

# Decoy routes: half static, half parameterised, all declared before /users/{id:int}.
# ``decoy_routes(n)`` yields ("static", "/d<i>/items") or ("param", "/d<i>/items", "id").
# Each app spells the parameterised ones in its own syntax.


def decoy_routes(n: int) -> list[tuple[str, int]]:
    """``[(kind, i), ...]``: kind is "static" (``/d<i>/items``) or "param"
    (``/d<i>/items/{id:int}``)."""
    return [("static" if i % 2 == 0 else "param", i) for i in range(n)]


DECOY_BODY = {"decoy": True}


# The typed forms of ITEM: a msgspec Struct (raw ASGI, lette_fp, Litestar) and a
# dataclass (Starlette, BlackSheep, Falcon). FastAPI uses a pydantic model of its own.
class ItemStruct(msgspec.Struct):
    id: int
    sku: str
    name: str
    description: str
    price: float
    discount: float
    currency: str
    in_stock: bool
    quantity: int
    vendor: str
    vendor_id: int
    category: str
    weight_kg: float
    tags: list[str]
    ratings: list[int]
    related_ids: list[int]
    features: list[str]


@dataclasses.dataclass
class ItemDataclass:
    id: int
    sku: str
    name: str
    description: str
    price: float
    discount: float
    currency: str
    in_stock: bool
    quantity: int
    vendor: str
    vendor_id: int
    category: str
    weight_kg: float
    tags: list[str]
    ratings: list[int]
    related_ids: list[int]
    features: list[str]

# S10: websocket echo. The client sends text i+1 only once echo i has arrived, then leaves.
WS_MESSAGES = 1000
WS_TEXTS = [f"{i:064d}" for i in range(WS_MESSAGES)]  # 64 bytes each, distinct, in order

# S11: server-sent events. 1,000 events `data: <i>` from an async generator, default settings.
SSE_EVENTS = 1000
