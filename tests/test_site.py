"""The site: pages written from the real Collected, built by a real `mkdocs build --strict`."""

from __future__ import annotations

import dataclasses
import html
import posixpath
import re
from pathlib import Path

import pytest
import yaml
from mkdocs.utils.yaml import get_yaml_loader

from privacy_kb import docfx
from privacy_kb.browser_index import read_browser_file
from privacy_kb.check import check_site, published_path
from privacy_kb.dates import readable_date
from privacy_kb.index import INDEX_FOLDER, entry_url
from privacy_kb.pages import NOT_STATED, first_sentence, link_preview, preview_text, write_pages
from privacy_kb.pipeline import Prepared, collect
from privacy_kb.problems import BuildError
from privacy_kb.resources import base_config_path
from privacy_kb.sentences import split_text
from privacy_kb.site import render_site
from site_fixtures import SITE_URL, BuiltSite, build_into

# Hosts a built page may name other than in a plain link (<a href>): none.
_URL_IN_ATTRIBUTE = re.compile(r"""<(\w+)[^>]*?\s(?:src|href|srcset|action|data)=["']?(https?:)?//([^/"' >]+)""")
_CANONICAL = re.compile(r"""<link rel="canonical" href="[^"]*">""")
_URL_IN_CSS = re.compile(r"""(?:url\(|@import\s)["']?(?:https?:)?//([^/"')]+)""")


def shown_types(built_site: BuiltSite):
    named = {t for e in built_site.collected.entries for t in e.deployment_types}
    return [t for t in built_site.collected.taxonomy.deployment_types if t.id in named]


def read(built_site: BuiltSite, page: str) -> str:
    return (built_site.site_dir / page / "index.html").read_text(encoding="utf-8")


def test_every_page_of_the_url_scheme_exists(built_site: BuiltSite) -> None:
    site = built_site.site_dir
    expected = ["index.html", "questions/index.html", "search/meta.json.gz"]
    expected += [f"deployments/{t.id}/index.html" for t in shown_types(built_site)]
    expected += [f"sources/{d.slug}/index.html" for d in built_site.collected.documents]
    expected += [f"questions/{e.id}/index.html" for e in built_site.collected.entries]
    assert [p for p in expected if not (site / p).is_file()] == []
    assert len(shown_types(built_site)) == 10  # the five bundled articles speak of all ten


def test_every_entry_has_its_permanent_anchor(built_site: BuiltSite) -> None:
    """A section is a block with its copy-link control; a fact's anchor stands on the first
    paragraph it quotes, whose "Answers" mark links to the fact's own page."""
    for entry in built_site.collected.entries:
        page, anchor = entry_url(entry).split("#")
        text = read(built_site, page)
        assert f'id="{anchor}"' in text, entry_url(entry)
        permalink = posixpath.relpath(f"questions/{entry.id}", page.rstrip("/") or ".") + "/"
        if entry.kind == "fact" and page.startswith("deployments/"):
            paragraph = text[text.index(f'<span id="{anchor}" class="kb-anchor">'):]
            paragraph = paragraph[: min(i for e in ("</p>", "</li>") if (i := paragraph.find(e)) >= 0)]
            assert f'href="{permalink}"' in paragraph, entry.id
        else:
            assert f'data-kb-anchor="{anchor}" data-kb-permalink="{permalink}"' in text


def matrix_rows(built_site: BuiltSite) -> dict[str, list[str]]:
    """facet id → the plain text of its cells, one per shown type, in column order."""
    index = read(built_site, "")
    table = index[index.index('class="kb-matrix-table"'):]
    table = table[: table.index("</table>")]
    rows = {}
    for facet, row in re.findall(r'<tr data-kb-facet="([^"]+)">(.*?)</tr>', table, re.DOTALL):
        row = re.sub(r'<span class="kb-cell-type">.*?</span>', "", row)  # a phone's label
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
        rows[facet] = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in cells]
    return rows


def test_matrix_cells_quote_the_source_or_say_not_stated(built_site: BuiltSite) -> None:
    types = shown_types(built_site)
    answers = " ".join(" ".join(e.answer_text.split()) for e in built_site.collected.entries)
    rows = matrix_rows(built_site)
    assert len(rows) >= 4
    quoted = 0
    for cells in rows.values():
        assert len(cells) == len(types)
        for text in cells:
            text = text.replace(" (all types)", "")
            if text == NOT_STATED:
                continue
            quoted += 1
            for piece in " ".join(text.split()).split(" … "):  # '…' marks words left out
                assert piece in answers, text
    assert quoted >= len(types)


