"""Where the package's own data is: read through importlib.resources, never through a path into
the checkout, so an installed package (`pip install .`) finds it as the repository does.

The data are folders MkDocs reads by path (the theme overrides) or files read whole, so they must
be real files: pip installs packages unzipped, and a zipped install is refused with a clear error.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from .problems import BuildError

BASE_CONFIG_NAME = "mkdocs.yml"
TAXONOMY_NAME = "taxonomy.yml"


def _folder(package: str) -> Path:
    folder = files(package)
    if not isinstance(folder, Path):  # a zip or another loader: MkDocs needs real folders
        raise BuildError(f"{package}: package data is not a folder on disk ({folder!r})")
    return folder


def theme_dir() -> Path:
    """The Material theme overrides (templates, partials, our search box's assets)."""
    return _folder("privacy_kb.theme")


def schema_path(name: str) -> Path:
    """A JSON Schema of the published contracts (`entries.schema.json`, `search.schema.json`)."""
    return _folder("privacy_kb.schemas") / name


def base_config_path() -> Path:
    """The base MkDocs configuration `privacy-kb build` uses when no mkdocs.yml is given."""
    return _folder("privacy_kb.data") / BASE_CONFIG_NAME


def default_taxonomy_path() -> Path:
    """The taxonomy of Foundry deployment types and privacy facets, for a source root without
    its own `taxonomy.yml`."""
    return _folder("privacy_kb.data") / TAXONOMY_NAME
