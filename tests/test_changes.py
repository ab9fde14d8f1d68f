"""What changed: published from the 2024-12-19 revision, rebuilt from today's content/ with the
same registry; /changes/, its Atom feed and the answer pages' "last changed" line."""

from __future__ import annotations

import html
import re
import shutil
import xml.etree.ElementTree as etree
from pathlib import Path
from urllib.parse import urljoin

import pytest

from conftest import CONTENT
from privacy_kb.build import build
from privacy_kb.changes import History, history_path, load_history
from privacy_kb.changes_pages import word_diff
from privacy_kb.dates import readable_date
from site_fixtures import Rebuilt

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def _text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def test_the_record_of_published_answers_sits_beside_the_registry(rebuilt: Rebuilt) -> None:
    assert history_path(Path("content/published-urls.json")) == Path("content/published-entries.json")
    assert history_path(Path("x/registry.json")) == Path("x/registry.entries.json")
    entries_file = history_path(rebuilt.registry_file)
    assert entries_file.is_file()
    history = load_history(entries_file)
    assert history == rebuilt.history
    assert [(b.number, b.date) for b in history.builds] == [(1, "2024-12-19"), (2, "2026-01-26")]
    assert {a.id for a in history.answers} == {e.id for e in rebuilt.new.entries}


def test_the_changes_page_lists_added_reworded_and_removed_answers(rebuilt: Rebuilt) -> None:
    build_2 = rebuilt.history.builds[-1]
    old_ids = {e.id for e in rebuilt.old.entries}
    new = {e.id: e for e in rebuilt.new.entries}
    added = {c.id for c in build_2.of_kind("added")}
    reworded = {c.id for c in build_2.of_kind("reworded")}
    removed = {c.id for c in build_2.of_kind("removed")}
    assert added == set(new) - old_ids
    assert removed == old_ids - set(new) and len(removed) == 1
    old_text = {e.id: e.answer_text for e in rebuilt.old.entries}
    assert reworded == {i for i in old_ids & set(new)
                        if old_text[i].split() != new[i].answer_text.split()}
    assert len(reworded) > 5
    page = _read(rebuilt.site, "changes/")
    assert 'id="build-2"' in page and 'id="build-1"' in page
    assert page.index('id="build-2"') < page.index('id="build-1"')  # newest first
    for change in build_2.changes:
        item = re.search(rf'<li id="{change.kind}-{change.id}">(.*?)</li>', page, re.S)
        assert item, change.id
        text = _text(item.group(1))
        assert change.title in text and f"({readable_date(change.ms_date)})" in text
        if change.kind == "reworded":  # a word-level diff of the verbatim text
            assert "<del>" in item.group(1) or "<ins>" in item.group(1)
            kept = re.sub(r"<ins>.*?</ins>", "", item.group(1).split('class="kb-diff">')[1])
            assert _text(kept).split() == change.before.split()
        if change.kind != "removed" or change.id in new:
            assert f'href="../questions/{change.id}/"' in item.group(1)


