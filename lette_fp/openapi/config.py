"""`OpenAPI(...)`: what `App(openapi=...)` serves, and the document's top-level fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class OpenAPI:
    """The OpenAPI document of an App and where it is served.

    `title`, `version`, `description`, `servers` (`[{"url": ...}]`), `tags` (tag objects:
    `[{"name": "notes", "description": ...}]`), `security_schemes` (the document's
    `components.securitySchemes`: `{"bearer": {"type": "http", "scheme": "bearer"}}`) and
    `security` (the requirement for every operation: `[{"bearer": []}]`; a route or mount
    `security=` replaces it) go into the document. `path` serves the JSON document, `docs_path`
    the interactive Swagger UI page (its assets under `docs_path + "/assets/"`); either may be
    None to serve nothing there. `swagger_ui_parameters` are passed to Swagger UI's
    configuration as they are (`{"defaultModelsExpandDepth": -1}`, as FastAPI's)."""

    title: str
    version: str
    description: str | None = None
    path: str | None = "/openapi.json"
    docs_path: str | None = "/docs"
    servers: Sequence[Mapping[str, Any]] = ()
    tags: Sequence[Mapping[str, Any]] = ()
    security_schemes: Mapping[str, Mapping[str, Any]] | None = None
    security: Sequence[Mapping[str, Sequence[str]]] | None = None
    swagger_ui_parameters: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        for name in ("path", "docs_path"):
            value = getattr(self, name)
            if value is not None and (not value.startswith("/") or value.endswith("/") or "{" in value):
                raise ValueError(f"OpenAPI({name}={value!r}): expected a path like '/docs' (no trailing '/', no params)")
