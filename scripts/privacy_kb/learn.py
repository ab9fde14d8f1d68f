"""Microsoft Learn conventions: heading anchors and live URLs derived from repository paths."""

from __future__ import annotations

import re
import unicodedata
from posixpath import normpath

LEARN_ORIGIN = "https://learn.microsoft.com"

# Learn (DocFX/markdig "GitHub" identifiers) keeps letters, digits, '-' and '_' and turns
# spaces into '-'; everything else is dropped. Consecutive hyphens are kept.
_NOT_ANCHOR_CHAR = re.compile(r"[^\w\- ]", re.UNICODE)


def learn_anchor(heading: str, separator: str = "-") -> str:
    """The anchor Learn gives a heading: 'What data is processed?' -> 'what-data-is-processed'."""
    text = unicodedata.normalize("NFKC", heading).strip().lower()
    text = _NOT_ANCHOR_CHAR.sub("", text)
    return text.replace(" ", separator)


def slugify(value: str, separator: str = "-") -> str:
    """Python-Markdown `toc` slugify signature, so the site's anchors are Learn's anchors."""
    return learn_anchor(value, separator)


def learn_url_for_path(repo_path: str) -> str | None:
    """`articles/ai-foundry/how-to/x.md` -> `https://learn.microsoft.com/azure/ai-foundry/how-to/x`.

    azure-ai-docs publishes `articles/<service>/...` under `/azure/<service>/...`; a path outside
    `articles/` has no live page.
    """
    path = normpath(repo_path)
    if not path.startswith("articles/"):
        return None
    path = path.removeprefix("articles/")
    path = re.sub(r"\.md$", "", path)
    if path.endswith("/index"):
        path = path.removesuffix("index")
    return f"{LEARN_ORIGIN}/azure/{path}"


def learn_url_for_root_link(target: str) -> str:
    """A Learn root-relative link (`/azure/...`, `/partner-center/...`) made absolute."""
    return LEARN_ORIGIN + target
