"""The site's search box in headless Chromium: the same answers as `privacy-kb search` for the
whole development question set, typing, keyboard, filters, one result per statement, a result
landing on its answer, a sub-path, no third-party request. One browser for the module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from kbtools.questions_eval import DEV_QUESTIONS, load_questions
from kbtools.questions_eval import evaluate as evaluate_cli
from kbtools.site_search_eval import SEARCH_INPUT, chromium_page, search, serve
from kbtools.site_search_eval import evaluate as evaluate_site
from privacy_kb.index import write_index
from site_fixtures import BuiltSite

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed"
)
SAME_FIRST_RESULT = 0.95  # the bar for "one ranking, two runtimes"
RESULTS = "[data-kb-search] a.kb-result"


@pytest.fixture(scope="module")
def browser(built_site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One page on the built site, served under a sub-path (/docs/kb/), and the requests made."""
    root = tmp_path_factory.mktemp("host")
    shutil.copytree(built_site.site_dir, root / "docs" / "kb")
    requested: list[str] = []
    with serve(root) as host, chromium_page() as page:
        page.on("request", lambda request: requested.append(request.url))
        page.base = host + "docs/kb/"  # type: ignore[attr-defined]
        page.requested = requested  # type: ignore[attr-defined]
        page.goto(page.base)
        yield page


def _reset(page: Any) -> None:
    page.goto(page.base)
    page.locator(SEARCH_INPUT).wait_for(state="attached")


def test_search_box_ranks_as_the_command_line(
    browser: Any, built_site: BuiltSite, tmp_path: Path
) -> None:
    """Every development question through the real box and through the CLI's engine."""
    questions = load_questions(DEV_QUESTIONS)
    write_index(built_site.collected.entries, built_site.collected.taxonomy, tmp_path / "ix")
    cli = evaluate_cli(tmp_path / "ix", questions)
    answers = {e.id: e.answer_text for e in built_site.collected.entries}
    site = evaluate_site(built_site.site_dir, questions, answers, cli.top_ids,
                         browser, browser.base)  # fmt: skip
    print("\n" + site.summary())
    assert site.agreement >= SAME_FIRST_RESULT, site.summary()
    assert site.report.hits_at_1 >= cli.hits_at_1 - 0.05 * cli.total


def test_typing_shows_answers_with_passage_types_article_and_date(browser: Any) -> None:
    _reset(browser)
    browser.keyboard.press("/")  # Material's shortcut opens the box
    assert browser.evaluate("() => document.activeElement.matches('.md-search__input')")
    browser.keyboard.type("statelss models serverless", delay=5)  # a typo, typed key by key
    browser.wait_for_function(
        "() => document.querySelector('[data-kb-search]').getAttribute('data-kb-query')"
        " === 'statelss models serverless'", polling=20)
    status = browser.locator(".kb-search__status").inner_text()
    assert "statelss → stateless" in status
    first = browser.locator(RESULTS).first
    passage = first.locator(".kb-result__passage")
    assert "stateless" in passage.inner_text()
    assert "stateless" in [m.lower() for m in passage.locator("mark").all_inner_texts()]
    meta = first.locator(".kb-result__meta").inner_text()
    assert "serverless API" in meta
    assert "Data, privacy, and security for use of models through the model catalog" in meta
    assert "26 January 2026" in meta
    # A screen reader hears what the box is and how many answers there are.
    box = browser.locator("[data-kb-search]")
    assert box.get_attribute("role") == "dialog" and box.get_attribute("aria-label")
    assert browser.locator(".kb-search__status").get_attribute("aria-live") == "polite"
    assert browser.locator(SEARCH_INPUT).get_attribute("aria-label")


def test_keyboard_moves_through_results_and_enter_lands_on_the_answer(browser: Any) -> None:
    _reset(browser)
    results = search(browser, "who is the data processor for Claude")
    assert len(results) >= 3
    browser.locator(SEARCH_INPUT).press("ArrowDown")
    focused = "() => document.activeElement.dataset.kbId || null"
    assert browser.evaluate(focused) == results[0]["id"]
    browser.keyboard.press("ArrowDown")
    assert browser.evaluate(focused) == results[1]["id"]
    browser.keyboard.press("ArrowUp")
    browser.keyboard.press("ArrowUp")
    assert browser.evaluate("() => document.activeElement.matches('.md-search__input')")
    browser.keyboard.press("ArrowDown")
    browser.keyboard.press("ArrowDown")
    with browser.expect_navigation():
        browser.keyboard.press("Enter")
    url = urlsplit(browser.url)
    assert url.path == f"/docs/kb/questions/{results[1]['id']}/"
    heading = browser.locator("article h1").first.inner_text().rstrip("¶").strip()
    assert heading == results[1]["question"]
    assert " ".join(results[1]["passage"].split()) in " ".join(
        browser.locator("article").first.inner_text().split())


