"""The built site in headless Chromium: matrix, permanent anchors, copy link, the search box,
no third party."""

from __future__ import annotations

from urllib.parse import urlsplit

from privacy_kb.index import entry_url
from privacy_kb.site_search_eval import chromium_page, search, serve
from site_fixtures import BuiltSite

_FOCUSED_ID = "() => document.activeElement && document.activeElement.dataset.kbAnchor"


def test_site_in_a_browser(built_site: BuiltSite) -> None:
    requested: list[str] = []
    entry = next(e for e in built_site.collected.entries
                 if e.kind == "fact" and "serverless-api" in e.deployment_types
                 and "training-use" in e.facets)
    with serve(built_site.site_dir) as base, \
            chromium_page(("clipboard-read", "clipboard-write")) as page:
        page.on("request", lambda request: requested.append(request.url))

        page.goto(base)
        matrix = page.locator(".kb-matrix table")
        assert matrix.locator("tbody tr").count() >= 4
        assert "doesn't use these prompts and outputs to train" in matrix.inner_text()
        processor = page.locator("tr[data-kb-facet=processor-role]").inner_text()
        assert "Anthropic (not Microsoft) is the processor" in processor
        assert "Microsoft acts as the data processor" in processor
        # The facet column stays in view while the matrix scrolls sideways on a phone.
        page.set_viewport_size({"width": 390, "height": 844})
        scroller = page.locator(".kb-matrix")
        assert scroller.evaluate("m => m.scrollWidth > m.clientWidth")
        scroller.evaluate("m => { m.scrollLeft = m.scrollWidth; }")
        facet = page.locator("tr[data-kb-facet=processor-role] th").bounding_box()
        assert facet is not None and facet["x"] < 40
        page.set_viewport_size({"width": 1280, "height": 900})

        page.goto(base + entry_url(entry))
        heading = page.locator(f"[id='{entry.id}']")
        page.wait_for_function(
            "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
            " return r.top >= 0 && r.top < window.innerHeight; }", arg=entry.id)
        assert heading.is_visible()

        # Copy link by keyboard: Tab reaches the control, Enter copies the absolute URL of the
        # answer's own page and says so in a live region.
        permalink = f"{base}questions/{entry.id}/"
        heading.locator("a.headerlink").focus()
        for _ in range(30):
            if page.evaluate(_FOCUSED_ID) == entry.id:
                break
            page.keyboard.press("Tab")
        assert page.evaluate(_FOCUSED_ID) == entry.id
        page.keyboard.press("Enter")
        status = page.locator(f"button[data-kb-anchor='{entry.id}'] + .kb-copy-status")
        status.filter(has_text="Link copied").wait_for()
        assert status.get_attribute("aria-live") == "polite"
        assert page.evaluate("() => navigator.clipboard.readText()") == permalink

        # Space works too, and the copied URL is the answer's page with its link preview.
        page.evaluate("() => navigator.clipboard.writeText('')")
        page.keyboard.press("Space")
        page.wait_for_function("() => navigator.clipboard.readText().then(t => t !== '')")
        assert page.evaluate("() => navigator.clipboard.readText()") == permalink
        page.goto(permalink)
        assert page.locator("h1").inner_text().rstrip("¶") == entry.question
        assert page.locator("meta[property='og:title']").get_attribute("content") == entry.question
        page.locator("button.kb-copy-link").click()
        page.locator(".kb-copy-status", has_text="Link copied").wait_for()
        assert page.evaluate("() => navigator.clipboard.readText()") == permalink

        # The search box answers with the answer's own page (tests/test_search_box.py has more).
        results = search(page, "Does Microsoft use my prompts to train models with serverless API?")
        top = urlsplit(results[0]["url"])
        assert top.path == f"/questions/{entry.id}/"
        assert "train" in results[0]["passage"]

    hosts = {urlsplit(url).hostname for url in requested if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}
