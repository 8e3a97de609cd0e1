from __future__ import annotations

from lette_fp.routing import MethodNotAllowed
from lette_fp.routing.patterns import parse_path
from lette_fp.routing.trie import Node, Slot


def test_patterns_differing_only_in_names_share_a_slot() -> None:
    root = Node()
    a = root.insert(parse_path("/u/{a:int}/x").segments)
    b = root.insert(parse_path("/u/{b:int}/x").segments)
    c = root.insert(parse_path("/u/{c}/x").segments)
    assert a is b
    assert a is not c
    assert root.static is not None
    assert len(root.static["u"].edges) == 2


def test_depth_counts_segments() -> None:
    root = Node()
    root.insert(parse_path("/a/{b}/c").segments)
    root.insert(parse_path("/{x}").segments)
    assert root.depth() == 3
    assert len(root.slots()) == 2


def test_finish_adds_head_and_the_405() -> None:
    slot = Slot()
    slot.methods["GET"] = "get"
    slot.methods["WEBSOCKET"] = "ws"
    slot.finish()
    assert slot.methods["HEAD"] == "get"
    assert slot.methods[None] == MethodNotAllowed(("GET", "HEAD"))


def test_finish_keeps_an_explicit_head_and_skips_websocket_only() -> None:
    slot = Slot()
    slot.methods["GET"] = "get"
    slot.methods["HEAD"] = "head"
    slot.finish()
    assert slot.methods["HEAD"] == "head"
    ws = Slot()
    ws.methods["WEBSOCKET"] = "ws"
    ws.finish()
    assert None not in ws.methods
