"""A link from one bundled article to another lands on our page; others go to Learn."""

from __future__ import annotations

import re

from site_fixtures import BuiltSite


def _hrefs(built_site: BuiltSite, page: str) -> list[str]:
    html = (built_site.site_dir / page / "index.html").read_text(encoding="utf-8")
    article = html[html.index('<article'):html.index('</article>')]
    return re.findall(r'<a [^>]*href="([^"]+)"', article)


def test_a_root_link_to_a_bundled_article_lands_on_our_page(built_site: BuiltSite) -> None:
    # concept-data-privacy.md links `/azure/ai-foundry/responsible-ai/content-safety/data-privacy`
    assert "../content-safety-data-privacy/" in _hrefs(built_site, "sources/concept-data-privacy")


def test_a_link_with_an_anchor_keeps_it_and_it_exists(built_site: BuiltSite) -> None:
    # agents links `/azure/ai-foundry/responsible-ai/openai/data-privacy` (no anchor) and the
    # model-catalog article links relative paths with anchors to articles we do not have.
    agents = _hrefs(built_site, "sources/agents-data-privacy-security")
    assert "../openai-data-privacy/" in agents
    catalog = _hrefs(built_site, "sources/concept-data-privacy")
    assert "https://learn.microsoft.com/azure/ai-foundry/concepts/connections#connections-to-datastores" in catalog


def test_links_to_articles_we_do_not_have_go_to_learn(built_site: BuiltSite) -> None:
    catalog = _hrefs(built_site, "sources/concept-data-privacy")
    assert "https://learn.microsoft.com/azure/ai-foundry/how-to/configure-managed-network" in catalog
    assert "https://learn.microsoft.com/partner-center/analytics" in catalog
    unresolved = [h for h in catalog if h.endswith(".md") or ".md#" in h]
    assert [h for h in unresolved if not h.startswith("https://github.com/MicrosoftDocs/")] == []
