"""Templates: a hostile string never appears unescaped in rendered HTML, in any context."""

import json
from html.parser import HTMLParser

import jinja2
from hypothesis import given
from hypothesis import strategies as st

from lette_fp import Request
from lette_fp.templates import Templates

SOURCE = (
    "<div>{{ s }}</div>"
    '<a title="{{ s }}" href="/x?q={{ s }}">{{ s }}</a>'
    "<b class='{{ s }}'></b>"
    "<textarea>{{ s }}</textarea>"
    "<script>var v = {{ s|tojson }};</script>"
)
templates = Templates(env=jinja2.Environment(loader=jinja2.DictLoader({"page.html": SOURCE}), autoescape=True))
REQUEST = Request.build()

# Lone surrogates (category Cs) are left out: no text decoded from the network can hold one.
hostile = st.text(alphabet=st.sampled_from("<>&\"'=/ab \n\t!-`;:()") | st.characters(blacklist_categories=("Cs",)), max_size=60)


class Collect(HTMLParser):
    """Records every tag with its attributes, and the text inside each element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, str] = {}
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        key = self.open[-1] if self.open else ""
        self.text[key] = self.text.get(key, "") + data


@given(hostile)
def test_generated_strings_never_appear_unescaped(s: str) -> None:
    page = templates.render(REQUEST, "page.html", {"s": s}).body.decode()
    parser = Collect()
    parser.feed(page)
    parser.close()
    assert [tag for tag, _ in parser.tags] == ["div", "a", "b", "textarea", "script"]
    assert parser.open == []
    attrs = dict(parser.tags)
    assert attrs["a"] == {"title": s, "href": "/x?q=" + s}
    assert attrs["b"] == {"class": s}
    for element in ("div", "a", "textarea"):
        assert parser.text.get(element, "") == s
    script = parser.text["script"]
    assert "</" not in script and "<!--" not in script
    assert json.loads(script.removeprefix("var v = ").removesuffix(";")) == s
