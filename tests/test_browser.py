"""The built site in headless Chromium: matrix, permanent anchors, the search box, no third party."""

from __future__ import annotations

from urllib.parse import urlsplit

from site_fixtures import BuiltSite, built_site  # noqa: F401

from privacy_kb.index import entry_url
from privacy_kb.site_search_eval import chromium_page, search, serve


def test_site_in_a_browser(built_site: BuiltSite) -> None:
    requested: list[str] = []
    entry = next(e for e in built_site.collected.entries
                 if e.kind == "fact" and "serverless-api" in e.deployment_types
                 and "training-use" in e.facets)
    with serve(built_site.site_dir) as base, chromium_page() as page:
        page.on("request", lambda request: requested.append(request.url))

        page.goto(base)
        matrix = page.locator(".kb-matrix table")
        assert matrix.locator("tbody tr").count() >= 4
        assert "doesn't use these prompts and outputs to train" in matrix.inner_text()

        page.goto(base + entry_url(entry))
        heading = page.locator(f"[id='{entry.id}']")
        page.wait_for_function(
            "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
            " return r.top >= 0 && r.top < window.innerHeight; }", arg=entry.id)
        assert heading.is_visible()
        button = page.locator(f"button.kb-copy-link[data-kb-anchor='{entry.id}']")
        button.focus()
        page.keyboard.press("Enter")
        assert button.get_attribute("data-kb-url").endswith(f"/#{entry.id}")

        results = search(page, "Does Microsoft use my prompts to train models with serverless API?")
        top = urlsplit(results[0])
        assert (top.path, top.fragment) == ("/deployments/serverless-api/", entry.id)
        assert "train" in top.query  # search.highlight marks the words on the page

    hosts = {urlsplit(url).hostname for url in requested if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}
