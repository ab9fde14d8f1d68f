"""Running MkDocs for `privacy-kb build`: the project's mkdocs.yml (or the package's base
configuration), with the docs and site folders of this build and the privacy-kb plugin handed the
content already collected (plugin.py does the rest, as in `mkdocs build`)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from .dates import newest_ms_date, source_date_epoch
from .outputs import Outputs
from .pipeline import Prepared
from .plugin import PrivacyKbPlugin
from .problems import BuildError
from .resources import base_config_path

PLUGIN_NAME = "privacy-kb"
PROJECT_CONFIG = "mkdocs.yml"


def default_config_file() -> Path:
    """The project's `mkdocs.yml` in the current folder when there is one, else the package's
    base configuration (a build outside any project)."""
    project = Path(PROJECT_CONFIG)
    return project if project.is_file() else base_config_path()


def render_site(
    prepared: Prepared,
    docs_dir: Path,
    site_dir: Path,
    *,
    strict: bool,
    site_url: str | None = None,
    config_file: Path | None = None,
) -> tuple[Outputs, dict[str, float]]:
    """Build the site of `prepared` into `site_dir` with MkDocs and the privacy-kb plugin;
    returns what the plugin's outputs stage decided and the plugin's stage seconds.

    `docs_dir`: an empty folder (every page is generated). `site_url`: the address the site is
    published at (canonical links, og:url, sitemap, feed); None keeps the config's. Raises
    BuildError (one line) when MkDocs fails or, with `strict`, warns.
    """
    with _source_date_epoch(newest_ms_date(prepared.collected.documents)), _warnings_of("mkdocs") as warnings:
        try:
            config = site_config(config_file or default_config_file(), docs_dir, site_dir,
                                 strict=strict, site_url=site_url)
            plugin = _plugin(config, config_file or default_config_file())
            plugin.prepared = prepared
            build(config)
        except MkDocsException as error:
            first = warnings[0] if warnings else str(error).strip().splitlines()[0]
            more = f" (+{len(warnings) - 1} more warnings)" if len(warnings) > 1 else ""
            raise BuildError(f"site build failed: {first}{more}") from None
    assert plugin.outputs is not None
    return plugin.outputs, plugin.seconds


def site_config(
    config_file: Path, docs_dir: Path, site_dir: Path, *, strict: bool, site_url: str | None
) -> MkDocsConfig:
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    return load_config(str(config_file), docs_dir=str(docs_dir.resolve()),
                       site_dir=str(site_dir.resolve()), strict=strict, site_url=site_url)


def _plugin(config: MkDocsConfig, config_file: Path) -> PrivacyKbPlugin:
    plugin = config.plugins.get(PLUGIN_NAME)
    if not isinstance(plugin, PrivacyKbPlugin):
        raise BuildError(f"{config_file}: lists no `{PLUGIN_NAME}` plugin (plugins: [privacy-kb])")
    return plugin


@contextmanager
def _source_date_epoch(date: datetime | None) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH (MkDocs' build date, sitemap lastmod and gzip mtime) for a build."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(date)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


class _WarningList(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(" ".join(record.getMessage().split()))


@contextmanager
def _warnings_of(logger_name: str) -> Iterator[list[str]]:
    """Collects the warnings MkDocs logs, so a strict failure can name the first one."""
    messages: list[str] = []
    handler = _WarningList(messages)
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