def test_matrix_groups_its_columns_by_article(built_site: BuiltSite) -> None:
    """Columns follow the articles (taxonomy order); each header names its article, for the
    chooser privacy-kb.js builds, and every cell names its type (a phone's card label)."""
    index = read(built_site, "")
    head = index[index.index('class="kb-matrix-table"'):index.index("</thead>")]
    columns = re.findall(r'<th scope="col" data-kb-type="([^"]+)" data-kb-group="([^"]+)"', head)
    groups = list(dict.fromkeys(html.unescape(group) for _, group in columns))
    assert groups == [d.title for d in (
        next(d for d in built_site.collected.documents if d.path == scope.path)
        for scope in built_site.collected.taxonomy.articles)]
    ids = [type_id for type_id, _ in columns]
    assert ids[:4] == ["managed-compute", "serverless-api", "fine-tuned-serverless", "downloaded-model"]
    assert sorted(ids) == sorted(t.id for t in shown_types(built_site))
    body = index[index.index("<tbody>", index.index('class="kb-matrix-table"')):]
    first_row = body[: body.index("</tr>")]
    assert re.findall(r'<td data-kb-type="([^"]+)"', first_row) == ids
    assert first_row.count('<span class="kb-cell-type">') == len(ids)


def test_matrix_shows_who_the_processor_is_per_type(built_site: BuiltSite) -> None:
    ids = [t.id for t in shown_types(built_site)]
    index = read(built_site, "")
    head = index[index.index('class="kb-matrix-table"'):index.index("</thead>")]
    columns = re.findall(r'<th scope="col" data-kb-type="([^"]+)"', head)
    assert sorted(columns) == sorted(ids)
    processor = dict(zip(columns, matrix_rows(built_site)["processor-role"], strict=True))
    assert "Microsoft acts as the data processor" in processor["serverless-api"]
    assert "Anthropic (not Microsoft) is the processor" in processor["claude"]
    assert processor["managed-compute"] == NOT_STATED


def test_empty_deployment_types_are_not_published(bundled, tmp_path: Path) -> None:
    entries = tuple(e for e in bundled.entries if "downloaded-model" not in e.deployment_types)
    write_pages(dataclasses.replace(bundled, entries=entries), tmp_path)
    assert not (tmp_path / "deployments" / "downloaded-model.md").exists()
    assert (tmp_path / "deployments" / "managed-compute.md").exists()
    home = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert "deployments/downloaded-model" not in home


def test_type_pages_name_the_article_of_every_entry(built_site: BuiltSite) -> None:
    documents = {d.path: d for d in built_site.collected.documents}
    for deployment_type in shown_types(built_site):
        text = read(built_site, f"deployments/{deployment_type.id}")
        intro = text[text.index('class="kb-articles"'):]
        intro = intro[: intro.index("</div>")]
        for entry in built_site.collected.entries:
            if deployment_type.id not in entry.deployment_types:
                continue
            title = html.escape(documents[entry.source.path].title, quote=False)
            assert title in intro, (deployment_type.id, entry.source.path)
            block = text[text.index(f'id="{entry.id}"'):]
            provenance = block[block.index('class="kb-provenance"'):block.index("</div>")]
            assert "From: <strong><a" in provenance and title in provenance, entry.id


def test_answer_pages_have_a_link_preview_and_stay_out_of_the_nav(built_site: BuiltSite) -> None:
    entry = next(e for e in built_site.collected.entries
                 if e.kind == "fact" and "claude" in e.deployment_types and "processor-role" in e.facets)
    text = read(built_site, f"questions/{entry.id}")
    meta = {name: html.unescape(value) for name, value in re.findall(
        r'<meta (?:property|name)="((?:og|twitter):[a-z_]+)" content="([^"]*)">', text)}
    url = f"{SITE_URL}questions/{entry.id}/"
    assert meta["og:title"] == meta["twitter:title"] == entry.question
    assert meta["og:description"] == meta["twitter:description"] == link_preview(entry)
    assert entry.short_answer.split(" … ")[0] in meta["og:description"]
    assert meta["og:description"].startswith("When you transact for Claude in Foundry")
    assert meta["og:url"] == url and f'<link rel="canonical" href="{url}">' in text
    assert meta["og:type"] == "article" and meta["twitter:card"] == "summary"
    assert "Anthropic (not Microsoft) is the processor" in text
    assert entry.source.learn_url in text and readable_date(entry.source.ms_date) in text
    others = text[text.index('class="kb-other-types"'):]
    assert "Microsoft acts as the data processor" in others and NOT_STATED in others
    for page in ["", "questions", "deployments/claude", f"questions/{entry.id}"]:
        nav = read(built_site, page)
        nav = nav[nav.index('class="md-nav md-nav--primary"'):nav.index("</nav>")]
        assert "questions/" + entry.id not in nav


