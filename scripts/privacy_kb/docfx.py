"""DocFX-flavoured markdown (Microsoft Learn) as one Python-Markdown extension.

Used by the site render (mkdocs.yml `markdown_extensions: - privacy_kb.docfx: {...}`) and by the
extractor, which walks the ElementTree it produces. Use `markdown_extensions()` to get the exact
extension list both need.

A page names the article it renders with a docset-root include,
`[!INCLUDE [title](~/articles/ai-foundry/how-to/concept-data-privacy.md)]`; include processing is
how every line is known to come from a file, for relative links, media and `file:line` problems.

After `convert()` the Markdown instance carries (all reset by `md.reset()`):

| attribute | what |
|---|---|
| `md.docfx_problems` | `list[Problem]`, every problem found, once each |
| `md.docfx_front_matter` | `dict` of the top-level included article's front matter (`{}` if none) |
| `md.docfx_media` | `list[str]` of media paths (relative to `source_root`) the page uses |
| `md.docfx_nodes`, `md.docfx_links` | the constructs and link origins found (for debugging) |
| `md.docfx_read` | `list[str]` of every source-root path the page looked up (includes, code, images), found or not |

Problems are logged to `mkdocs.plugins.privacy_kb` (WARNING; INFO for `known_problems`), so that
`mkdocs build --strict` counts them. A caller with its own `privacy_kb.problems.Reporter` sets
`md.docfx_reporter = reporter` (it survives `reset()`): unknown problems then go to
`reporter.warn(...)` instead of being logged here.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.inlinepatterns import HtmlInlineProcessor

from .docfx_alerts import DocfxQuoteProcessor
from .docfx_inline import HTML_RE
from .docfx_linear import register_linear_links
from .docfx_render import (
    ControlCharacterPostprocessor,
    DocfxLeftoverPostprocessor,
    DocfxRenderTreeprocessor,
)
from .docfx_source import PAGE, Conversion, DocfxSourcePreprocessor
from .links import LinkResolver
from .problems import Problem

log = logging.getLogger("mkdocs.plugins.privacy_kb")

# Extensions the DocFX extension relies on (in this order), and why:
REQUIRED_EXTENSIONS = (
    "toc",  # heading ids, with Learn's slug algorithm
    "tables",  # pipe tables, also without leading/trailing pipes
    "md_in_html",  # bodies of zones, monikers, rows, columns, tabs are markdown inside <div>s
    "pymdownx.superfences",  # code fences nested in alerts and list items
    "pymdownx.emoji",  # `:smile:` as the character, as DocFX's default pipeline does
)


def markdown_extensions(
    source_root: str, hosted: list[str], known_problems: list[str] | None = None
) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The `extensions` and `extension_configs` for `markdown.Markdown`, as mkdocs.yml uses them.

    Example: `Markdown(extensions=exts, extension_configs=configs)` with
    `exts, configs = markdown_extensions("content", ["articles/ai-foundry/how-to/x.md"])`.
    """
    from pymdownx.emoji import to_alt

    from .learn import slugify

    configs: dict[str, dict[str, Any]] = {
        "toc": {"slugify": slugify},
        # GitHub's shortcodes, written as Unicode characters: no images from a CDN.
        "pymdownx.emoji": {"emoji_index": gemoji_index, "emoji_generator": to_alt},
        "privacy_kb.docfx": {
            "source_root": str(source_root),
            "hosted": list(hosted),
            "known_problems": list(known_problems or []),
        },
    }
    return [*REQUIRED_EXTENSIONS, "privacy_kb.docfx"], configs


