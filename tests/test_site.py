"""The site: pages written from the real Collected, built by a real `mkdocs build --strict`."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml
from site_fixtures import BuiltSite, accepting_known, build_into, built_site  # noqa: F401

from privacy_kb import docfx
from privacy_kb.index import entry_url
from privacy_kb.pages import NOT_STATED, first_sentence
from privacy_kb.problems import BuildError
from privacy_kb.site import BASE_CONFIG, render_site

# Hosts a built page may name other than in a plain link (<a href>): none.
_URL_IN_ATTRIBUTE = re.compile(r"""<(\w+)[^>]*?\s(?:src|href|srcset|action|data)=["']?(https?:)?//([^/"' >]+)""")
_URL_IN_CSS = re.compile(r"""(?:url\(|@import\s)["']?(?:https?:)?//([^/"')]+)""")


def test_every_page_of_the_url_scheme_exists(built_site: BuiltSite) -> None:
    site = built_site.site_dir
    expected = ["index.html", "questions/index.html", "search/search_index.json"]
    expected += [f"deployments/{t.id}/index.html" for t in built_site.collected.taxonomy.deployment_types]
    expected += [f"sources/{d.slug}/index.html" for d in built_site.collected.documents]
    assert [p for p in expected if not (site / p).is_file()] == []


def test_every_entry_has_its_permanent_anchor(built_site: BuiltSite) -> None:
    for entry in built_site.collected.entries:
        page, anchor = entry_url(entry).split("#")
        text = (built_site.site_dir / page / "index.html").read_text(encoding="utf-8")
        assert f'id="{anchor}"' in text, entry_url(entry)
        assert f'data-kb-anchor="{anchor}"' in text


def test_matrix_cells_quote_the_source_or_say_not_stated(built_site: BuiltSite) -> None:
    index = (built_site.site_dir / "index.html").read_text(encoding="utf-8")
    table = index[index.index('class="kb-matrix"'):]
    table = table[: table.index("</table>")]
    cells = re.findall(r"<td>(.*?)</td>", table, re.S)
    types = built_site.collected.taxonomy.deployment_types
    answers = " ".join(e.answer_text for e in built_site.collected.entries)
    quoted = 0
    for row_start in range(0, len(cells), len(types) + 1):
        for cell in cells[row_start + 1 : row_start + 1 + len(types)]:
            text = html.unescape(re.sub(r"<[^>]+>", "", cell)).replace(" (all types)", "")
            if text == NOT_STATED:
                continue
            quoted += 1
            assert " ".join(text.split()) in " ".join(answers.split()), text
    assert quoted >= len(types)  # every type has at least one statement in the bundled article


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
    import json

    index = json.loads((built_site.site_dir / "search" / "search_index.json").read_text())
    locations = {doc["location"] for doc in index["docs"]}
    for entry in built_site.collected.entries:
        assert entry_url(entry) in locations, entry.id
    assert not any(loc.startswith("#") or loc == "" for loc in locations)  # home page excluded
    assert index["config"]["separator"].startswith("[")


def test_build_is_byte_identical(built_site: BuiltSite, tmp_path: Path) -> None:
    again = build_into(built_site.collected, tmp_path)
    first = {p.relative_to(built_site.site_dir): p.read_bytes() for p in sorted(built_site.site_dir.rglob("*")) if p.is_file()}
    second = {p.relative_to(again.site_dir): p.read_bytes() for p in sorted(again.site_dir.rglob("*")) if p.is_file()}
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
            offending += [(path.name, m.group(3)) for m in _URL_IN_ATTRIBUTE.finditer(text) if m.group(1) != "a"]
        else:
            offending += [(path.name, host) for host in _URL_IN_CSS.findall(text)]
    assert offending == []


def test_top_level_config_lists_the_docfx_extensions() -> None:
    config = yaml.load(BASE_CONFIG.read_text(encoding="utf-8"), Loader=yaml.Loader)
    extensions, _ = docfx.markdown_extensions("content", [])
    assert isinstance(config["markdown_extensions"], dict)
    assert [e for e in extensions if e not in config["markdown_extensions"]] == []
    assert config["theme"]["font"] is False
    assert "navigation.prune" in config["theme"]["features"]


def test_strict_build_fails_with_one_line_on_a_broken_link(bundled, tmp_path: Path) -> None:
    built = accepting_known(bundled)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\n[missing](nowhere.md)\n", encoding="utf-8")
    with pytest.raises(BuildError) as error:
        render_site(built, docs, tmp_path / "site", strict=True)
    assert "\n" not in str(error.value) and "nowhere.md" in str(error.value)