def test_preview_text_cuts_at_a_sentence_boundary() -> None:
    one, two = "A" * 120 + ".", "B" * 70 + "."
    assert preview_text(f"{one} {two} C.") == f"{one} {two} C."  # 196 chars: all fit
    assert preview_text(f"{one} {two} {'C' * 10}.") == f"{one} {two}"  # 205 would not
    assert preview_text(f"{one} {two} {two}") == f"{one} {two}"
    long = "word " * 60 + "end."
    assert preview_text(f"{long} Next.") == " ".join(long.split())  # the first sentence, whole
    assert preview_text("e.g. this stays one sentence. Two.") == "e.g. this stays one sentence. Two."


def test_first_sentence_is_verbatim() -> None:
    text = "Models are stateless, and they don't store any prompts or outputs. If content filtering is enabled, it screens."
    assert first_sentence(text) == "Models are stateless, and they don't store any prompts or outputs."
    assert first_sentence("No boundary here") == "No boundary here"


def test_source_page_keeps_learns_heading_anchors(built_site: BuiltSite) -> None:
    for document in built_site.collected.documents:
        text = (built_site.site_dir / "sources" / document.slug / "index.html").read_text(encoding="utf-8")
        assert "CC BY 4.0" in text and "Reproduced unchanged apart from rendering" in text
        for section in document.sections:
            assert f'id="{section.anchor}"' in text, section.heading


def test_only_answers_are_indexed_for_search(built_site: BuiltSite) -> None:
    """The search box's index (privacy_kb.browser_index) holds every answer, once, linked to
    its permanent page; Material's own search index is not built."""
    folder = built_site.site_dir / "search"
    meta = read_browser_file(folder / "meta.json.gz")
    docs = [doc for n in range(meta["doc_shards"])
            for doc in read_browser_file(folder / f"docs-{n}.json.gz")]  # fmt: skip
    assert [doc["url"] for doc in docs] == [
        f"questions/{e.id}/" for e in sorted(built_site.collected.entries, key=lambda e: e.id)]
    assert not (folder / "search_index.json").exists()
    page = read(built_site, "")
    assert "data-kb-search" in page and "privacy-kb-search.js" in page


def _site_files(site_dir: Path) -> dict[Path, bytes]:
    """Every file of a built site but Whoosh's own (its segment names are random; the index's
    content is compared by test_search.py::test_index_documents_are_deterministic)."""
    return {p.relative_to(site_dir): p.read_bytes() for p in sorted(site_dir.rglob("*"))
            if p.is_file() and not p.relative_to(site_dir).is_relative_to(INDEX_FOLDER)}


def test_build_is_byte_identical(built_site: BuiltSite, tmp_path: Path) -> None:
    again = build_into(built_site.collected, tmp_path)
    first, second = _site_files(built_site.site_dir), _site_files(again.site_dir)
    assert first.keys() == second.keys()
    assert [str(p) for p in first if first[p] != second[p]] == []
    assert (again.site_dir / "sitemap.xml.gz").is_file()


