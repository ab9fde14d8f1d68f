"""The `privacy-kb` command line: build, search, serve. Domain errors become one-line messages."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .paths import one_line
from .problems import BuildError

# registry.REGISTRY_FILE, named here so that `privacy-kb search` never imports the registry (and
# the site code it uses): process start counts for a search (tests check the two agree).
REGISTRY_FILE = "published-urls.json"

DEFAULT_SOURCE = Path("content")
DEFAULT_SITE = Path("site")

site_dir_option = click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_SITE,
    show_default=True,
    help="Folder of the built site (the search index is kept inside it).",
)


def _one_line_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn domain errors into `Error: <file:line: what>` and exit code 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (BuildError, OSError) as error:
            raise click.ClickException(one_line(str(error) or type(error).__name__)) from None
        except RecursionError:
            raise click.ClickException("input nested too deeply to process") from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except Exception as error:  # never a traceback for a reader; the type says where to look
            raise click.ClickException(
                one_line(f"unexpected {type(error).__name__}: {error} (please report it)")
            ) from None

    return wrapper


@click.group()
@click.version_option(package_name="privacy-kb")
def main() -> None:
    """Microsoft Learn privacy articles as a searchable knowledge site."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    for name in ("privacy_kb", "mkdocs"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False


@main.command()
@click.option(
    "--source",
    type=click.Path(path_type=Path),
    default=DEFAULT_SOURCE,
    show_default=True,
    help="Source root holding articles/ (Learn articles with their includes).",
)
@site_dir_option
@click.option("--strict", is_flag=True, help="Fail on any problem not in the accepted list.")
@click.option(
    "--known-problems",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Accepted upstream problems, one 'path:line: what' a line "
    "[default: <source>/known-problems.txt].",
)
@click.option(
    "--registry",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Registry of published URLs: every URL it records must keep resolving (else the build "
    "fails), and the build adds its new URLs to it. An explicit FILE is created if missing. "
    "Beside it, the answers last published (published-urls.json → published-entries.json), "
    "which /changes/ compares with. "
    f"[default: <source>/{REGISTRY_FILE} when that file exists; a source without one, such as "
    "a read-only corpus, is built without a registry and nothing is written into it]",
)
@click.option(
    "--no-registry",
    is_flag=True,
    help="Build without the registry of published URLs (neither read nor written).",
)
@click.option(
    "--redirects",
    "redirect_maps",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    metavar="FILE",
    help="Microsoft .openpublishing.redirection.json: moved articles keep their old "
    "sources/<old-slug>/ URL as a redirect page (to our page, else to Learn). Repeatable.",
)
@click.option(
    "--site-url",
    metavar="URL",
    default=None,
    help="The absolute address the site is published at (https://…/), for canonical links and "
    "link previews (og:url). [default: site_url of mkdocs.yml; without one they are left out]",
)
@click.option(
    "-f",
    "--config-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The MkDocs configuration to build with (it lists the privacy-kb plugin). "
    "[default: ./mkdocs.yml when there is one, else the package's base configuration]",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep each article's parse and extraction here, keyed by the content of everything it "
    "depends on, so the next build parses only what changed. [default: .<site>.cache beside "
    "the site folder, never inside it]",
)
@click.option("--no-cache", is_flag=True, help="Parse every article; read and write no cache.")
@_one_line_errors
def build(
    source: Path,
    site_dir: Path,
    strict: bool,
    known_problems: Path | None,
    registry: Path | None,
    no_registry: bool,
    redirect_maps: tuple[Path, ...],
    site_url: str | None,
    config_file: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Parse the articles, extract entries, write the Whoosh index and the site.

    Example: privacy-kb build --source ../shared/corpus --site-dir /tmp/corpus-site --strict
    """
    from .build import build as run_build

    if no_registry and registry is not None:
        raise click.UsageError("--registry and --no-registry exclude each other")
    if site_url is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", site_url):
        raise click.BadParameter(f"{site_url!r} is not an absolute http(s) URL", param_hint="--site-url")
    if no_cache and cache_dir is not None:
        raise click.UsageError("--cache-dir and --no-cache exclude each other")
    registry_path = None if no_registry else registry or _default_registry(source)
    report = run_build(
        source,
        site_dir,
        strict=strict,
        known_problems_path=known_problems,
        registry_path=registry_path,
        redirect_maps=redirect_maps,
        site_url=site_url,
        config_file=config_file,
        cache_dir=None if no_cache else cache_dir or default_cache_dir(site_dir),
    )
    collected = report.collected
    click.echo(
        f"Built {site_dir}: {len(collected.documents)} article(s), "
        f"{len(collected.entries)} entries, "
        + ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in report.seconds.items())
    )
    if report.registry is not None:
        click.echo(
            f"Registry {registry_path}: {len(report.registry.urls)} published URL(s) kept working; "
            f"{len(report.kept_ids)} reworded entr{'y' if len(report.kept_ids) == 1 else 'ies'} "
            "kept their id"
        )
    if report.redirects:
        click.echo(f"Redirect pages: {len(report.redirects)} (upstream redirect maps)")
    for item in report.coverage:
        click.echo(f"  coverage {item.percent:5.1f}%  {item.sentences} sentences  {item.path}")
        for sentence in item.missing:
            click.echo(f"    not in any answer: {sentence}")
    unsure = [cell for cell in collected.cells if cell.unsure]
    decided = [cell for cell in collected.cells if cell.override]
    if unsure or decided:
        click.echo(f"Matrix cells: {len(unsure)} unsure (check them; content/overrides.yml "
                   f"decides a cell), {len(decided)} decided by overrides")
        for cell in unsure:
            click.echo(f"  unsure {cell.type_id} × {cell.facet_id}: {'; '.join(cell.unsure)}")
    if collected.problems:
        click.echo(f"Problems ({len(collected.problems)}; file:line: what; what was done):")
        for problem in collected.problems:
            accepted = "" if problem in report.unexpected else "  [accepted upstream problem]"
            click.echo(f"  {problem}{accepted}")


def default_cache_dir(site_dir: Path) -> Path:
    """`.<site>.cache` beside the site folder: outside what is published, one per site (as the
    build's lock and work folders beside it), and no need for a writable current folder."""
    site_dir = Path(os.path.abspath(site_dir))
    return site_dir.parent / f".{site_dir.name}.cache"


def _default_registry(source: Path) -> Path | None:
    """`<source>/published-urls.json` when it exists: a source that has none is not written to."""
    path = source / REGISTRY_FILE
    return path if path.is_file() else None


@main.command()
@click.argument("query")
@click.option("--type", "deployment_type", metavar="ID", help="Only entries of this deployment type.")
@click.option("--source", "source", metavar="SLUG", help="Only entries from this article (slug or path).")
@click.option("--limit", type=click.IntRange(1, 100), default=5, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract of PRODUCT.md.")
@site_dir_option
@_one_line_errors
def search(
    query: str,
    deployment_type: str | None,
    source: str | None,
    limit: int,
    as_json: bool,
    site_dir: Path,
) -> None:
    """Search the privacy questions and answers of a built site.

    Example: privacy-kb search "Is my data used for training with pay-as-you-go?" --limit 3
    """
    # Only the index and Whoosh: the search path never imports MkDocs or Markdown.
    from .index import index_dir_for
    from .search import SearchError, format_results
    from .search import search as run_search

    try:
        response = run_search(
            index_dir_for(site_dir), query, deployment_type=deployment_type, source=source, limit=limit
        )
    except SearchError as error:
        raise click.ClickException(str(error)) from None
    click.echo(response.to_json() if as_json else format_results(response))


@main.command()
@site_dir_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@_one_line_errors
def serve(site_dir: Path, host: str, port: int) -> None:
    """Serve a built site as static files (no rebuild on change: run `build` again)."""
    import http.server

    if not (site_dir / "index.html").is_file():
        raise BuildError(f"{site_dir}: no built site here; run `privacy-kb build` first")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site_dir))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        click.echo(f"Serving {site_dir} at http://{host}:{port}/ (Ctrl+C stops)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


@main.command()
@site_dir_option
@_one_line_errors
def check(site_dir: Path) -> None:
    """Check every internal link, asset and #anchor of a built site; exit 1 if any is broken.

    Example: privacy-kb check --site-dir /tmp/corpus-site
    """
    from .check import check_site

    broken = check_site(site_dir)
    for link in broken:
        click.echo(str(link))
    if broken:
        pages = len({link.page for link in broken})
        raise click.ClickException(
            f"{len(broken)} broken internal link(s) on {pages} page(s) of {site_dir}"
        )
    click.echo(f"{site_dir}: no broken internal links")
