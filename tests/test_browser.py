"""The built site in headless Chromium: matrix, permanent anchors, copy link, the search box,
every page type on a phone and by axe-core, no third party."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from kbtools.site_search_eval import CHROMIUM, CHROMIUM_ARGS, search, serve
from privacy_kb.index import entry_url
from site_fixtures import BuiltSite

_FOCUSED_ID = "() => document.activeElement && document.activeElement.dataset.kbAnchor"
# axe-core from npm (tests/axe/package.json, installed by `make test`), never from a CDN.
AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
_RUN_AXE = """() => axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")))"""


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the module; each test opens its own contexts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def base_url(built_site: BuiltSite) -> Iterator[str]:
    with serve(built_site.site_dir) as base:
        yield base


def open_search(page: Any) -> None:
    """Open the search dialog as a reader does (the "/" key) and let its animation settle."""
    page.keyboard.press("/")
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('input')"
                           " && document.getAnimations().length === 0")


def page_types(built_site: BuiltSite) -> dict[str, str]:
    fact = next(e for e in built_site.collected.entries
                if e.kind == "fact" and e.facets and e.deployment_types)
    busiest = max((t.id for t in built_site.collected.taxonomy.deployment_types),
                  key=lambda t: sum(t in e.deployment_types for e in built_site.collected.entries))
    return {"home": "", "deployment": f"deployments/{busiest}/", "questions": "questions/",
            "answer": f"questions/{fact.id}/",
            "source": f"sources/{built_site.collected.documents[0].slug}/"}


