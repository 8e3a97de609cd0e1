"""ITEM as a pydantic model: FastAPI's typed form of it, and the pydantic route of
benchmarks/pydantic_bodies.py."""

from __future__ import annotations

from pydantic import BaseModel


class ItemModel(BaseModel):
    """The fields of `benchmarks.apps.common.ItemStruct`, as pydantic validates them."""

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