def test_the_feed_is_atom_and_says_the_same(rebuilt: Rebuilt) -> None:
    feed_path = rebuilt.site / "changes" / "feed.xml"
    root = etree.parse(feed_path).getroot()
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):  # RFC 4287 4.1.1: exactly one each
        assert len(root.findall(f"{ATOM}{tag}")) == 1, tag
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}updated").text == "2026-01-26T00:00:00Z"
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == "feed.xml"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == len(rebuilt.history.builds) == 2
    ids = [root.find(f"{ATOM}id").text] + [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    newest = entries[0]
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{tag}")) == 1, tag
        assert RFC3339.match(entry.find(f"{ATOM}updated").text)
        assert entry.find(f"{ATOM}content").get("type") == "html"
    assert newest.find(f"{ATOM}title").text.startswith("Build 2, 26 January 2026: ")
    content = newest.find(f"{ATOM}content").text  # escaped HTML, as the page shows it
    build_2 = rebuilt.history.builds[-1]
    assert all(f'id="{c.kind}-{c.id}"' in content for c in build_2.changes)
    feed_url = "http://site.invalid/changes/feed.xml"
    link = newest.find(f"{ATOM}link[@rel='alternate']")
    assert urljoin(feed_url, link.get("href")) == "http://site.invalid/changes/#build-2"
    hrefs = re.findall(r'href="([^"]+)"', content)
    assert any(h.startswith("https://learn.microsoft.com/") for h in hrefs)  # the live pages
    for href in hrefs:  # our links resolve on the built site
        target = urljoin(feed_url, html.unescape(href))
        if target.startswith("http://site.invalid/"):
            path = target.removeprefix("http://site.invalid/").split("#")[0]
            assert (rebuilt.site / path / "index.html").is_file(), href


def test_answer_pages_say_when_their_text_last_changed(rebuilt: Rebuilt) -> None:
    build_2 = rebuilt.history.builds[-1]
    reworded = build_2.of_kind("reworded")[0]
    unchanged = next(a for a in rebuilt.history.answers if a.changed == 1)
    added = build_2.of_kind("added")[0]
    for answer_id, date, number in ((reworded.id, "2026-01-26", 2), (added.id, "2026-01-26", 2),
                                    (unchanged.id, "2024-12-19", 1)):
        page = _read(rebuilt.site, f"questions/{answer_id}/")
        line = re.search(r'<p class="kb-last-changed"[^>]*>(.*?)</p>', page)
        assert line, answer_id
        assert re.sub(r"<[^>]+>", "", line.group(1)) == f"Text last changed: {readable_date(date)} (build {number})"
        assert f'href="../../changes/#build-{number}"' in line.group(1)


def test_a_withdrawn_answer_keeps_a_page_that_says_so(rebuilt: Rebuilt) -> None:
    (withdrawn,) = rebuilt.history.withdrawn
    page = _text(_read(rebuilt.site, f"questions/{withdrawn.id}/"))
    assert "Withdrawn" in page and withdrawn.question in page
    assert " ".join(withdrawn.text.split()) in page
    assert f'href="{withdrawn.learn_url}"' in _read(rebuilt.site, f"questions/{withdrawn.id}/")
    type_page = _read(rebuilt.site, f"deployments/{withdrawn.deployment_types[0]}/")
    assert f'class="kb-alias" id="{withdrawn.id}"' in type_page


def test_the_same_content_adds_no_build_and_writes_the_same_bytes(
    rebuilt: Rebuilt, tmp_path: Path
) -> None:
    registry = tmp_path / "published-urls.json"
    shutil.copyfile(rebuilt.registry_file, registry)
    shutil.copyfile(history_path(rebuilt.registry_file), history_path(registry))
    before = history_path(registry).read_bytes()
    report = build(CONTENT, tmp_path / "site", registry_path=registry)
    assert history_path(registry).read_bytes() == before
    assert len(report.history.builds) == 2
    for name in ("changes/feed.xml", "changes/index.html"):
        assert (tmp_path / "site" / name).read_bytes() == (rebuilt.site / name).read_bytes(), name


def test_without_a_registry_nothing_is_recorded(tmp_path: Path) -> None:
    report = build(CONTENT, tmp_path / "site", registry_path=None)
    assert report.history == History()
    assert "Nothing has been published" in _read(tmp_path / "site", "changes/")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".site.lock") == ["site"]


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("a b c", "a b c", "a b c"),
    ("you can help protect", "help protect", "<del>you can</del> help protect"),
    ("for standard deployment", "for serverless API deployment",
     "for <del>standard</del> <ins>serverless API</ins> deployment"),
    ("x < y", "x <= y", "x <del>&lt;</del> <ins>&lt;=</ins> y"),
])
def test_word_diff(before: str, after: str, expected: str) -> None:
    assert word_diff(before, after) == expected


def test_the_json_says_when_each_answer_last_changed(rebuilt: Rebuilt) -> None:
    import json

    from jsonschema import Draft202012Validator

    from privacy_kb.resources import schema_path

    document = json.loads((rebuilt.site / "api" / "entries.json").read_text(encoding="utf-8"))
    Draft202012Validator(json.loads(schema_path("entries.schema.json").read_text(encoding="utf-8"))).validate(document)
    last = {a.id: a.changed for a in rebuilt.history.answers}
    for entry in document["entries"]:
        assert entry["last_changed"]["build"] == last[entry["id"]], entry["id"]


def test_feed_readers_find_the_feed_from_the_page(rebuilt: Rebuilt) -> None:
    page = _read(rebuilt.site, "changes/")
    assert re.search(r'<link rel="alternate" type="application/atom\+xml" title="What changed" '
                     r'href="feed.xml">', page)


def test_the_feed_is_absolute_where_the_site_url_is_known(rebuilt: Rebuilt) -> None:
    from privacy_kb.changes_pages import FeedOptions, atom_feed

    feed = etree.fromstring(atom_feed(rebuilt.history, FeedOptions("https://kb.example/")))
    assert feed.get("{http://www.w3.org/XML/1998/namespace}base") == "https://kb.example/changes/"
