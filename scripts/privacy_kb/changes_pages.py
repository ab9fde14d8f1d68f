"""What changed, as pages: /changes/ (per build, newest first, with a word-level diff of each
reworded answer), its Atom feed (/changes/feed.xml) and the page left at a withdrawn answer's
URL. Plain functions of a `changes.History`; deterministic (no clock)."""

from __future__ import annotations

import difflib
import html
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as etree

from .changes import CHANGE_KINDS, FALLBACK_DATE, Build, Change, History
from .collected import Collected
from .dates import readable_date
from .pages import front_matter
from .urls import CHANGES, HOME, answer_page, markdown_file, markdown_link, relative_link

ATOM = "http://www.w3.org/2005/Atom"
FEED_NAMESPACE = uuid.UUID("7d8f5d2e-1c6b-5b8e-9c61-3f0e2a4b6c71")  # ids of our Atom entries


# --- the /changes/ page --------------------------------------------------------------------


def word_diff(before: str, after: str) -> str:
    """HTML of a word-level diff: removed words in <del>, added words in <ins>, the rest as is."""
    old, new = before.split(), after.split()
    parts = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(html.escape(" ".join(old[a1:a2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(f"<del>{html.escape(' '.join(old[a1:a2]))}</del>")
        if tag in ("insert", "replace"):
            parts.append(f"<ins>{html.escape(' '.join(new[b1:b2]))}</ins>")
    return " ".join(parts)


def build_anchor(build: Build) -> str:
    return f"build-{build.number}"


def changes_page(history: History, current_ids: Iterable[str] = ()) -> str:
    """/changes/: per build, newest first, the answers added, reworded (with a word-level diff
    of the verbatim text) and removed, each with its article and its date."""
    live = set(current_ids)
    parts = [
        front_matter("What changed", "The answers added, reworded and removed in each "
                     "published build, with the words that changed.", search_exclude=True,
                     extra={"kb_feed": "feed.xml"}),
        "# What changed\n",
        ("Each build of this site compares its answers with the ones it published last. Here "
         "is every build that changed one, newest first: the answers added, reworded (with the "
         "words removed and added) and removed, with the article and its date. Follow it "
         '<a href="feed.xml" type="application/atom+xml">as an Atom feed</a>.\n'),
    ]
    if not history.builds:
        parts.append("Nothing has been published with a record of its answers yet.\n")
    for build in reversed(history.builds):
        parts.append(f"## Build {build.number}, {readable_date(build.date)} {{ #{build_anchor(build)} }}\n")
        parts.append(f"{html.escape(build.summary()).capitalize()}.\n")
        for kind in CHANGE_KINDS:
            changes = build.of_kind(kind)
            if changes:
                parts.append(_change_list(kind, changes, live))
    return "\n".join(parts)


def _change_list(kind: str, changes: list[Change], live: set[str]) -> str:
    items = []
    for change in sorted(changes, key=lambda c: (c.article, c.question, c.id)):
        question = html.escape(change.question)
        link = (f'<a href="{relative_link(answer_page(change.id), CHANGES)}">{question}</a>'
                if change.id in live or change.kind == "removed" else question)
        title = html.escape(change.title)
        if change.learn_url:  # quoted text names its article and links the live page
            title = f'<a href="{html.escape(change.learn_url)}">{title}</a>'
        source = f"{title} ({html.escape(readable_date(change.ms_date))})"
        body = ""
        if kind == "reworded":
            body = f'<p class="kb-diff">{word_diff(change.before, change.after)}</p>'
        elif kind == "removed":
            body = f'<p class="kb-diff"><del>{html.escape(change.before)}</del></p>'
        items.append(f'<li id="{kind}-{change.id}"><p>{link} <span class="kb-change-source">— '
                     f"{source}</span></p>{body}</li>")
    title = {"added": "Added", "reworded": "Reworded", "removed": "Removed"}[kind]
    return (f'<h3>{title} ({len(changes)})</h3>\n<ul class="kb-changes kb-changes-{kind}">\n'
            + "\n".join(items) + "\n</ul>\n")


def withdrawn_page(answer_id: str, history: History, type_names: Mapping[str, str]) -> str:
    """The page left at a withdrawn answer's permanent URL: what it said, and why it is gone."""
    answer = history.withdrawn_answer(answer_id)
    question = answer.question if answer else "A withdrawn answer"
    page = markdown_file(answer_page(answer_id))
    lines = [
        front_matter(question, "This answer has been withdrawn: the source no longer states it.",
                     search_exclude=True),
        f"# {_markdown_text(question)}",
        "",
        '!!! warning "Withdrawn"',
        "",
        "    This answer has been withdrawn: its source no longer states it, or no longer for "
        "this question.",
    ]
    if answer is not None:
        build = history.build(answer.changed)
        types = ", ".join(type_names.get(t, t) for t in answer.deployment_types)
        lines += [
            f"    Withdrawn in [build {build.number}, {readable_date(build.date)}]"
            f"({markdown_link(CHANGES + '#' + build_anchor(build), page)}).",
            "",
            "Its last published text"
            + (f" (applies to: {_markdown_text(types)})" if types else "")
            + f", quoted from *{_markdown_text(answer.title)}* ("
            f"{_markdown_text(readable_date(answer.ms_date))}"
            + (f"; [live on Microsoft Learn]({answer.learn_url})" if answer.learn_url else "")
            + "):",
            "",
            f"> {_markdown_text(answer.text)}",
        ]
    lines += ["", f"See [what changed]({markdown_link(CHANGES, page)}) and the "
              f"[privacy matrix]({markdown_link(HOME, page)})."]
    return "\n".join(lines) + "\n"


def _markdown_text(text: str) -> str:
    return html.escape(" ".join(text.split())).replace("*", "\\*").replace("_", "\\_").replace(
        "[", "\\[").replace("`", "\\`")


def change_pages(
    history: History, collected: Collected, withdrawn_ids: Iterable[str] = ()
) -> dict[str, str]:
    """/changes/ and a page at the URL of every withdrawn answer (registry ids gone from this
    build), by Markdown path in the docs."""
    pages = {markdown_file(CHANGES): changes_page(history, (e.id for e in collected.entries))}
    names = {t.id: t.name for t in collected.taxonomy.deployment_types}
    for answer_id in sorted(set(withdrawn_ids)):
        pages[markdown_file(answer_page(answer_id))] = withdrawn_page(answer_id, history, names)
    return pages


# --- the Atom feed -------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedOptions:
    site_url: str = ""  # absolute base of the site; relative links when empty
    title: str = "privacy-kb: what changed in the answers"


def atom_feed(
    history: History, options: FeedOptions = FeedOptions(), current_ids: Iterable[str] = ()
) -> str:
    """/changes/feed.xml (RFC 4287): one entry per build, newest first, dated by the build's
    date, its content the same lists as /changes/. Deterministic: no clock, fixed ids."""
    etree.register_namespace("", ATOM)
    base = options.site_url.rstrip("/") + "/changes/" if options.site_url else ""
    live = set(current_ids)
    feed = etree.Element(f"{{{ATOM}}}feed")
    if base:
        feed.set("{http://www.w3.org/XML/1998/namespace}base", base)
    _text(feed, "id", f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, 'feed')}")
    _text(feed, "title", options.title)
    _text(feed, "updated", _timestamp(history.builds[-1].date if history.builds else FALLBACK_DATE))
    etree.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": "feed.xml",
                                               "type": "application/atom+xml"})
    etree.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": "./",
                                               "type": "text/html"})
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "privacy-kb")
    for build in reversed(history.builds):
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", f"urn:uuid:{uuid.uuid5(FEED_NAMESPACE, f'build-{build.number}')}")
        _text(entry, "title", f"Build {build.number}, {readable_date(build.date)}: {build.summary()}")
        _text(entry, "updated", _timestamp(build.date))
        etree.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                                    "href": f"./#{build_anchor(build)}"})
        lists = "".join(_change_list(kind, build.of_kind(kind), live)
                        for kind in CHANGE_KINDS if build.of_kind(kind))
        content = _text(entry, "content", f"<p>{html.escape(build.summary())}.</p>{lists}")
        content.set("type", "html")
    etree.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(feed, encoding="unicode") + "\n"


def _text(parent: etree.Element, tag: str, text: str) -> etree.Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}")
    element.text = text
    return element


def _timestamp(iso_date: str) -> str:
    return f"{iso_date}T00:00:00Z"


def write_feed(
    history: History,
    collected: Collected,
    site_dir: Path,
    options: FeedOptions = FeedOptions(),
) -> None:
    path = site_dir / "changes" / "feed.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    feed = atom_feed(history, options, (e.id for e in collected.entries))
    path.write_text(feed, encoding="utf-8", newline="\n")
