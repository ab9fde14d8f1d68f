"""Answer pages (/questions/<id>/): written after the MkDocs build from the theme's own template
(privacy_kb.answer_pages), on the shared built site and on one page rendered alone."""

from __future__ import annotations

import gzip
import html
import re
from pathlib import Path

from privacy_kb.answer_pages import ICONS, AnswerRenderer, docs_link_url, main_pages
from privacy_kb.pages import SiteContent, SiteOptions
from privacy_kb.pipeline import Prepared
from privacy_kb.registry import PAGE_TITLE, Alias
from privacy_kb.resources import base_config_path
from privacy_kb.site import PLUGIN_NAME, site_config
from privacy_kb.urls import answer_page
from site_fixtures import SITE_URL, BuiltSite


def read(built_site: BuiltSite, page: str) -> str:
    return (built_site.site_dir / page / "index.html").read_text(encoding="utf-8")


def test_answer_pages_are_not_mkdocs_pages(built_site: BuiltSite) -> None:
    """No Markdown page per answer; the MkDocs pages link to answers by plain relative URLs."""
    assert not list((built_site.docs_dir / "questions").glob("*.md"))
    questions = read(built_site, "questions")
    entry = built_site.collected.entries[0]
    assert f'<a href="{entry.id}/">' in questions


def test_answer_pages_look_like_the_theme_without_its_navigation(built_site: BuiltSite) -> None:
    """The theme's header with our search box, palette toggles, CSS and scripts; a short
    navigation of the main pages; the copy-link control; one page's values in one page."""
    home = read(built_site, "")
    for entry in built_site.collected.entries[:20]:
        text = read(built_site, f"questions/{entry.id}")
        for part in ('class="md-header', "data-kb-search", 'data-md-component="palette"',
                     "assets/stylesheets/main.", "assets/javascripts/bundle.",
                     "privacy-kb-search.js", 'id="__config"', "CC BY 4.0"):
            assert part in text and part in home, (entry.id, part)
        assert 'class="kb-copy-link"' in text and 'class="kb-provenance"' in text
        nav = text[text.index('class="md-nav md-nav--primary"'):]
        nav = nav[: nav.index("</nav>")]
        assert re.findall(r'class="md-nav__link"', nav) and "questions/" + entry.id not in nav
        assert "\x02" not in text and "\x03" not in text  # every slot of the template filled
        title = html.unescape(re.search(r"<title>(.*?) - ", text).group(1))
        assert title == " ".join(entry.question.split())
        assert text.count('<h1 id="') == 1


def test_answer_pages_join_the_sitemap(built_site: BuiltSite) -> None:
    sitemap = (built_site.site_dir / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    answers = [f"{SITE_URL}questions/{e.id}/" for e in sorted(built_site.collected.entries, key=lambda e: e.id)]
    assert [loc for loc in locations if loc in set(answers)] == answers
    assert f"{SITE_URL}questions/" in locations and f"{SITE_URL}" in locations
    assert len(locations) == len(set(locations))
    compressed = gzip.decompress((built_site.site_dir / "sitemap.xml.gz").read_bytes())
    assert compressed.decode("utf-8") == sitemap


def test_an_answer_page_keeps_the_title_ids_it_had(built_site: BuiltSite, tmp_path: Path) -> None:
    """Old ids of the page's title (the registry's "title" URLs) land right before the title;
    rendered alone, a page is the same bytes as in the built site."""
    (tmp_path / "docs").mkdir()
    config = site_config(base_config_path(), tmp_path / "docs", built_site.site_dir,
                         strict=True, site_url=SITE_URL)
    config.plugins[PLUGIN_NAME].prepared = Prepared(built_site.collected)
    config = config.plugins.on_config(config)
    renderer = AnswerRenderer(config, main_pages(built_site.site_dir))
    site = SiteContent(built_site.collected, SiteOptions())
    entry = next(e for e in built_site.collected.entries if e.kind == "fact")
    page = answer_page(entry.id)
    aliases = [Alias(page, "an-old-title", PAGE_TITLE), Alias(page, "another-old-title", PAGE_TITLE)]
    text = renderer.render(site, entry, aliases)
    title = re.search(r'<h1 id="([^"]+)"', text).group(1)
    before = text[: text.index(f'<h1 id="{title}"')]
    anchors = re.search(r'(?:<a [^>]*class="kb-alias"[^>]*></a>)+$', before)
    assert anchors, before[-300:]
    assert re.findall(r'id="([^"]+)"', anchors.group(0)) == ["an-old-title", "another-old-title"]
    assert renderer.render(site, entry) == read(built_site, f"questions/{entry.id}")


def test_links_to_markdown_pages_become_their_urls() -> None:
    page = "questions/some-answer.md"
    assert docs_link_url("../sources/a.md#b", page) == "../../sources/a/#b"
    assert docs_link_url("/sources/a.md", page) == "../../sources/a/"
    assert docs_link_url("../index.md", page) == "../../"
    assert docs_link_url("other.md#x", page) == "../other/#x"
    assert docs_link_url("https://learn.microsoft.com/a.md", page) == "https://learn.microsoft.com/a.md"
    assert docs_link_url("#here", page) == "#here"


def test_answer_pages_draw_the_theme_icons_from_one_file(built_site: BuiltSite) -> None:
    """The header's icons are `<use>`s of symbols in one SVG file, each of them there."""
    sprite = (built_site.site_dir / ICONS).read_text(encoding="utf-8")
    symbols = set(re.findall(r'<symbol id="([^"]+)" viewBox="0 0 24 24"><path d="[^"]+"/></symbol>', sprite))
    entry = built_site.collected.entries[0]
    text = read(built_site, f"questions/{entry.id}")
    used = re.findall(r'<svg viewBox="0 0 24 24"><use href="([^"#]+)#([^"]+)"/></svg>', text)
    assert len(used) >= 6 and "<path" not in text
    assert {href for href, _ in used} == {"../../" + ICONS}
    assert {symbol for _, symbol in used} == symbols
