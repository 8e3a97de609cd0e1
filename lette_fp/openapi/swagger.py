"""The interactive docs page: Swagger UI, its JS and CSS served by the app itself from the files
the `swagger-ui-bundle-v2` package installs (the `openapi` extra), so it works with no internet."""

from __future__ import annotations

import hashlib
import html
import importlib.util
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "favicon-16x16.png")
"""The files of the Swagger UI distribution the page uses."""

PACKAGE = "swagger_ui_bundle"
MISSING_PACKAGE = (
    "OpenAPI(docs_path=...) serves Swagger UI from the swagger-ui-bundle-v2 package, which is not "
    "installed: pip install 'lette-fp[openapi]', or pass OpenAPI(docs_path=None) to serve only the document"
)


@dataclass(frozen=True, slots=True)
class SwaggerAssets:
    """Where the installed Swagger UI files are: `directory`, and `version`, its folder's name
    (`swagger-ui-5.31.0`), which goes into the asset URLs so they can be cached for good."""

    directory: str
    version: str

    def path(self, name: str) -> str:
        """Return the file path of the asset `name`."""
        return os.path.join(self.directory, name)


def installed_assets() -> SwaggerAssets:
    """Return the installed Swagger UI distribution (RuntimeError naming the extra when absent)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise RuntimeError(MISSING_PACKAGE)
    vendor = os.path.join(os.path.dirname(spec.origin), "vendor")
    found = sorted(d for d in os.listdir(vendor) if d.startswith("swagger-ui-")) if os.path.isdir(vendor) else []
    if not found:
        raise RuntimeError(MISSING_PACKAGE)
    directory = os.path.join(vendor, found[-1])
    missing = [name for name in ASSETS if not os.path.isfile(os.path.join(directory, name))]
    if missing:
        raise RuntimeError(f"{MISSING_PACKAGE} (the installed copy at {directory} lacks {', '.join(missing)})")
    return SwaggerAssets(directory, found[-1])


INIT_SCRIPT = os.path.join(os.path.dirname(__file__), "swagger-init.js")
"""lette_fp's own script starting Swagger UI from the page's JSON settings (no inline script)."""


def init_name() -> str:
    """Return the URL name of the start-up script, with a hash of its content in it (so it can be
    cached for good, like the versioned Swagger UI files)."""
    with open(INIT_SCRIPT, "rb") as script:
        digest = hashlib.sha256(script.read()).hexdigest()[:12]
    return f"lette-init-{digest}.js"


def page(
    title: str, document_url: str, assets_url: str, parameters: Mapping[str, Any] | None = None, init: str = "init.js"
) -> str:
    """Return the HTML of the Swagger UI page for the document at `document_url`, loading its
    files (and the start-up script named `init`) from `assets_url`, both as the browser sees them,
    root path included. `parameters` go into Swagger UI's configuration over lette_fp's; they
    travel as a JSON block, so the page has no inline script."""
    settings = {"url": document_url, "dom_id": "#swagger-ui", "deepLinking": True, **(parameters or {})}
    config = json.dumps(settings).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    assets = html.escape(assets_url)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} - Swagger UI</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" sizes="32x32" href="{assets}/favicon-32x32.png">
<link rel="icon" type="image/png" sizes="16x16" href="{assets}/favicon-16x16.png">
</head>
<body>
<div id="swagger-ui"></div>
<script id="swagger-ui-config" type="application/json">{config}</script>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/{html.escape(init)}"></script>
</body>
</html>
"""
