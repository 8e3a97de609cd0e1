"""The look the examples' pages share: `page(title, body)` wraps a body in a full HTML document."""

from __future__ import annotations

from html import escape

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; } a { color: #1a55c4; } code { background: #f3f3f3; padding: 0 .2rem; }
form { margin: 1rem 0; } label { display: block; margin: .5rem 0 .2rem; font-weight: 600; }
input[type=text], input[type=password], textarea { font: inherit; padding: .35rem .5rem; width: 100%; max-width: 24rem; box-sizing: border-box; }
button { font: inherit; padding: .35rem .9rem; margin-top: .6rem; cursor: pointer; }
.error { background: #fde8e8; border: 1px solid #e0a0a0; color: #8a1c1c; padding: .5rem .8rem; border-radius: 4px; }
.ok { background: #e6f5e9; border: 1px solid #9ccaa5; color: #1d5e2b; padding: .5rem .8rem; border-radius: 4px; }
.muted { color: #666; font-size: .9rem; }
nav { display: flex; gap: 1rem; align-items: baseline; border-bottom: 1px solid #ddd; padding-bottom: .5rem; }
nav form { margin: 0 0 0 auto; } nav button { margin: 0; }
"""


def page(title: str, body: str, script: str = "", head: str = "") -> str:
    """Return a complete HTML document titled `title` (escaped) around `body` (HTML, not escaped),
    with `script` (JavaScript) at the end and `head` (HTML) in the head."""
    tail = f"<script>{script}</script>" if script else ""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style>{head}</head>"
        f"<body>{body}{tail}</body></html>"
    )
