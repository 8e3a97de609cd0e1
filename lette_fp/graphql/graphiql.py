"""The GraphiQL page served to browsers: static HTML that loads GraphiQL from a CDN and talks to
the endpoint it was loaded from (HTTP for queries and mutations, WebSocket for subscriptions)."""

from __future__ import annotations

GRAPHIQL_VERSION = "3.8.3"
REACT_VERSION = "18.3.1"
CDN = "https://cdn.jsdelivr.net/npm"

GRAPHIQL_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>GraphiQL</title>
<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
<link rel="stylesheet" href="{CDN}/graphiql@{GRAPHIQL_VERSION}/graphiql.min.css" crossorigin="anonymous">
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="{CDN}/react@{REACT_VERSION}/umd/react.production.min.js" crossorigin="anonymous"></script>
<script src="{CDN}/react-dom@{REACT_VERSION}/umd/react-dom.production.min.js" crossorigin="anonymous"></script>
<script src="{CDN}/graphiql@{GRAPHIQL_VERSION}/graphiql.min.js" crossorigin="anonymous"></script>
<script>
  const url = new URL(window.location.pathname, window.location.href);
  const subscriptionUrl = new URL(url);
  subscriptionUrl.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const fetcher = GraphiQL.createFetcher({{
    url: url.toString(),
    subscriptionUrl: subscriptionUrl.toString(),
  }});
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {{ fetcher, defaultEditorToolsVisibility: true }}),
  );
</script>
</body>
</html>
"""
"""The page, built once at import: it has no per-request content."""
