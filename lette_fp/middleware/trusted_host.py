"""Trusted host: refuse requests whose `Host` header names a host the app does not serve."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from lette_fp.http.request import Request
from lette_fp.http.response import Response, redirect, text
from lette_fp.http.url import split_host
from lette_fp.middleware._headers import first_header
from lette_fp.pipeline import Handler, Middleware, on_request

INVALID_HOST = text("Invalid host header", 400)
"""The answer to an untrusted or malformed `Host` header."""


class HostPolicy(msgspec.Struct, frozen=True):
    """Allowed host names, split once into exact names and `*.domain` suffixes (lower case)."""

    exact: frozenset[str]
    suffixes: tuple[str, ...]

    @classmethod
    def build(cls, allowed_hosts: Sequence[str]) -> HostPolicy:
        """Return the policy for `allowed_hosts` (`*.example.org` allows any subdomain, not the
        domain itself); raise ValueError for a wildcard anywhere else."""
        exact, suffixes = set(), []
        for pattern in ((allowed_hosts,) if isinstance(allowed_hosts, str) else allowed_hosts):
            pattern = pattern.lower()
            if pattern.startswith("*."):
                suffixes.append(pattern[1:])
            elif "*" in pattern:
                raise ValueError(f"trusted host {pattern!r}: a wildcard may only start a name, as in '*.example.org'")
            else:
                exact.add(pattern)
        return cls(frozenset(exact), tuple(suffixes))

    def allows(self, hostname: str) -> bool:
        """Return whether `hostname` (lower case, no port) is trusted."""
        return hostname in self.exact or hostname.endswith(self.suffixes)


def check_host(policy: HostPolicy, www_redirect: bool, req: Request) -> Request | Response:
    """Return `req` when its `Host` is trusted; a redirect to `www.` + host when only that name is
    allowed (and `www_redirect`); otherwise 400 "Invalid host header"."""
    value = first_header(req.raw_headers, b"host")
    host = split_host(value.decode("latin-1")) if value is not None else None
    if host is None:
        return INVALID_HOST
    hostname = host[0]
    if policy.allows(hostname):
        return req
    if www_redirect and "www." + hostname in policy.exact:
        url = req.url
        return redirect(str(url.replace(hostname="www." + url.hostname)))
    return INVALID_HOST


def trusted_host(allowed_hosts: Sequence[str], www_redirect: bool = True) -> Middleware:
    """Return middleware that answers 400 "Invalid host header" unless the request's `Host` is
    one of `allowed_hosts` (exact names, `*.example.org` for subdomains, `*` for any).

    With `www_redirect`, a request for `example.org` when only `www.example.org` is allowed is
    redirected (307) there.
    """
    hosts = (allowed_hosts,) if isinstance(allowed_hosts, str) else tuple(allowed_hosts)
    if "*" in hosts:
        return _unchanged
    policy = HostPolicy.build(hosts)

    def trusted(req: Request) -> Request | Response:
        return check_host(policy, www_redirect, req)

    return on_request(trusted)


def _unchanged(handler: Handler) -> Handler:
    return handler
