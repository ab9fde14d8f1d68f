"""Answers read on their own: no short answer or link preview starts with a sentence that leans
on one left out; build notes are never answer text; provenance names every section quoted."""

from __future__ import annotations

import re

from privacy_kb.collected import Collected
from privacy_kb.pages import link_preview
from privacy_kb.sentences import split_text
from privacy_kb.statements import SentenceClassifier
from site_fixtures import BuiltSite

BUILD_NOTE = re.compile(r"is not available \(|not available \(missing upstream\)")


def _first(text: str) -> str:
    sentences = split_text(text)
    return sentences[0] if sentences else ""


def test_no_short_answer_or_preview_starts_leaning_on_a_sentence_left_out(bundled: Collected) -> None:
    checked = 0
    for entry in bundled.entries:
        classifier = SentenceClassifier.of(bundled.taxonomy, entry.source.path)
        section_alone = [s for s in split_text(entry.answer_text) if not classifier.leans(s)]
        for what, text in (("short answer", entry.short_answer), ("preview", link_preview(entry))):
            first = _first(text)
            if section_alone:  # a section with no sentence that reads alone has no better start
                assert not classifier.leans(first), (entry.id, what, first)
            if entry.kind == "fact":
                assert not classifier.is_meta(first), (entry.id, what, first)
            checked += 1
        if entry.kind == "fact":
            assert not classifier.leans(_first(entry.answer_text)), entry.id
    assert checked > 200


def test_the_examples_of_the_issue_read_alone(bundled: Collected) -> None:
    by_id = {e.id: e for e in bundled.entries}
    deletion = by_id["openai-data-privacy-azure-direct-standard-deletion"]
    assert deletion.short_answer == (
        "Some Azure Direct Models features store data in the service. … Data stored for such "
        "features: … Can be deleted by the customer at any time."
    )
    training = by_id["concept-data-privacy-serverless-api-training-use"]
    assert training.short_answer.startswith("Microsoft doesn't share these prompts and outputs")
    assert "Also, Microsoft doesn't use these prompts" in training.short_answer
    for entry in bundled.entries:  # "This diagram covers…", "Please also see…" state no fact
        if entry.kind == "fact":
            assert not entry.short_answer.startswith(("This diagram", "Please also see")), entry.id


def test_build_notes_are_never_answer_text(bundled: Collected) -> None:
    assert any("does not exist" in p.what for p in bundled.problems)  # a missing include
    for entry in bundled.entries:
        for text in (entry.answer_text, entry.answer_markdown, entry.short_answer,
                     link_preview(entry)):
            assert not BUILD_NOTE.search(text), entry.id


def test_build_notes_stay_on_the_source_page_not_in_the_matrix(built_site: BuiltSite) -> None:
    source = (built_site.site_dir / "sources" / "claude-models-data-privacy" / "index.html")
    assert "docfx-missing-include" in source.read_text(encoding="utf-8")
    home = (built_site.site_dir / "index.html").read_text(encoding="utf-8")
    assert not BUILD_NOTE.search(home)
    for page in (built_site.site_dir / "questions").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        assert "docfx-missing-include" not in html, page
        description = re.search(r'<meta name="description" content="([^"]*)"', html)
        assert not description or not BUILD_NOTE.search(description.group(1)), page


def test_provenance_names_every_section_an_answer_quotes(bundled: Collected,
                                                         built_site: BuiltSite) -> None:
    sections_of = {d.path: {(s.anchor, s.heading, s.line_start, s.line_end) for s in d.sections}
                   for d in bundled.documents}
    several = []
    for entry in bundled.entries:
        source = entry.source
        assert source.sections, entry.id
        first = source.sections[0]
        assert (first.heading, first.anchor, first.learn_url, first.line_start) == (
            source.heading, source.anchor, source.learn_url, source.line_start)
        for section in source.sections:  # each one a section of the article, with its anchor
            assert (section.anchor, section.heading, section.line_start, section.line_end) in (
                sections_of[source.path]), (entry.id, section.anchor)
            assert section.learn_url.endswith(f"#{section.anchor}")
        if len(source.sections) > 2:
            several.append(entry)
    assert several  # e.g. Azure Direct Models' storage answer quotes many sections
    entry = several[0]
    page = (built_site.site_dir / "questions" / entry.id / "index.html").read_text(encoding="utf-8")
    provenance = page[page.index('class="kb-provenance"'):]
    provenance = provenance[:provenance.index("</div>")]
    for section in entry.source.sections:
        assert f'#{section.anchor}"' in provenance, section.anchor
        assert f'href="{section.learn_url}"' in provenance, section.learn_url
