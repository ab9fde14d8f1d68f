"""Published HTML runs no source script: every page body goes through nh3 (ammonia).

Learn articles may carry raw HTML, and a source root is untrusted (PRODUCT.md). The allow-list
below is what Learn articles and our own pages use: text markup, tables, lists, images and
figures, code with Pygments spans, Material's admonitions, details and tabbed sets, the
heading permalinks, and our `data-kb-*` / `aria-*` attributes. Anything else is dropped: no
`<script>`, `<style>`, `<iframe>`, `<form>`, no `on*` attributes, and links and images only to
http(s), mailto or a relative URL (no `javascript:`, `vbscript:` or `data:`).

As a Python-Markdown extension (`privacy_kb.sanitize` in mkdocs.yml) it sanitises the HTML of
every page MkDocs renders, the article pages and the generated ones alike, as the last
postprocessor. `safe_url` is the same URL rule for Markdown (the JSON API's answers).
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

import nh3
from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

URL_SCHEMES = frozenset({"http", "https", "mailto"})
TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "button", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "label", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var", "wbr",
})  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir", "role", "tabindex"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align", "headers"},
    "th": {"colspan", "rowspan", "align", "headers", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "label": {"for"},
    "input": {"type", "name", "checked", "disabled"},  # Material's tabbed sets (radios)
    "button": {"type"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "div": {"style"},  # DocFX rows and columns (flex layout); properties filtered below
}
STYLE_PROPERTIES = frozenset({"display", "flex-wrap", "gap", "flex", "min-width"})
# Material's own scripts read `data-md-*`; a source must not steer them.
_RESERVED_DATA = re.compile(r"^data-md-", re.IGNORECASE)

_cleaner: Any = None


_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if _RESERVED_DATA.match(attribute):
        return None
    # Browsers drop tabs and newlines inside a URL: "jav\tascript:" is "javascript:".
    if attribute in _URL_ATTRIBUTES and not safe_url(value):
        return None
    return value


def clean_html(text: str) -> str:
    """`text` (an HTML fragment) with only the allow-listed tags, attributes and URLs."""
    global _cleaner
    if _cleaner is None:
        _cleaner = nh3.Cleaner(
            tags=set(TAGS),
            clean_content_tags={"script", "style"},
            attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
            generic_attribute_prefixes={"data-", "aria-"},
            attribute_filter=_filter,
            url_schemes=set(URL_SCHEMES),
            link_rel=None,
            strip_comments=True,
            filter_style_properties=set(STYLE_PROPERTIES),
        )
    return _cleaner.clean(text)


def safe_url(url: str) -> bool:
    """Whether a link target may be published: relative, or http(s)/mailto (any letter case,
    control characters and entities as a browser reads them)."""
    decoded = html.unescape(url)
    compact = re.sub(r"[\x00-\x20\x7f]", "", decoded)
    try:
        scheme = urlsplit(compact).scheme
    except ValueError:
        return False
    if scheme:
        return scheme.lower() in URL_SCHEMES
    return ":" not in compact.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]


class SanitizePostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        return clean_html(text)


class SanitizeExtension(Extension):
    """Registers the sanitiser as the last postprocessor (after raw HTML is put back)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.postprocessors.register(SanitizePostprocessor(md), "privacy_kb_sanitize", 0)


def makeExtension(**kwargs: Any) -> SanitizeExtension:  # noqa: N802 (Python-Markdown's name)
    return SanitizeExtension(**kwargs)