def test_enter_in_the_box_opens_the_first_answer(browser: Any) -> None:
    _reset(browser)
    results = search(browser, "Is my data used to train models with a serverless API?")
    with browser.expect_navigation():
        browser.locator(SEARCH_INPUT).press("Enter")
    assert urlsplit(browser.url).path == f"/docs/kb/questions/{results[0]['id']}/"


def test_the_box_searches_from_an_answer_page(browser: Any, built_site: BuiltSite) -> None:
    """Answer pages are written after MkDocs from our own template (answer_pages.py): opened
    as from a wiki link, their box finds answers and opens them."""
    entry = next(e for e in built_site.collected.entries if e.kind == "fact")
    browser.goto(browser.base + f"questions/{entry.id}/")
    browser.locator(SEARCH_INPUT).wait_for(state="attached")
    results = search(browser, "Is my data used to train models with a serverless API?")
    assert results
    with browser.expect_navigation():
        browser.locator(SEARCH_INPUT).press("Enter")
    assert urlsplit(browser.url).path == f"/docs/kb/questions/{results[0]['id']}/"


def test_filters_keep_one_type_and_one_article(browser: Any, built_site: BuiltSite) -> None:
    _reset(browser)
    search(browser, "is my data stored")
    browser.locator("select[name=kb-type]").select_option(label="Azure AI Content Safety")
    browser.wait_for_function(
        f"() => [...document.querySelectorAll('{RESULTS}')].every(a =>"
        " a.dataset.kbTypes.split(' ').includes('content-safety'))", polling=20)
    assert browser.locator(RESULTS).count() >= 1
    browser.locator("select[name=kb-type]").select_option(value="")
    title = next(d.title for d in built_site.collected.documents if "claude" in d.path)
    browser.locator("select[name=kb-source]").select_option(label=title)
    browser.wait_for_function(
        f"() => [...document.querySelectorAll('{RESULTS}')].every(a =>"
        " a.dataset.kbPath.includes('claude-models'))", polling=20)
    assert browser.locator(RESULTS).count() >= 1


def test_a_statement_of_several_types_is_one_result(browser: Any, built_site: BuiltSite) -> None:
    _reset(browser)
    results = search(browser, "are my prompts used to train Azure Direct models")
    answers = {e.id: e.answer_text for e in built_site.collected.entries}
    shown = [answers[r["id"]] for r in results]
    assert len(shown) == len(set(shown))  # no statement twice
    assert any(len(r["types"]) > 1 for r in results)  # one result names all its types


def test_no_third_party_request(browser: Any) -> None:
    _reset(browser)
    search(browser, "training")
    hosts = {urlsplit(url).hostname for url in browser.requested
             if not url.startswith(("data:", "blob:"))}  # fmt: skip
    assert hosts == {"127.0.0.1"}
    assert any("/docs/kb/search/meta.json.gz" in url for url in browser.requested)


def test_the_browser_stems_as_whoosh(browser: Any, built_site: BuiltSite) -> None:
    """Word forms the build never saw are stemmed in the browser exactly as Whoosh stems them."""
    from whoosh.lang.porter import stem

    from privacy_kb.search_analysis import FastTerms

    _reset(browser)
    words = sorted({form for e in built_site.collected.entries
                    for form in FastTerms().forms(e.answer_text + " " + e.question)})
    words += ["calls", "uploading", "agreed", "happily", "relational", "conditional", "yelling",
              "controllable", "hopefulness", "generalization", "feed", "sky", "ties", "caresses"]
    stems = browser.evaluate("(words) => words.map(w => window.privacyKbPorter(w))", words)
    assert [w for w, s in zip(words, stems, strict=True) if s != stem(w)] == []


def test_on_a_phone_the_header_button_opens_the_box(browser: Any) -> None:
    _reset(browser)
    browser.set_viewport_size({"width": 390, "height": 844})
    try:
        browser.locator("label.md-header__button[for=__search]").click()
        browser.keyboard.type("claude hosting", delay=5)
        browser.wait_for_function(
            "() => document.querySelector('[data-kb-search]').getAttribute('data-kb-query')"
            " === 'claude hosting'", polling=20)
        first = browser.locator(RESULTS).first
        assert first.is_visible()
        box = first.bounding_box()
        assert box is not None and box["width"] <= 390
    finally:
        browser.set_viewport_size({"width": 1280, "height": 900})