def test_no_request_to_another_host(built_site: BuiltSite) -> None:
    offending = []
    for path in built_site.site_dir.rglob("*"):
        if path.suffix not in {".html", ".css", ".js"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            text = _CANONICAL.sub("", text)  # names the published address; not a request
            offending += [(path.name, m.group(3)) for m in _URL_IN_ATTRIBUTE.finditer(text) if m.group(1) != "a"]
        else:
            offending += [(path.name, host) for host in _URL_IN_CSS.findall(text)]
    assert offending == []


def test_top_level_config_lists_the_docfx_extensions() -> None:
    config = yaml.load(base_config_path().read_text(encoding="utf-8"), Loader=get_yaml_loader())
    extensions, _ = docfx.markdown_extensions("content", [])
    assert isinstance(config["markdown_extensions"], dict)
    assert [e for e in extensions if e not in config["markdown_extensions"]] == []
    assert config["theme"]["font"] is False
    assert "navigation.prune" in config["theme"]["features"]
    assert config.get("site_url") is None  # set per build (--site-url), never a local default
    assert "/questions/*.md" in config["not_in_nav"] and "/sources/*.md" in config["not_in_nav"]


def test_strict_build_fails_with_one_line_on_a_broken_link(tmp_path: Path) -> None:
    source = tmp_path / "source" / "articles"
    source.mkdir(parents=True)
    (source / "a.md").write_text("---\ntitle: A\n---\n# A\n\nSee [B](b.md#nowhere).\n", "utf-8")
    (source / "b.md").write_text("---\ntitle: B\n---\n# B\n\nText.\n", "utf-8")
    (tmp_path / "docs").mkdir()
    with pytest.raises(BuildError) as error:
        render_site(Prepared(collect(source.parent)), tmp_path / "docs", tmp_path / "site",
                    strict=True)
    assert "\n" not in str(error.value) and "nowhere" in str(error.value)


def preview_tags(text: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in re.findall(
        r'<meta (?:property|name)="((?:og|twitter):[a-z_]+)" content="([^"]*)">', text)}


def sample_pages(built_site: BuiltSite) -> list[str]:
    """One page of each type people link to: home, questions, a deployment, an answer, a source."""
    fact = next(e for e in built_site.collected.entries if e.kind == "fact" and e.deployment_types)
    return ["", "questions", f"deployments/{fact.deployment_types[0]}", f"questions/{fact.id}",
            f"sources/{built_site.collected.documents[0].slug}"]


def test_every_page_type_has_a_link_preview(built_site: BuiltSite) -> None:
    for page in sample_pages(built_site):
        text = read(built_site, page)
        meta = preview_tags(text)
        title = html.unescape(re.search(r"<title>(.*?)</title>", text).group(1))
        assert meta["og:title"] and title.startswith(meta["og:title"]), page
        assert meta["twitter:title"] == meta["og:title"], page
        assert len(meta["og:description"]) > 20 and meta["twitter:description"] == meta["og:description"]
        assert meta["og:site_name"] == "Foundry model privacy answers"
        url = SITE_URL + (f"{page}/" if page else "")
        assert meta["og:url"] == url and f'<link rel="canonical" href="{url}">' in text, page


def test_without_a_site_url_there_is_no_canonical_address(built_site: BuiltSite, tmp_path: Path) -> None:
    local = build_into(built_site.collected, tmp_path, site_url=None)
    for page in sample_pages(local):
        text = read(local, page)
        assert 'rel="canonical"' not in text and "og:url" not in text, page
        assert "127.0.0.1" not in text and "localhost" not in text, page
        assert preview_tags(text)["og:title"], page


def test_deployment_pages_say_each_statement_once(built_site: BuiltSite) -> None:
    """Every sentence once per page; the page opens with its facets, each linked to an anchor
    on the page; the facets it lacks are named as not stated."""
    facets = {f.name for f in built_site.collected.taxonomy.facets}
    for deployment_type in shown_types(built_site):
        text = read(built_site, f"deployments/{deployment_type.id}")
        body = text[text.index("<article"):text.index("</article>")]
        index = body[body.index('class="kb-facet-index"'):]
        index = index[: index.index("</div>")]
        assert body.index('class="kb-facet-index"') < body.index("<h2")
        linked = re.findall(r'<li id="facet-[^"]+"><a href="#([^"]+)">([^<]+)</a></li>', index)
        assert linked, deployment_type.id
        for anchor, _ in linked:
            assert f'id="{anchor}"' in body, (deployment_type.id, anchor)
        missing = re.search(r'class="kb-facet-missing">.*?</span>: (.*?)</p>', index, re.DOTALL)
        named = {html.unescape(name) for _, name in linked}
        if missing:
            named |= set(html.unescape(re.sub(r"<[^>]+>", "", missing.group(1))).split(", "))
        for facet in built_site.collected.taxonomy.facets:  # a withdrawn answer lands here
            assert f'id="facet-{facet.id}"' in index, (deployment_type.id, facet.id)
        assert named == facets, deployment_type.id
        prose = re.sub(r'<span class="kb-answers">.*?</span>(?=\s*</(?:p|li)>)', "", body, flags=re.DOTALL)
        prose = re.sub(r'<div class="(?:kb-provenance|kb-articles|kb-facet-index)".*?</div>|<h\d.*?</h\d>',
                       "", prose, flags=re.DOTALL)
        sentences = split_text(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", prose)).split()))
        # ("No." may answer two different questions: a statement is a sentence of some words.)
        repeated = sorted({s for s in sentences if sentences.count(s) > 1 and len(s.split()) > 3})
        assert len(sentences) > 10 and repeated == [], (deployment_type.id, repeated[:3])


def test_statements_name_the_facets_they_answer(built_site: BuiltSite) -> None:
    """A statement quoted for several facets carries all of them, each linked to its answer."""
    entries = {e.id: e for e in built_site.collected.entries}
    several = 0
    for deployment_type in shown_types(built_site):
        text = read(built_site, f"deployments/{deployment_type.id}")
        for tags in re.findall(r'<span class="kb-answers">Answers: (.*?)</span>', text, re.DOTALL):
            ids = re.findall(r'href="\.\./\.\./questions/([^/]+)/"', tags)
            assert ids and all(entries[i].kind == "fact" for i in ids)
            several += len(ids) > 1
    assert several >= 5


def test_readers_see_dates_in_words(built_site: BuiltSite) -> None:
    for page in sample_pages(built_site):
        visible = re.sub(r"<[^>]+>", " ", read(built_site, page).split("<body", 1)[1])
        assert "ms.date" not in visible and not re.search(r"\b\d\d/\d\d/20\d\d\b", visible), page
    document = built_site.collected.documents[0]
    assert readable_date(document.ms_date) in read(built_site, f"sources/{document.slug}")


def test_also_asked_as_lists_other_wordings_only(built_site: BuiltSite) -> None:
    boxes = 0
    for path in built_site.site_dir.rglob("index.html"):
        text = path.read_text(encoding="utf-8")
        for box in re.findall(r"<summary>Also asked as</summary>(.*?)</details>", text, re.DOTALL):
            items = [html.unescape(re.sub(r"<[^>]+>", "", i)).strip() for i in re.findall(r"<li>(.*?)</li>", box, re.DOTALL)]
            assert items and not any(i.startswith("Applies to:") for i in items), path
            boxes += 1
    assert boxes > 0


def test_a_site_published_under_a_path_has_no_broken_link(built_site: BuiltSite) -> None:
    """Built for SITE_URL (…/kb/): MkDocs' 404 page links root-relative under that path."""
    assert published_path(built_site.site_dir) == "/kb/"
    assert check_site(built_site.site_dir) == []


def test_site_url_must_be_an_absolute_address(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from privacy_kb.cli import main

    result = CliRunner().invoke(main, ["build", "--site-dir", str(tmp_path / "site"), "--site-url", "example.org/kb"])
    assert result.exit_code == 2 and "--site-url" in result.output and "absolute" in result.output
    assert not (tmp_path / "site").exists()


def test_screenshots_sample_every_page_type_of_the_site(built_site: BuiltSite, tmp_path: Path) -> None:
    from kbtools.screenshots import sample_pages
    from privacy_kb.coverage import coverage_of
    from privacy_kb.outputs import write_api

    write_api(built_site.collected, coverage_of(built_site.collected), tmp_path / "api")
    pages = sample_pages(tmp_path)
    assert sorted(pages) == ["answer", "deployment", "home", "matrix"]
    for url in pages.values():
        page, _, fragment = url.partition("#")
        text = read(built_site, page.rstrip("/"))
        assert not fragment or f'id="{fragment}"' in text


def test_every_page_title_names_the_site_once(built_site: BuiltSite) -> None:
    site_name = "Foundry model privacy answers"
    for page in ("", "questions/", "deployments/serverless-api/", "changes/"):
        title = re.search(r"<title>([^<]*)</title>", read(built_site, page)).group(1)
        assert title.count(site_name) == 1, (page, title)
    assert re.search(r"<title>([^<]*)</title>", read(built_site, "")).group(1) == site_name