class DocfxExtension(Extension):
    """DocFX includes, alerts, images, tabs, zones/monikers, rows/columns, code and links.

    | processor | kind | priority | replaces |
    |---|---|---|---|
    | `docfx_source` | preprocessor | 28 | - (after normalize_whitespace 30, before fences 25) |
    | `html` | inline pattern | 90 | Python-Markdown's `html` (CommonMark tag names) |
    | `reference` … `short_image_ref` | inline patterns | 170-125 | Python-Markdown's link and image patterns, with linear bracket matching (`docfx_linear`) |
    | `quote` | blockprocessor | 20 | the blockquote (DocFX sections: alerts, divs, videos) |
    | `docfx_render` | treeprocessor | 15 | - (after inline 20, before toc 5) |
    | `docfx_leftovers` | postprocessor | 25 | - (after raw_html 30: tokens inside raw HTML) |
    | `docfx_control` | postprocessor | 1 | - (last: no STX/ETX survives) |
    """

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "source_root": [".", "Folder holding `articles/...`; includes stay inside it."],
            "hosted": [(), "Article paths (relative to source_root) that the site hosts."],
            "known_problems": [(), 'Accepted problems, "path:line: what"; logged at INFO.'],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        self.md = md
        self.source_root = Path(self.getConfig("source_root"))
        self.known_problems = frozenset(self.getConfig("known_problems"))
        resolver = _link_resolver(tuple(self.getConfig("hosted")))
        if not hasattr(md, "docfx_reporter"):
            md.docfx_reporter = None
        self.reset()
        source = DocfxSourcePreprocessor(md, self._new_conversion)
        md.preprocessors.register(source, "docfx_source", 28)
        md.inlinePatterns.register(HtmlInlineProcessor(HTML_RE, md), "html", 90)
        register_linear_links(md)
        md.parser.blockprocessors.register(
            DocfxQuoteProcessor(md.parser, self._quote_too_deep), "quote", 20
        )
        md.treeprocessors.register(
            DocfxRenderTreeprocessor(md, resolver, self._current_conversion), "docfx_render", 15
        )
        md.postprocessors.register(
            DocfxLeftoverPostprocessor(md, self._current_conversion), "docfx_leftovers", 25
        )
        md.postprocessors.register(ControlCharacterPostprocessor(md), "docfx_control", 1)

    def reset(self) -> None:
        md = self.md
        md.docfx_problems = []
        md.docfx_front_matter = {}
        md.docfx_media = []
        md.docfx_nodes = []
        md.docfx_links = []
        md.docfx_read = []
        self._conversion: Conversion | None = None

    def _new_conversion(self) -> Conversion:
        self._conversion = Conversion(self.source_root, self._report)
        self.md.docfx_nodes = self._conversion.nodes
        self.md.docfx_links = self._conversion.links
        self.md.docfx_media = self._conversion.media
        self.md.docfx_read = self._conversion.read
        return self._conversion

    def _current_conversion(self) -> Conversion:
        if self._conversion is None:  # rendering without the preprocessor having run
            return self._new_conversion()
        self.md.docfx_front_matter = self._conversion.front_matter or {}
        return self._conversion

    def _quote_too_deep(self, block: str) -> None:
        self._report(PAGE, 0, "block quotes nested too deeply", "the rest shown as text")

    def _report(self, path: str, line: int, what: str, action: str, fatal: bool = False) -> None:
        problem = Problem(path, line, what, action, fatal)
        if problem in self.md.docfx_problems:
            return
        self.md.docfx_problems.append(problem)
        where = f"{path}:{line}" if line else path
        if fatal:
            log.error("%s", problem)  # the pipeline stops on these; MkDocs counts them too
        elif f"{where}: {what}" in self.known_problems or str(problem) in self.known_problems:
            log.info("%s", problem)
        elif self.md.docfx_reporter is not None:
            self.md.docfx_reporter.warn(path, line, what, action)
        else:
            log.warning("%s", problem)


def gemoji_index(options: dict[str, Any], md: Markdown) -> dict[str, Any]:
    """pymdownx's GitHub (Gemoji) index, built once and shared: `pymdownx.emoji.gemoji` deep-copies
    the whole table for every Markdown instance, which MkDocs makes per page (a quarter of the
    render's time at thousands of pages); the emoji extension only reads it."""
    return _gemoji()


@lru_cache(maxsize=1)
def _gemoji() -> dict[str, Any]:
    from pymdownx.emoji import gemoji

    return gemoji({}, None)


@lru_cache(maxsize=4)
def _link_resolver(hosted: tuple[str, ...]) -> LinkResolver:
    """One resolver per set of hosted articles: MkDocs makes a Markdown instance (so an
    extension) per page, and the resolver's page names cost a pass over every article."""
    return LinkResolver(hosted)


def makeExtension(**kwargs: Any) -> DocfxExtension:  # noqa: N802 (Python-Markdown's name)
    return DocfxExtension(**kwargs)
