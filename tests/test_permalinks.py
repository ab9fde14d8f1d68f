"""Links that never break, proven on the real revision in headless Chromium.

The site is built from the bundled article as it stood on 2024-12-19 (shared/revisions) with a
registry of published URLs, then rebuilt from today's content/ (5 articles; three of the old
article's six `##` headings reworded) into the same site dir with the same registry. Every
recorded URL is then opened in a browser and must land on the same entry or section.
"""

from __future__ import annotations

from typing import Any

from conftest import BUNDLED_ARTICLE
from html_landing import landing
from kbtools.site_search_eval import chromium_page, serve
from privacy_kb.check import check_site
from privacy_kb.model import FaqEntry
from privacy_kb.registry import PublishedUrl
from site_fixtures import Rebuilt

# Where the browser landed: the element the fragment names, what it stands for (itself, or the
# element right after an alias anchor), and whether both are in view below Material's header.
_LANDING = """(fragment) => {
  const header = document.querySelector('.md-header');
  const headerBottom = header ? header.getBoundingClientRect().bottom : 0;
  const canonical = document.querySelector('link[rel=canonical]');
  const result = {path: location.pathname, canonical: canonical ? canonical.href : null,
                  h1: (document.querySelector('.md-content h1') || {}).textContent || null};
  if (!fragment) return result;
  const element = document.getElementById(fragment);
  if (!element) return {...result, present: false};
  const alias = element.classList.contains('kb-alias');
  const target = alias ? element.nextElementSibling : element;
  const box = element.getBoundingClientRect();
  const targetBox = target.getBoundingClientRect();
  const statement = target.parentElement;
  return {...result, present: true, alias, targetId: target.id,
          targetText: target.textContent.replace(/\\s+/g, ' ').trim(),
          statementLinks: statement ? [...statement.querySelectorAll('a[href]')].map(a => a.getAttribute('href')) : [],
          inView: box.top >= 0 && box.top < window.innerHeight
                  && targetBox.top >= headerBottom - 1 && targetBox.top < window.innerHeight};
}"""


def renamed_anchors(rebuilt: Rebuilt) -> dict[str, str]:
    """Old Learn anchor → new one, from the two revisions' sections (same sections, same order)."""
    old = rebuilt.old.documents[0].sections
    new = next(d for d in rebuilt.new.documents if d.path == BUNDLED_ARTICLE).sections
    assert [s.level for s in old] == [s.level for s in new]
    return {o.anchor: n.anchor for o, n in zip(old, new, strict=True) if o.anchor != n.anchor}


def withdrawn_ids(rebuilt: Rebuilt) -> set[str]:
    """Answers of the old site that today's does not give: the cells content/overrides.yml marks
    not stated (the old revision has no overrides file)."""
    decided = {(c.type_id, c.facet_id) for c in rebuilt.new.cells if c.override == "not stated"}
    return {e.id for e in rebuilt.old.entries
            if e.kind == "fact" and (e.deployment_types[0], e.facets[0]) in decided}


def test_the_rebuild_keeps_ids_and_records_new_urls(rebuilt: Rebuilt) -> None:
    assert set(rebuilt.before.urls) <= set(rebuilt.after.urls)
    new_ids = {e.id for e in rebuilt.new.entries}
    withdrawn = withdrawn_ids(rebuilt)
    assert len(withdrawn) == 1
    # no entry of the old site lost its id, unless withdrawn (its URLs still resolve, below)
    assert {e.id for e in rebuilt.old.entries} - withdrawn <= new_ids
    assert {a.id for a in rebuilt.history.withdrawn} == withdrawn
    renamed = renamed_anchors(rebuilt)
    assert len(renamed) == 4  # the H1 and three `##` headings
    for old_entry in rebuilt.old.entries:  # ... and each id still names the same entry
        if old_entry.id in withdrawn:
            continue
        new_entry = next(e for e in rebuilt.new.entries if e.id == old_entry.id)
        assert (new_entry.kind, new_entry.source.path, new_entry.deployment_types) == (
            old_entry.kind, old_entry.source.path, old_entry.deployment_types)
        assert new_entry.source.anchor == renamed.get(old_entry.source.anchor, old_entry.source.anchor)
    assert check_site(rebuilt.site) == []


def test_the_title_ids_of_reworded_answer_pages_keep_resolving(rebuilt: Rebuilt) -> None:
    """A reworded section keeps its answer page, and the id of the page's title too."""
    titles = [u for u in rebuilt.before.urls if u.kind == "title"]
    assert len(titles) == len([e for e in rebuilt.old.entries])
    html_of = {}
    lost = []
    for record in titles:
        if record.page not in html_of:
            html_of[record.page] = (rebuilt.site / record.page / "index.html").read_text("utf-8")
        if f'id="{record.fragment}"' not in html_of[record.page]:
            lost.append(record.url)
    assert lost == []
    aliased = [u for u in titles if f'class="kb-alias" id="{u.fragment}"' in html_of[u.page]]
    assert len(aliased) == 4  # the questions of the reworded headings' sections changed


def test_every_recorded_url_lands_on_the_same_entry(rebuilt: Rebuilt) -> None:
    """Every recorded URL, read from the built HTML: the page exists and the fragment names
    the same entry or section (directly, or through an alias anchor right before it)."""
    entries = {e.id: e for e in rebuilt.new.entries}
    entries.update({e.id: e for e in rebuilt.old.entries if e.id in withdrawn_ids(rebuilt)})
    renamed = renamed_anchors(rebuilt)
    records = sorted(rebuilt.after.urls)
    failures = []
    for record in records:
        found = landing(rebuilt.site, record.url)
        problem = "no page there" if found is None else _why_not_same(
            record, found, entries, renamed, withdrawn_ids(rebuilt))
        if problem:
            failures.append(f"{record.url}: {problem}")
    assert failures == []
    assert len(records) == len(rebuilt.after.urls) > 300


