"""Security providers: `Depends(...)` values that read a credential from the request and say how
they read it, so the OpenAPI document lists the scheme (FastAPI's `fastapi.security`).

`user: Annotated[str, Depends(HTTPBearer())]` gets the bearer token (401 with
`WWW-Authenticate: Bearer` when there is none); `APIKeyHeader("x-api-key")`, `APIKeyQuery`,
`APIKeyCookie` get an API key; `HTTPBasic()` gets `BasicCredentials`. With `auto_error=False` an
absent credential is None instead of a 401. Each has `scheme_name` and `security_scheme` (the
OpenAPI Security Scheme Object); checking the credential is the job of the provider that depends
on it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from lette_fp.http.errors import HTTPError
from lette_fp.http.request import Request


def _missing(challenge: str) -> HTTPError:
    return HTTPError(401, "Not authenticated", headers={"www-authenticate": challenge})


def _authorization(req: Request, scheme: str) -> str | None:
    value = req.headers.get("authorization")
    if value is None:
        return None
    given, _, credential = value.strip().partition(" ")
    return credential.strip() or None if given.lower() == scheme else None


@dataclass(frozen=True, slots=True)
class HTTPBearer:
    """Provider: the token of `Authorization: Bearer <token>` (401 without one, or None with
    `auto_error=False`)."""

    scheme_name: str = "bearer"
    bearer_format: str | None = None
    description: str | None = None
    auto_error: bool = True

    @property
    def security_scheme(self) -> dict[str, Any]:
        """The OpenAPI Security Scheme Object: HTTP bearer."""
        return _scheme({"type": "http", "scheme": "bearer", "bearerFormat": self.bearer_format}, self.description)

    def __call__(self, req: Request) -> str | None:
        token = _authorization(req, "bearer")
        if token is None and self.auto_error:
            raise _missing("Bearer")
        return token


@dataclass(frozen=True, slots=True)
class BasicCredentials:
    """A user name and password from `Authorization: Basic ...`."""

    username: str
    password: str


@dataclass(frozen=True, slots=True)
class HTTPBasic:
    """Provider: the `BasicCredentials` of `Authorization: Basic <base64>` (401 with a `Basic`
    challenge without them or when they don't decode, or None with `auto_error=False`)."""

    scheme_name: str = "basic"
    realm: str | None = None
    description: str | None = None
    auto_error: bool = True

    @property
    def security_scheme(self) -> dict[str, Any]:
        """The OpenAPI Security Scheme Object: HTTP basic."""
        return _scheme({"type": "http", "scheme": "basic"}, self.description)

    def __call__(self, req: Request) -> BasicCredentials | None:
        encoded = _authorization(req, "basic")
        if encoded is not None:
            try:
                name, colon, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                colon = ""
            if colon:
                return BasicCredentials(name, password)
        if self.auto_error:
            raise _missing(f'Basic realm="{self.realm}"' if self.realm else "Basic")
        return None


@dataclass(frozen=True, slots=True)
class _APIKey:
    name: str
    scheme_name: str = "apiKey"
    description: str | None = None
    auto_error: bool = True
    where = ""

    @property
    def security_scheme(self) -> dict[str, Any]:
        """The OpenAPI Security Scheme Object: an API key in a header, the query or a cookie."""
        return _scheme({"type": "apiKey", "name": self.name, "in": self.where}, self.description)

    def found(self, key: str | None) -> str | None:
        if not key and self.auto_error:
            raise _missing("APIKey")
        return key or None


@dataclass(frozen=True, slots=True)
class APIKeyHeader(_APIKey):
    """Provider: the API key in the header `name` (401 without it, or None with `auto_error=False`)."""

    where = "header"

    def __call__(self, req: Request) -> str | None:
        return self.found(req.headers.get(self.name))


@dataclass(frozen=True, slots=True)
class APIKeyQuery(_APIKey):
    """Provider: the API key in the query parameter `name` (401 without it, or None with
    `auto_error=False`)."""

    where = "query"

    def __call__(self, req: Request) -> str | None:
        return self.found(req.query.get(self.name))


@dataclass(frozen=True, slots=True)
class APIKeyCookie(_APIKey):
    """Provider: the API key in the cookie `name` (401 without it, or None with `auto_error=False`)."""

    where = "cookie"

    def __call__(self, req: Request) -> str | None:
        return self.found(req.cookies.get(self.name))


def _scheme(fields: dict[str, Any], description: str | None) -> dict[str, Any]:
    out = {key: value for key, value in fields.items() if value is not None}
    if description:
        out["description"] = description
    return out
