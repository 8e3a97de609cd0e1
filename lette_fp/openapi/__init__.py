"""OpenAPI 3.1: `schema(app, ...)` makes the document from route data and annotations (pure);
`App(openapi=OpenAPI(...))` serves it with an interactive docs page whose assets are installed
with the package (no CDN)."""

from lette_fp.openapi.config import OpenAPI
from lette_fp.openapi.document import schema
from lette_fp.openapi.errors import (
    HTTPErrorDetail,
    HTTPValidationError,
    OpenAPIError,
    ValidationError,
)

__all__ = ["HTTPErrorDetail", "HTTPValidationError", "OpenAPI", "OpenAPIError", "ValidationError", "schema"]
