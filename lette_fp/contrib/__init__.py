"""Integrations with other libraries, each behind its own extra: `prometheus`, `opentelemetry`,
and `pydantic` (loaded by lette_fp itself once pydantic is imported; see `lette_fp.params.models`)."""
