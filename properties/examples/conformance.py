"""The schemathesis setup shared by the example apps' schema-driven property tests.

Each test module loads an example App's own `/openapi.json` with `schemathesis.openapi.from_asgi`
(in-process: no server, no network) and runs `@schema.parametrize()` over every operation. For
each operation schemathesis generates requests from the document, valid ones and invalid ones,
calls the ASGI app, and runs the four checks below on every answer.

Seed policy: the seed is fixed (`SEED`), so every run, on every machine, sends the same requests
and a failure reproduces exactly; set `SCHEMATHESIS_SEED=<int>` to explore other requests. The
hypothesis example database is off (nothing is read from or written to `.hypothesis/`), and each
operation gets at most `MAX_EXAMPLES` generated requests (plus schemathesis' coverage cases), with
no deadline (the machine may be loaded).
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis

SEED = int(os.environ.get("SCHEMATHESIS_SEED", "16"))
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance")
"""No 5xx; every status is one the operation documents; the content type is the documented one;
the body matches the documented schema."""


def config(parameters: dict[str, Any] | None = None) -> schemathesis.Config:
    """Return the schemathesis configuration: `CHECKS` only, positive and negative requests,
    `MAX_EXAMPLES` per operation, the fixed seed, no example database; `parameters` fixes values
    (`{"x-api-key": "..."}`) in every request."""
    return schemathesis.Config.from_dict({
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "database": "none"},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "parameters": parameters or {},
    })
