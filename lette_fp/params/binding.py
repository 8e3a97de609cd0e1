"""Kept for imports written before `lette_fp.params.adapt`: the names moved to their own modules."""

from __future__ import annotations

from lette_fp.params.registry import Extractor, HandlerSignatureError, Resolver

__all__ = ["Extractor", "HandlerSignatureError", "Resolver"]
