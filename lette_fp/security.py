"""Security providers for `Depends(...)` that the OpenAPI document lists as security schemes
(re-exported from `lette_fp.params.security`; FastAPI's `fastapi.security`)."""

from lette_fp.params.security import (
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    BasicCredentials,
    HTTPBasic,
    HTTPBearer,
)

__all__ = ["APIKeyCookie", "APIKeyHeader", "APIKeyQuery", "BasicCredentials", "HTTPBasic", "HTTPBearer"]
