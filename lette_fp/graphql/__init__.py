"""GraphQL with graphql-core: `graphql(schema)` is a route value serving the schema over HTTP
(GET/POST, GraphiQL for browsers). Needs the `graphql` extra (graphql-core)."""

try:
    import graphql as _graphql_core  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "lette_fp.graphql needs graphql-core, which is not installed: "
        "pip install 'lette-fp[graphql]'"
    ) from exc

from lette_fp.graphql.depth import depth_limit_rule
from lette_fp.graphql.execution import Executor, default_context
from lette_fp.graphql.route import graphql

__all__ = ["Executor", "default_context", "depth_limit_rule", "graphql"]
