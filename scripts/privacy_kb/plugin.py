"""The `privacy-kb` MkDocs plugin: `plugins: [privacy-kb]` makes `mkdocs build` and `mkdocs serve`
build the whole site from a folder of Learn articles.

Thin on purpose: each event hands plain data to the pipeline's stages and back.

- `on_config`: collect the articles (pipeline.prepare: parse, extract, kept ids, what changed),
  configure the DocFX extension with the source root, put the package's theme overrides on the
  theme's search path;
- `on_files`: the generated pages (outputs.generated_pages) and the images they show become the
  site's Files, in place of whatever the docs folder holds (the source root itself, in the
  repository: every page is generated from it);
- `on_serve`: watch the source root and the taxonomy, so `mkdocs serve` rebuilds after an edit;
- `on_post_build`: the answer pages (answer_pages.write_answer_pages), then the feed, JSON API,
  Whoosh index, search box index, redirects and the registry's check that every published URL
  still resolves (outputs.write_outputs).

`privacy-kb build` runs MkDocs with this plugin too (site.py), after collecting the articles
itself (`prepared`): it adds `--strict` on problems, writing the registry, and the atomic swap.
Here the registry of published URLs is read, never written.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, file_sort_key
from mkdocs.structure.pages import Page

from .aliases import FRONT_MATTER_KEY
from .answer_pages import write_answer_pages
from .dates import newest_ms_date, source_date_epoch
from .outputs import Outputs, generated_pages, media_files, write_outputs
from .pipeline import Prepared, prepare, taxonomy_file
from .problems import BuildError
from .registry import REGISTRY_FILE
from .resources import theme_dir

DOCFX_EXTENSION = "privacy_kb.docfx"
ALIASES_EXTENSION = "privacy_kb.aliases"  # the ids a page once had (aliases.py)
SANITIZE_EXTENSION = "privacy_kb.sanitize"  # last: every page's HTML through nh3


class PrivacyKbConfig(Config):
    # The source root: Learn articles and their includes (`articles/…`), optionally with its
    # own taxonomy.yml, overrides.yml, known-problems.txt and published-urls.json.
    source = c.Optional(c.Dir(exists=True))
    # Microsoft `.openpublishing.redirection.json` files whose old article URLs get redirects.
    redirect_maps = c.ListOfItems(c.File(exists=True), default=[])
    # Where each article's parse and extraction is kept between builds (cache.py), so a rebuild
    # after an edit parses only what changed; none when unset.
    cache_dir = c.Optional(c.Dir(exists=False))


class PrivacyKbPlugin(BasePlugin[PrivacyKbConfig]):
    def __init__(self) -> None:
        # Set by `privacy-kb build` before it runs MkDocs; else collected in on_config.
        self.prepared: Prepared | None = None
        self.outputs: Outputs | None = None
        self.seconds: dict[str, float] = {}
        self._dated = False  # whether this plugin set SOURCE_DATE_EPOCH

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.use_directory_urls:
            raise PluginError("privacy-kb: its URLs are directory URLs; set use_directory_urls: true")
        if self.prepared is None:
            self.prepared = self._prepare()
        collected = self.prepared.collected
        # Reproducible bytes (sitemap lastmod, gzip mtime) unless the caller dated the build;
        # undone after the build (`mkdocs serve` builds again in the same process).
        if "SOURCE_DATE_EPOCH" not in os.environ:
            os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(newest_ms_date(collected.documents))
            self._dated = True
        # The articles' problems are logged as MkDocs renders their pages (privacy_kb.docfx),
        # where `mkdocs build --strict` counts them.
        _configure_extensions(config, {
            "source_root": str(Path(collected.source_root).resolve()),
            "hosted": [document.path for document in collected.documents],
            "known_problems": list(collected.known_problems),
        })
        # Our templates below a project's custom_dir (a project may override them), above
        # Material's.
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(theme_dir()))
        return config

    def _prepare(self) -> Prepared:
        if not self.config.source:
            raise PluginError("privacy-kb: no `source` folder of articles in the plugin's config")
        source = Path(self.config.source)
        registry = source / REGISTRY_FILE
        try:
            return prepare(
                source,
                registry_path=registry if registry.is_file() else None,
                redirect_maps=[Path(path) for path in self.config.redirect_maps],
                cache_dir=Path(self.config.cache_dir) if self.config.cache_dir else None,
            )
        except BuildError as error:
            raise PluginError(str(error)) from None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """The generated pages and the images they show; the theme's files stay, the docs
        folder's own files (the source articles, in the repository) do not become pages."""
        start = time.perf_counter()
        assert self.prepared is not None
        docs_dir = os.path.abspath(config.docs_dir)
        kept = [file for file in files
                if file.abs_src_path is None or not _inside(file.abs_src_path, docs_dir)]
        generated = [File.generated(config, path, content=text)
                     for path, text in generated_pages(self.prepared).items()]
        media = [File.generated(config, path, abs_src_path=str(source))
                 for path, source in media_files(self.prepared.collected).items()]
        self.seconds["pages"] = time.perf_counter() - start
        # In the order MkDocs reads a docs folder: the navigation comes out the same.
        return Files(kept + sorted(generated + media, key=file_sort_key))

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """The page's alias map (its front matter, aliases.py) for the aliases extension: MkDocs
        makes the page's Markdown instance from `mdx_configs` right after this event."""
        config.mdx_configs[ALIASES_EXTENSION] = {"aliases": page.meta.get(FRONT_MATTER_KEY) or {}}
        return markdown

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:
        assert self.prepared is not None
        source_root = Path(self.prepared.collected.source_root)
        server.watch(str(source_root))
        server.watch(str(taxonomy_file(source_root)), recursive=False)
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        assert self.prepared is not None
        try:
            # First the answer pages (not MkDocs pages: answer_pages.py), which the registry's
            # check below must find.
            start = time.perf_counter()
            write_answer_pages(self.prepared.collected, config, Path(config.site_dir),
                               aliases=self.prepared.aliases)
            self.seconds["answers"] = time.perf_counter() - start
            self.outputs = write_outputs(self.prepared, Path(config.site_dir), config.site_url or "")
        except BuildError as error:
            raise PluginError(str(error)) from None
        finally:
            self._undate()

    def on_build_error(self, *, error: Exception) -> None:
        self._undate()

    def _undate(self) -> None:
        if self._dated:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
            self._dated = False


def _configure_extensions(config: MkDocsConfig, docfx_options: dict[str, object]) -> None:
    """The DocFX extension with this build's options (added when the config lacks it), and the
    sanitiser last, whatever the config lists after it."""
    extensions = [name for name in config.markdown_extensions
                  if name not in (ALIASES_EXTENSION, SANITIZE_EXTENSION)]
    if DOCFX_EXTENSION not in extensions:
        extensions.append(DOCFX_EXTENSION)
    config.markdown_extensions = [*extensions, ALIASES_EXTENSION, SANITIZE_EXTENSION]
    config.mdx_configs[DOCFX_EXTENSION] = docfx_options
    config.mdx_configs[ALIASES_EXTENSION] = {"aliases": {}}


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([os.path.abspath(path), folder]) == folder
