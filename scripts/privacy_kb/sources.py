"""Read a source root of Learn articles: find the articles, check them, render them to trees."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import yaml

from . import docfx
from .docfx_source import split_front_matter
from .learn import learn_url_for_path
from .links import source_slug
from .problems import BuildError, Reporter

_RAW_HTML_PLACEHOLDER = re.compile("\x02wzxhzdk:(\\d+)\x03")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class ArticleFile:
    """One article as read from disk, front matter parsed."""

    path: str  # relative to the source root, POSIX
    lines: tuple[str, ...]
    front_matter: dict[str, Any]
    body_start: int  # 1-based number of the first line after the front matter

    @property
    def title(self) -> str:
        return str(self.front_matter.get("title", "")).strip()

    @property
    def slug(self) -> str:
        return source_slug(self.path)

    @property
    def learn_url(self) -> str:
        return learn_url_for_path(self.path) or ""

    @property
    def ms_date(self) -> str:
        return str(self.front_matter.get("ms.date", "")).strip()


def discover_articles(source_root: Path) -> list[str]:
    """Article paths under the root, sorted; include files are not articles."""
    if not source_root.is_dir():
        raise BuildError(f"{source_root}: source folder not found")
    base = source_root / "articles" if (source_root / "articles").is_dir() else source_root
    paths = []
    for file in sorted(base.rglob("*.md")):
        relative = file.relative_to(source_root).as_posix()
        if "includes" in relative.split("/")[:-1] or file.name.lower() == "readme.md":
            continue
        paths.append(relative)
    if not paths:
        raise BuildError(f"{source_root}: no Learn articles (*.md) found")
    return paths


def read_article(source_root: Path, path: str) -> ArticleFile:
    """Read one article; bad bytes or bad front matter are a BuildError with file:line."""
    raw = (source_root / path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BuildError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{raw[error.start]:02x}); "
            "save the file as UTF-8"
        ) from None
    front_matter, body_start = parse_front_matter(text, path)
    return ArticleFile(path, tuple(text.splitlines()), front_matter, body_start)


def parse_front_matter(text: str, path: str) -> tuple[dict[str, Any], int]:
    """The YAML front matter and the line its body starts on. Found with the DocFX extension's
    own rule, so the extractor's line numbers match what the extension strips."""
    lines = text.splitlines()
    body_index, raw_yaml = split_front_matter(lines)
    if raw_yaml is None:
        if lines and lines[0].strip() == "---":
            raise BuildError(f"{path}:1: front matter is not closed by a '---' line")
        return {}, 1
    try:
        data = yaml.safe_load(raw_yaml) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for 1-based, +1 for the opening '---'
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise BuildError(f"{path}:{line}: malformed front matter: {problem}") from None
    if not isinstance(data, dict):
        raise BuildError(f"{path}:2: front matter must be a YAML mapping of keys to values")
    return data, body_index + 1


class _TreeCapture(markdown.treeprocessors.Treeprocessor):
    """Keeps the finished tree on the Markdown instance, for the extractor to walk."""

    def run(self, root: etree.Element) -> None:
        self.md.privacy_kb_tree = root  # type: ignore[attr-defined]


class ArticleRenderer:
    """Renders articles of one source root with the same extension list as the site."""

    def __init__(self, source_root: Path, hosted: list[str], known_problems: list[str]):
        extensions, configs = docfx.markdown_extensions(str(source_root), hosted, known_problems)
        self.md = markdown.Markdown(extensions=extensions, extension_configs=configs)
        self.md.treeprocessors.register(_TreeCapture(self.md), "privacy_kb_capture", -100)
        # Problems are kept on the instance and printed once in the build summary.
        self.md.docfx_reporter = Reporter()  # type: ignore[attr-defined]

    def render(self, article: ArticleFile) -> tuple[etree.Element, list]:
        """The article's element tree (raw HTML resolved to text) and the problems found."""
        self.md.reset()
        self.md.convert(include_line(article))
        root = self.md.privacy_kb_tree  # type: ignore[attr-defined]
        _resolve_raw_html(root, self.md.htmlStash.rawHtmlBlocks)
        return root, list(self.md.docfx_problems)  # type: ignore[attr-defined]


def include_line(article: ArticleFile) -> str:
    """The one-line page body that renders an article: a docset-root include of it."""
    title = article.title.replace("]", "").replace("[", "") or article.slug
    return f"[!INCLUDE [{title}](~/{article.path})]\n"


def _resolve_raw_html(root: etree.Element, stash: list[Any]) -> None:
    """Replace raw-HTML placeholders by the HTML's text, so sentences read as on the page."""

    def text_of(match: re.Match[str]) -> str:
        index = int(match.group(1))
        html = str(stash[index]) if index < len(stash) else ""
        return _TAG.sub(" ", html).strip()

    for element in root.iter():
        if element.text and "\x02" in element.text:
            element.text = _RAW_HTML_PLACEHOLDER.sub(text_of, element.text)
        if element.tail and "\x02" in element.tail:
            element.tail = _RAW_HTML_PLACEHOLDER.sub(text_of, element.tail)
