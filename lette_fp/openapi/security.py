"""Security in the document: the schemes an operation's providers declare (a provider with a
`scheme_name` and a `security_scheme`, like `lette_fp.security.HTTPBearer()`), collected into
`components.securitySchemes`, and the operation's requirement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .errors import OpenAPIError


def declared_schemes(providers: Sequence[Any]) -> list[tuple[str, dict[str, Any], bool]]:
    """Return `(name, scheme, required)` for each provider that declares a security scheme
    (`required`: it answers 401 when the credential is absent)."""
    out = []
    for provider in providers:
        scheme = getattr(provider, "security_scheme", None)
        name = getattr(provider, "scheme_name", None)
        if isinstance(scheme, dict) and isinstance(name, str):
            out.append((name, scheme, bool(getattr(provider, "auto_error", True))))
    return out


def collect(found: list[tuple[str, dict[str, Any], bool]], schemes: dict[str, dict[str, Any]]) -> None:
    """Add the `found` schemes to the document's `schemes` (OpenAPIError when one name means two
    different schemes)."""
    for name, scheme, _ in found:
        known = schemes.setdefault(name, scheme)
        if known != scheme:
            raise OpenAPIError(f"security scheme {name!r} is declared twice, differently: {known} and {scheme}")


def requirement(found: list[tuple[str, dict[str, Any], bool]]) -> list[dict[str, list[str]]]:
    """Return the operation's security requirement: every declared scheme at once; anonymous
    access allowed too (`{}`) when none of them is required."""
    together: dict[str, list[str]] = {name: [] for name, _, _ in found}
    return [together] if any(required for _, _, required in found) else [together, {}]