def test_no_page_is_wider_than_a_phone(built_site: BuiltSite, chromium: Any, base_url: str) -> None:
    """Every page type fits 390 px; the phone's matrix (cards and a select) passes axe too."""
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    too_wide = []
    for name, url in [*page_types(built_site).items(), ("search", "")]:
        page.goto(base_url + url)
        if name == "search":
            open_search(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{name}: {width}px")
    page.goto(base_url)
    page.locator("select#kb-matrix-type").wait_for(state="visible")
    violations = []
    if AXE.is_file():  # the axe test below fails loudly when it is missing
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        for scheme in ("default", "slate"):
            page.evaluate("(s) => document.body.setAttribute('data-md-color-scheme', s)", scheme)
            page.wait_for_function("() => document.getAnimations().length === 0")
            violations += [f"home phone {scheme}: {v}" for v in page.evaluate(_RUN_AXE)]
    context.close()
    assert too_wide == []
    assert violations == []


def test_axe_finds_nothing_serious_on_any_page_type(
    built_site: BuiltSite, chromium: Any, base_url: str
) -> None:
    """axe-core (injected once; Material's instant navigation keeps it) on every page type and
    with the search dialog open, in the light and the dark scheme."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: `make test` installs it (npm ci --prefix tests/axe)")
    axe = AXE.read_text(encoding="utf-8")
    context = chromium.new_context(viewport=DESKTOP, color_scheme="light")
    page = context.new_page()
    page.goto(base_url)
    violations = []
    for name, url in [*page_types(built_site).items(), ("search", "")]:
        target = base_url + url
        if page.url != target:  # an internal link, followed the way a reader's click is
            page.evaluate("(u) => { const a = document.createElement('a'); a.href = u;"
                          " document.body.append(a); a.click(); }", target)
            page.wait_for_function("(u) => location.href === u && document.title", arg=target)
            page.wait_for_load_state()
        if name == "search":
            open_search(page)
        if not page.evaluate("() => !!window.axe"):
            page.add_script_tag(content=axe)
        for scheme in ("default", "slate"):
            page.evaluate("(s) => document.body.setAttribute('data-md-color-scheme', s)", scheme)
            page.wait_for_function("() => document.getAnimations().length === 0")
            violations += [f"{name} {scheme}: {v}" for v in page.evaluate(_RUN_AXE)]
        if name == "search":
            page.keyboard.press("Escape")
    context.close()
    assert violations == []


_VISIBLE_COLUMNS = """() => [...document.querySelectorAll('.kb-matrix-table thead th[data-kb-type]')]
  .filter(th => th.offsetParent !== null).map(th => th.dataset.kbType)"""


def test_matrix_compares_the_types_a_reader_chooses(
    built_site: BuiltSite, chromium: Any, base_url: str
) -> None:
    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(base_url)
    chooser = page.locator("form.kb-matrix-chooser")
    chooser.wait_for(state="visible")
    assert page.evaluate(_VISIBLE_COLUMNS) == [
        "managed-compute", "serverless-api", "fine-tuned-serverless", "downloaded-model"]
    chooser.locator("summary").click()
    chooser.locator("input[value=claude]").check()
    assert page.evaluate(_VISIBLE_COLUMNS)[-1] == "claude"
    processor = page.locator("tr[data-kb-facet=processor-role]")
    assert "Anthropic (not Microsoft) is the processor" in processor.inner_text()
    chooser.locator("input[value=managed-compute]").uncheck()
    assert "managed-compute" not in page.evaluate(_VISIBLE_COLUMNS)
    # The address names the comparison: opened elsewhere, it shows the same columns.
    shared = page.url
    assert "compare=" in shared
    compared = page.evaluate(_VISIBLE_COLUMNS)
    chooser.locator("button.kb-choose-all").click()
    assert len(page.evaluate(_VISIBLE_COLUMNS)) == len(built_site.collected.taxonomy.deployment_types)
    elsewhere = chromium.new_context(viewport=DESKTOP)  # nothing remembered there
    other = elsewhere.new_page()
    other.goto(shared)
    other.locator("form.kb-matrix-chooser").wait_for(state="visible")
    assert other.evaluate(_VISIBLE_COLUMNS) == compared
    elsewhere.close()

    # The header row and the question column stay in view inside a box of bounded height.
    matrix = page.locator(".kb-matrix")
    matrix.scroll_into_view_if_needed()
    box = matrix.bounding_box()
    assert box is not None and box["height"] <= DESKTOP["height"]
    matrix.evaluate("m => { m.scrollTop = 600; m.scrollLeft = m.scrollWidth; }")
    header = page.locator(".kb-matrix-table thead th[data-kb-type=claude]").bounding_box()
    corner = page.locator(".kb-matrix-corner").bounding_box()
    facet = page.locator("tr[data-kb-facet=storage-retention] th").bounding_box()
    assert header is not None and abs(header["y"] - box["y"]) < 3
    assert corner is not None and abs(corner["x"] - box["x"]) < 3 and abs(corner["y"] - box["y"]) < 3
    assert facet is not None and abs(facet["x"] - box["x"]) < 3

    # "Not stated" reads differently from a statement: its words, and a shaded cell.
    not_stated = page.locator("td.kb-cell-not-stated").first
    stated = page.locator("td:not(.kb-cell-not-stated)[data-kb-type]").first
    assert "not stated in the source" in not_stated.inner_text()
    background = "e => getComputedStyle(e).backgroundColor"
    assert not_stated.evaluate(background) != stated.evaluate(background)

    # The full answer is one click away.
    link = processor.locator("td[data-kb-type=serverless-api] a").first
    link.click()
    page.wait_for_url("**/questions/*/")
    assert "Microsoft acts as the data processor" in page.locator("article").inner_text()
    context.close()

    # A phone: one type at a time, each question a card; nothing wider than the screen.
    context = chromium.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(base_url)
    select = page.locator("select#kb-matrix-type")
    select.wait_for(state="visible")
    assert not page.locator(".kb-choose-columns").is_visible()
    select.select_option("serverless-api")
    row = page.locator("tr[data-kb-facet=processor-role]")
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    cells = row.locator("td:visible")
    assert cells.count() == 1
    assert cells.first.inner_text().startswith("Serverless API")
    assert "Microsoft acts as the data processor" in cells.first.inner_text()
    select.select_option("")
    assert row.locator("td:visible").count() == len(built_site.collected.taxonomy.deployment_types)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()

    # Without JavaScript every column shows and the chooser stays out of the way.
    context = chromium.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url)
    assert not page.locator("form.kb-matrix-chooser").is_visible()
    assert len(page.evaluate(_VISIBLE_COLUMNS)) == len(built_site.collected.taxonomy.deployment_types)
    context.close()


def test_site_in_a_browser(built_site: BuiltSite, chromium: Any, base_url: str) -> None:
    requested: list[str] = []
    entry = next(e for e in built_site.collected.entries
                 if e.kind == "fact" and "serverless-api" in e.deployment_types
                 and "training-use" in e.facets)
    context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                   permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.on("request", lambda request: requested.append(request.url))
    base = base_url

    page.goto(base)
    matrix = page.locator(".kb-matrix table")
    assert matrix.locator("tbody tr").count() >= 4
    assert "doesn't use these prompts and outputs to train" in matrix.inner_text()
    processor = page.locator("tr[data-kb-facet=processor-role]").inner_text()
    assert "Microsoft acts as the data processor" in processor

    # A fact's permanent link lands on the statement that answers it.
    page.goto(base + entry_url(entry))
    anchor = page.locator(f"[id='{entry.id}']")
    page.wait_for_function(
        "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }", arg=entry.id)
    statement = anchor.locator("xpath=..")
    assert "doesn't use these prompts and outputs to train" in statement.inner_text()

    # Copy link by keyboard: Tab reaches a section's control, Enter copies the absolute URL of
    # the answer's own page and says so in a live region.
    section = next(e for e in built_site.collected.entries
                   if e.kind == "section" and e.deployment_types[:1] == ("serverless-api",))
    page.goto(base + entry_url(section))
    heading = page.locator(f"[id='{section.id}']")
    permalink = f"{base}questions/{section.id}/"
    heading.locator("a.headerlink").focus()
    for _ in range(60):
        if page.evaluate(_FOCUSED_ID) == section.id:
            break
        page.keyboard.press("Tab")
    assert page.evaluate(_FOCUSED_ID) == section.id
    page.keyboard.press("Enter")
    status = page.locator(f"button[data-kb-anchor='{section.id}'] + .kb-copy-status")
    status.filter(has_text="Link copied").wait_for()
    assert status.get_attribute("aria-live") == "polite"
    assert page.evaluate("() => navigator.clipboard.readText()") == permalink

    # Space works too, and the copied URL is the answer's page with its link preview.
    page.evaluate("() => navigator.clipboard.writeText('')")
    page.keyboard.press("Space")
    page.wait_for_function("() => navigator.clipboard.readText().then(t => t !== '')")
    assert page.evaluate("() => navigator.clipboard.readText()") == permalink
    page.goto(base + f"questions/{entry.id}/")
    assert page.locator("h1").inner_text().rstrip("¶") == entry.question
    assert page.locator("meta[property='og:title']").get_attribute("content") == entry.question
    page.locator("button.kb-copy-link").click()
    page.locator(".kb-copy-status", has_text="Link copied").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == f"{base}questions/{entry.id}/"

    # The search box answers with the answer's own page (tests/test_search_box.py has more).
    results = search(page, "Does Microsoft use my prompts to train models with serverless API?")
    top = urlsplit(results[0]["url"])
    assert top.path == f"/questions/{entry.id}/"
    assert "train" in results[0]["passage"]
    context.close()

    hosts = {urlsplit(url).hostname for url in requested if not url.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}