def _browser_sample(rebuilt: Rebuilt, per_kind: int = 4) -> list[PublishedUrl]:
    """A few recorded URLs of each kind, spread over the list, every renamed heading, every
    changed title id and every URL of a withdrawn answer."""
    renamed = renamed_anchors(rebuilt)
    by_kind: dict[str, list[PublishedUrl]] = {}
    for record in sorted(rebuilt.after.urls):
        by_kind.setdefault(record.kind, []).append(record)
    sample = {r for r in rebuilt.after.urls if r.kind == "heading" and r.id in renamed}
    sample.update(r for r in rebuilt.after.urls if r.kind == "title" and _aliased(rebuilt, r))
    sample.update(r for r in rebuilt.after.urls if r.id in withdrawn_ids(rebuilt))
    for records in by_kind.values():
        step = max(1, len(records) // per_kind)
        sample.update(records[::step][:per_kind])
    return sorted(sample)


def test_a_sample_of_recorded_urls_lands_in_view_in_chromium(rebuilt: Rebuilt) -> None:
    """What only a browser shows: the target is scrolled into view below Material's header,
    on a fresh load, as from a wiki link."""
    entries = {e.id: e for e in rebuilt.new.entries}
    entries.update({e.id: e for e in rebuilt.old.entries if e.id in withdrawn_ids(rebuilt)})
    renamed = renamed_anchors(rebuilt)
    sample = _browser_sample(rebuilt)
    failures: list[str] = []
    with serve(rebuilt.site) as base, chromium_page() as page:
        for record in sample:
            page.goto("about:blank")  # a fresh load each time, not a hash change
            response = page.goto(base + record.url, wait_until="domcontentloaded")
            if response is None or not response.ok:
                failures.append(f"{record.url}: HTTP {response.status if response else '-'}")
                continue
            if record.fragment:
                page.wait_for_function(
                    "(id) => { const e = document.getElementById(id); if (!e) return true;"
                    " const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }",
                    arg=record.fragment, polling=50, timeout=5000)
            landing_ = page.evaluate(_LANDING, record.fragment)
            problem = _why_not_same(record, landing_, entries, renamed, withdrawn_ids(rebuilt))
            if problem:
                failures.append(f"{record.url}: {problem}")
    assert failures == []
    assert {r.kind for r in sample} == {r.kind for r in rebuilt.after.urls}



def _aliased(rebuilt: Rebuilt, record: PublishedUrl) -> bool:
    html = (rebuilt.site / record.page / "index.html").read_text("utf-8")
    return f'class="kb-alias" id="{record.fragment}"' in html


def _why_not_same(record: PublishedUrl, landing: dict[str, Any], entries: dict[str, FaqEntry],
                  renamed: dict[str, str], withdrawn: set[str]) -> str | None:
    if record.kind == "entry-page":
        # The page's own address: its canonical link when built with a site URL, else the path
        # the reader ended on (a redirect page has no h1, so the h1 check below catches it).
        address = landing["canonical"] or landing["path"]
        if not address.endswith(f"/questions/{record.id}/"):
            return f"at {address}"
        heading = (landing["h1"] or "").removesuffix("¶").strip()
        return None if heading == entries[record.id].question else f"h1 {heading!r}"
    if not record.fragment:
        return None if landing["path"].endswith("/" + record.page) else f"at {landing['path']}"
    if not landing.get("present"):
        return "no element with that id"
    if not landing["inView"]:
        return "not in view"
    if record.kind == "entry" and record.id in withdrawn:  # lands on its facet on the type page
        facet = entries[record.id].facets[0]
        if not landing["alias"] or landing["targetId"] != f"facet-{facet}":
            return f"withdrawn answer landed on {landing['targetId']}"
    elif record.kind == "entry":
        entry = entries[record.id]
        if landing["targetId"] != record.id:
            return f"landed on {landing['targetId']}"
        # A fact on a deployment page: its anchor stands on the first statement it quotes,
        # whose "Answers" mark links to the fact's own page.
        on_statement = entry.kind == "fact" and any(
            link.endswith(f"questions/{record.id}/") for link in landing["statementLinks"])
        if not (on_statement or landing["targetText"].startswith(entry.question)):
            return f"landed on {landing['targetId']} {landing['targetText'][:60]!r}"
    elif record.kind == "title":
        heading = landing["targetText"].removesuffix("¶").strip()
        if heading != entries[record.id].question:
            return f"title {heading!r}"
    elif record.kind == "heading":
        expected = renamed.get(record.id, record.id)
        if landing["targetId"] != expected or landing["alias"] != (expected != record.id):
            return f"landed on {landing['targetId']} (alias: {landing['alias']}), not {expected}"
    return None


def test_learn_anchors_old_and_new_land_on_the_section(rebuilt: Rebuilt) -> None:
    renamed = renamed_anchors(rebuilt)
    with serve(rebuilt.site) as base, chromium_page() as page:
        for old_anchor, new_anchor in renamed.items():
            for anchor in (old_anchor, new_anchor):
                page.goto("about:blank")
                page.goto(f"{base}sources/concept-data-privacy/#{anchor}")
                page.wait_for_function(
                    "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
                    " return r.top >= 0 && r.top < innerHeight; }", arg=anchor, polling=50)
                landing = page.evaluate(_LANDING, anchor)
                assert landing["inView"], anchor
                assert landing["targetId"] == new_anchor, anchor
                assert landing["alias"] == (anchor == old_anchor)
