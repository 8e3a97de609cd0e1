"""The catalogue the handlers read and change: products by SKU, in memory, owned by the App's
lifespan (each App has its own), and the exchange rates prices are shown in."""

from __future__ import annotations

from collections.abc import Iterable

from examples.shop_api.models import Currency, Price, Product, ProductIn

RATES_PER_MILLE: dict[Currency, int] = {"EUR": 1000, "USD": 1080, "GBP": 850}
"""What one EUR is worth in each currency, in thousandths."""


def convert(cents_eur: int, currency: Currency) -> Price:
    """Return `cents_eur` in `currency`, rounded half up to a whole cent."""
    return Price((cents_eur * RATES_PER_MILLE[currency] + 500) // 1000, currency)


class Store:
    """Products by SKU. The handlers run on one event loop and never await while changing it."""

    def __init__(self, products: Iterable[ProductIn] = ()) -> None:
        self.products: dict[str, ProductIn] = {p.sku: p for p in products}

    def priced(self, product: ProductIn, currency: Currency) -> Product:
        """Return `product` as the API shows it, priced in `currency`."""
        return Product(product.sku, product.name, convert(product.price_cents, currency), list(product.tags), product.stock)


SAMPLE = (
    ProductIn("PEN-0001", "Fountain pen", 2450, ["office", "writing"], 12),
    ProductIn("PAD-0001", "A5 notebook", 690, ["office", "paper"], 40),
    ProductIn("INK-0001", "Blue ink, 50 ml", 850, ["writing"], 0),
)
"""What a new shop starts with."""
