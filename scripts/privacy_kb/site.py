"""MkDocs glue: write a config that INHERITs the top-level mkdocs.yml, then build in-process.

The generated `mkdocs.yml` (beside `docs_dir`) overrides only what depends on this build: the
folders, the theme's `custom_dir` (MkDocs resolves relative paths against the generated file,
not the inherited one) and the `privacy_kb.docfx` extension config (absolute source root, the
hosted article paths, the accepted upstream problems).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.utils.yaml import get_yaml_loader

from .collected import Collected
from .problems import BuildError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BASE_CONFIG = PROJECT_ROOT / "mkdocs.yml"
THEME_OVERRIDES = PROJECT_ROOT / "site_overrides"
GENERATED_CONFIG = "mkdocs.yml"


def render_site(
    collected: Collected, docs_dir: Path, site_dir: Path, *, strict: bool, site_url: str | None = None
) -> None:
    """Build the pages already in `docs_dir` (see `pages.write_pages`) into `site_dir`.

    `site_url`: the address the site is published at (canonical links, og:url, sitemap); None
    keeps mkdocs.yml's `site_url`, if any. Raises BuildError (one line) when MkDocs fails or,
    with `strict`, warns.
    """
    config_file = write_config(collected, docs_dir, site_dir, site_url=site_url)
    with _source_date_epoch(newest_ms_date(collected)), _warnings_of("mkdocs") as warnings:
        try:
            config = load_config(str(config_file), strict=strict)
            build(config)
        except MkDocsException as error:
            first = warnings[0] if warnings else str(error).strip().splitlines()[0]
            more = f" (+{len(warnings) - 1} more warnings)" if len(warnings) > 1 else ""
            raise BuildError(f"site build failed: {first}{more}") from None


def configured_site_url(site_url: str | None = None) -> str:
    """The address the site is published at: `site_url` (--site-url), else mkdocs.yml's
    `site_url`; "" when neither says (links then stay relative)."""
    if site_url:
        return site_url
    config = yaml.load(BASE_CONFIG.read_text(encoding="utf-8"), Loader=get_yaml_loader())
    return str((config or {}).get("site_url") or "")


def write_config(
    collected: Collected, docs_dir: Path, site_dir: Path, *, site_url: str | None = None
) -> Path:
    """The generated config, beside `docs_dir`; returns its path."""
    config: dict[str, object] = {
        "INHERIT": str(BASE_CONFIG),
        "docs_dir": str(docs_dir.resolve()),
        "site_dir": str(site_dir.resolve()),
        "theme": {"name": "material", "custom_dir": str(THEME_OVERRIDES)},
        "markdown_extensions": {
            "privacy_kb.docfx": {
                "source_root": str(Path(collected.source_root).resolve()),
                "hosted": [document.path for document in collected.documents],
                "known_problems": list(collected.known_problems),
            }
        },
    }
    if site_url:
        config["site_url"] = site_url if site_url.endswith("/") else site_url + "/"
    path = docs_dir.resolve().parent / GENERATED_CONFIG
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def newest_ms_date(collected: Collected) -> datetime | None:
    """The newest ms.date of the sources (MM/DD/YYYY), the site's reproducible build date."""
    dates = []
    for document in collected.documents:
        try:
            dates.append(datetime.strptime(document.ms_date, "%m/%d/%Y"))
        except ValueError:
            continue
    return max(dates).replace(tzinfo=UTC) if dates else None


@contextmanager
def _source_date_epoch(date: datetime | None) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH (MkDocs' build date, sitemap lastmod and gzip mtime) for a build."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(date.timestamp()) if date else 0)
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
