"""The URL scheme of the site (PRODUCT.md "Site"), the only module that knows it.

Published URLs are a contract: wikis link to them, and the registry (registry.py) keeps every
URL a build published working in later builds. URLs here are site-relative, MkDocs' directory
URLs (`deployments/serverless-api/`, the home page is ""); a page's Markdown file in the docs is
`markdown_file(url)`.

| URL | what |
|---|---|
| `` | home: the privacy matrix, deployment-type cards, the sources |
| `deployments/<type-id>/` | one deployment type's answers; `#<entry-id>` an answer on it |
| `questions/` | every question, grouped by facet |
| `questions/<entry-id>/` | one answer's own page (its permanent, shareable link) |
| `sources/<slug>/` | an article, rendered; `#<learn-anchor>` one of its sections |
| `changes/`, `changes/feed.xml` | what changed in the answers, and its Atom feed |
| `api/entries.json`, `api/entries/<entry-id>.json` | the answers as JSON |
"""

from __future__ import annotations

import posixpath

from .model import FaqEntry

HOME = ""
QUESTIONS = "questions/"
CHANGES = "changes/"


def type_page(type_id: str) -> str:
    return f"deployments/{type_id}/"


def answer_page(entry_id: str) -> str:
    return f"questions/{entry_id}/"


def source_page(slug: str) -> str:
    return f"sources/{slug}/"


def entry_url(entry: FaqEntry) -> str:
    """The permanent link of an entry: its first deployment type's page anchored at the entry
    id, else the entry's own page (a long all-questions page would not scale)."""
    if entry.deployment_types:
        return f"{type_page(entry.deployment_types[0])}#{entry.id}"
    return answer_page(entry.id)


# Pages that head a folder of the site (the feed sits beside /changes/): their Markdown is the
# folder's index.md, which also places them in MkDocs' navigation as a section.
_FOLDER_PAGES = frozenset({CHANGES})


def markdown_file(url: str) -> str:
    """The docs file MkDocs publishes at page `url`: `a/b/` → `a/b.md`, `` → `index.md`."""
    page = url.partition("#")[0]
    if page in _FOLDER_PAGES:
        return f"{page}index.md"
    return f"{page.rstrip('/') or 'index'}.md"


def page_url(markdown_path: str) -> str:
    """The URL MkDocs gives a Markdown page (directory URLs): `a/b.md` → `a/b/`."""
    stem = markdown_path.removesuffix(".md")
    if stem == "index":
        return HOME
    return stem.removesuffix("/index") + "/"


def html_file(url: str) -> str:
    """The file of the built page at `url`: `deployments/x/` → `deployments/x/index.html`."""
    return url.partition("#")[0] + "index.html"


def built_page_url(relative_html: str) -> str:
    """The URL of a built page file: `deployments/x/index.html` → `deployments/x/`."""
    return relative_html.removesuffix("index.html")


def relative_link(target: str, from_url: str) -> str:
    """`target` (a site-relative URL, `#fragment` allowed) as a relative link from the page at
    `from_url`, for raw HTML (which MkDocs does not rewrite); absolute URLs stay as they are."""
    if "://" in target:
        return target
    path, hash_mark, fragment = target.partition("#")
    link = posixpath.relpath(path or ".", from_url.rstrip("/") or ".")
    if link == ".":
        link = "./"
    elif not path or path.endswith("/"):
        link += "/"
    return link + hash_mark + fragment


def markdown_link(target_url: str, from_markdown: str) -> str:
    """A docs-relative Markdown link to page `target_url` (`#fragment` allowed) from the docs file
    `from_markdown`, as MkDocs validates and rewrites it."""
    path, hash_mark, fragment = target_url.partition("#")
    link = posixpath.relpath(markdown_file(path), posixpath.dirname(from_markdown) or ".")
    return link + hash_mark + fragment
