"""Alias anchors are written into the generated pages before rendering (aliases.py): inline
before a tag of our raw HTML, or through the page's front matter for headings, whose ids exist
only once rendered."""

from __future__ import annotations

import markdown
from mkdocs.utils.meta import get_data

from privacy_kb.aliases import FRONT_MATTER_KEY, with_aliases
from privacy_kb.registry import PAGE_TITLE, Alias

PAGE = """---
title: "A page"
---

# A page

<ul><li id="facet-training">Training</li></ul>

## Is my data used? { #new-id }

Text.
"""


def render(page: str) -> str:
    text, meta = get_data(page)
    md = markdown.Markdown(extensions=["toc", "attr_list", "privacy_kb.aliases"],
                           extension_configs={"privacy_kb.aliases": {
                               "aliases": meta.get(FRONT_MATTER_KEY) or {}}})
    return md.convert(text)


def test_an_alias_of_a_raw_html_element_is_written_before_its_tag() -> None:
    page = with_aliases(PAGE, [Alias("p/", "old-facet", "facet-training")])
    assert '<ul><a aria-hidden="true" class="kb-alias" id="old-facet"></a><li id="facet-training">' in page
    assert FRONT_MATTER_KEY not in page


def test_an_alias_of_a_heading_lands_right_before_the_rendered_heading() -> None:
    page = with_aliases(PAGE, [Alias("p/", "old-id", "new-id"), Alias("p/", "old-title", PAGE_TITLE)])
    assert f'{FRONT_MATTER_KEY}: {{"old-id": ["new-id"], "old-title": ["#title"]}}' in page
    html = render(page)
    assert '<a aria-hidden="true" class="kb-alias" id="old-id"></a><h2 id="new-id">' in html
    before_title = html.index('id="old-title"')
    assert before_title < html.index("<h1") < html.index('id="old-id"')


def test_an_alias_falls_back_and_never_duplicates_an_id() -> None:
    aliases = [Alias("p/", "gone", "no-such-id", PAGE_TITLE), Alias("p/", "new-id", PAGE_TITLE),
               Alias("p/", "nowhere", "no-such-id")]
    html = render(with_aliases(PAGE, aliases))
    assert html.count('id="new-id"') == 1  # the page has it: no alias
    assert html.index('id="gone"') < html.index("<h1")  # the fallback: the title
    assert 'id="nowhere"' not in html  # neither target nor fallback: not placed
