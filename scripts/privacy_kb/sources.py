"""Read a source root of Learn articles: find the articles, check them, render them to trees."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import yaml

from . import docfx
from .docfx_placeholders import LINK_TOKEN_RE, NODE_MARKER_ANYWHERE_RE
from .docfx_source import split_front_matter
from .learn import learn_url_for_path
from .links import source_slug
from .paths import InsideRoot, SourceError, read_source_text
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
    # Our page name when it differs from `source_slug(path)`: set by the pipeline when two
    # articles would get the same one (links.source_slugs).
    page_slug: str = ""

    @property
    def title(self) -> str:
        return str(self.front_matter.get("title", "")).strip()

    @property
    def slug(self) -> str:
        return self.page_slug or source_slug(self.path)

    @property
    def learn_url(self) -> str:
        return learn_url_for_path(self.path) or ""

    @property
    def ms_date(self) -> str:
        return str(self.front_matter.get("ms.date", "")).strip()


MAX_FOLDER_DEPTH = 128  # deeper than any docs repository; a bound for hostile trees


def discover_articles(source_root: Path) -> list[str]:
    """Article paths under the root, sorted; include files are not articles.

    Symlinks are followed, then checked: a file or folder whose real path is outside the
    source root is an error (paths.resolve_inside), and a folder seen before is not walked
    again (a symlink cycle)."""
    if not source_root.is_dir():
        raise BuildError(f"{source_root}: source folder not found")
    base = "articles" if (source_root / "articles").is_dir() else ""
    found = []
    inside = InsideRoot(source_root)
    for relative in _markdown_files(source_root, base):
        parts = relative.split("/")
        if "includes" in parts[:-1] or parts[-1].lower() == "readme.md":
            continue
        if inside.resolve(relative) is not None:
            found.append(relative)
    if not found:
        raise BuildError(f"{source_root}: no Learn articles (*.md) found")
    return sorted(found, key=lambda relative: relative.split("/"))  # path order, part by part


def _markdown_files(source_root: Path, base: str) -> list[str]:
    """Every `*.md` under the folder `base` (relative to the root, POSIX; "" for the root),
    walked without recursion, each real folder once; relative POSIX paths."""
    files: list[str] = []
    seen: set[str] = set()
    root = str(source_root)
    # A folder's real path: its parent's plus its name unless it is a symlink (then resolved
    # and checked), which saves a realpath per folder on large trees.
    pending: list[tuple[str, int, str | None]] = [(base, 0, None)]
    while pending:
        relative, depth, known_real = pending.pop()
        real = known_real or resolve_inside_folder(source_root, relative)
        if real in seen:
            continue
        seen.add(real)
        if depth > MAX_FOLDER_DEPTH:
            raise SourceError(relative, 0, f"folders nested deeper than {MAX_FOLDER_DEPTH}; "
                              "not read")
        try:
            entries = sorted(os.scandir(os.path.join(root, relative)), key=lambda e: e.name)
        except OSError as error:
            raise SourceError(relative, 0, f"cannot be read ({error.strerror})") from None
        prefix = f"{relative}/" if relative else ""
        for entry in entries:
            if _is_folder(entry):
                plain = not entry.is_symlink()
                pending.append((prefix + entry.name, depth + 1,
                                f"{real}{os.sep}{entry.name}" if plain else None))
            elif entry.name.endswith(".md"):
                files.append(prefix + entry.name)
    return files


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows symlinks; a loop or dangling link is not a folder
    except OSError:
        return False


def resolve_inside_folder(source_root: Path, relative: str) -> str:
    """The real path of a folder of the source root; SourceError when it is outside."""
    real_root = os.path.realpath(source_root)
    real = os.path.realpath(source_root / relative)
    if real != real_root and not real.startswith(real_root + os.sep):
        raise SourceError(relative, 0, "folder leads outside the source root (a symlink); "
                          "not read")
    return real


def read_article(source_root: Path, path: str) -> ArticleFile:
    """Read one article; bad bytes or bad front matter are a BuildError with file:line."""
    return article_of_text(path, read_article_text(source_root, path))


def read_article_text(source_root: Path | InsideRoot, path: str) -> str:
    """An article's text (inside the root, strict UTF-8, bounded); SourceError when it is not."""
    inside = source_root if isinstance(source_root, InsideRoot) else InsideRoot(source_root)
    file = inside.resolve(path)
    if file is None:
        raise SourceError(path, 0, "article not found")
    return read_source_text(file, path)


def article_of_text(path: str, text: str) -> ArticleFile:
    """The article with its front matter parsed; BuildError with file:line when malformed."""
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
    return _without_surrogates(data, path), body_index + 1


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value: Any, path: str) -> Any:
    """YAML decodes `"\\ud83d\\ude42"` to two UTF-16 halves, which no UTF-8 output can hold:
    a pair becomes its character; a lone half is an error naming the file."""
    if isinstance(value, dict):
        return {key: _without_surrogates(item, path) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_surrogates(item, path) for item in value]
    if isinstance(value, str) and _SURROGATE.search(value):
        try:
            return value.encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeDecodeError:
            raise BuildError(f"{path}:2: front matter has a lone UTF-16 surrogate escape "
                             "(\\ud800-\\udfff); write the character itself") from None
    return value


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
        self.media: set[str] = set()  # images found in the source root, over all articles

    def render(self, article: ArticleFile) -> tuple[etree.Element, list]:
        """The article's element tree (raw HTML resolved to text) and the problems found."""
        self.md.reset()
        self.md.convert(include_line(article))
        root = self.md.privacy_kb_tree  # type: ignore[attr-defined]
        links = [link.target for link in self.md.docfx_links]  # type: ignore[attr-defined]
        _resolve_raw_html(root, self.md.htmlStash.rawHtmlBlocks, links)
        self.media.update(self.md.docfx_media)  # type: ignore[attr-defined]
        return root, list(self.md.docfx_problems)  # type: ignore[attr-defined]

    @property
    def last_media(self) -> tuple[str, ...]:
        """The images the last rendered article shows that exist inside the source root."""
        return tuple(self.md.docfx_media)  # type: ignore[attr-defined]

    @property
    def last_read(self) -> tuple[str, ...]:
        """Every source-root path the last rendered article looked up (itself, includes, code,
        images), found or not."""
        return tuple(self.md.docfx_read)  # type: ignore[attr-defined]


def include_line(article: ArticleFile) -> str:
    """The one-line page body that renders an article: a docset-root include of it."""
    title = article.title.replace("]", "").replace("[", "") or article.slug
    return f"[!INCLUDE [{title}](~/{article.path})]\n"


def _resolve_raw_html(root: etree.Element, stash: list[Any], links: list[str]) -> None:
    """Replace raw-HTML placeholders by the HTML's text, so sentences read as on the page.
    A raw HTML block can swallow DocFX markup whole: its node markers go, and its link tokens
    become their targets again, as the page shows them (docfx_render's leftover stage)."""

    def target(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return links[index] if index < len(links) else match.group(0)

    def text_of(match: re.Match[str]) -> str:
        index = int(match.group(1))
        html = str(stash[index]) if index < len(stash) else ""
        html = LINK_TOKEN_RE.sub(target, NODE_MARKER_ANYWHERE_RE.sub("", html))
        return _TAG.sub(" ", html).strip()

    for element in root.iter():
        if element.text and "\x02" in element.text:
            element.text = _RAW_HTML_PLACEHOLDER.sub(text_of, element.text)
        if element.tail and "\x02" in element.tail:
            element.tail = _RAW_HTML_PLACEHOLDER.sub(text_of, element.tail)
