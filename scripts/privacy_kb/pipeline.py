"""Parse and extract stages for a whole source root: articles in, a `Collected` out; then what
the registry and the record of published answers add before any page is written (`prepare`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .aliases import by_page
from .cache import ArticleCache, ArticleResult, build_key
from .changes import History, history_path, load_history, next_history, with_last_changed
from .collected import Collected
from .extract import extract_article_cells
from .links import source_slugs
from .model import Taxonomy
from .overrides import OVERRIDES_FILE, CellOverride, load_overrides
from .paths import InsideRoot
from .problems import BuildError, Problem
from .redirects import Redirection, read_redirect_map
from .registry import Alias, Registry, load_registry, plan_aliases, stable_ids, with_ids
from .resources import default_taxonomy_path
from .sources import (
    ArticleFile,
    ArticleRenderer,
    article_of_text,
    discover_articles,
    read_article_text,
)
from .taxonomy import TAXONOMY_FILE, load_taxonomy

KNOWN_PROBLEMS_FILE = "known-problems.txt"


def collect(
    source_root: Path,
    *,
    taxonomy_path: Path | None = None,
    known_problems_path: Path | None = None,
    overrides_path: Path | None = None,
    cache_dir: Path | None = None,
) -> Collected:
    """Read every article under `source_root` and extract its sections and entries.

    The taxonomy is read from the source root when it has one, else the package's default (a
    corpus folder is read-only upstream text); likewise the accepted upstream problems, of
    which there is no default.
    The editors' cell overrides (`overrides.yml`) are read from the source root only: they pin
    sentences of that text, which another folder (an older revision, a corpus) need not have.
    `cache_dir`: keep each article's parse and extraction there and reuse it while the article,
    the files it reads and everything else it depends on are unchanged (cache.py); the result
    is the same as without.
    """
    source_root = source_root.resolve()
    paths = discover_articles(source_root)
    taxonomy = load_taxonomy(taxonomy_path or taxonomy_file(source_root))
    known = read_known_problems(known_problems_path or source_root / KNOWN_PROBLEMS_FILE)
    overrides = load_overrides(overrides_path or source_root / OVERRIDES_FILE, taxonomy)
    slugs = source_slugs(paths)  # unique page names, also where two files share a name
    cache = None
    if cache_dir is not None:
        key = build_key(taxonomy, overrides, known, tuple(sorted(slugs.items())))
        cache = ArticleCache(cache_dir, source_root, key)
    # Every article is read (and its front matter checked) before any is rendered.
    texts: dict[str, str] = {}
    cached: dict[str, ArticleResult] = {}
    articles: dict[str, ArticleFile] = {}
    inside = InsideRoot(source_root)
    for path in paths:
        texts[path] = read_article_text(inside, path)
        result = cache.lookup(path, texts[path]) if cache is not None else None
        if result is not None:
            cached[path] = result
        else:
            article = article_of_text(path, texts[path])
            articles[path] = dataclasses.replace(article, page_slug=slugs[path])
    renderer = ArticleRenderer(source_root, paths, list(known)) if articles else None
    results = []
    for path in paths:
        result = cached.get(path)
        if result is None:
            assert renderer is not None
            result = _parse_and_extract(renderer, articles[path], taxonomy, overrides)
        results.append(result)
    entries = tuple(entry for result in results for entry in result.entries)
    cells = tuple(cell for result in results for cell in result.cells)
    _check_unique_ids(entries)
    _check_overrides_used(overrides, cells)
    if cache is not None:  # only once the whole source is sound: a failed build writes nothing
        for path, result in zip(paths, results, strict=True):
            if path not in cached:
                cache.store(path, texts[path], result)
        cache.prune(paths)
    return Collected(
        source_root=source_root,
        taxonomy=taxonomy,
        documents=tuple(result.document for result in results),
        entries=entries,
        problems=tuple(sorted({p for result in results for p in result.problems})),
        known_problems=known,
        media=tuple(sorted({m for result in results for m in result.media})),
        cells=cells,
    )


def taxonomy_file(source_root: Path) -> Path:
    """The taxonomy a source root is built with: its own `taxonomy.yml`, else the default."""
    own = source_root / TAXONOMY_FILE
    return own if own.is_file() else default_taxonomy_path()


@dataclass(frozen=True)
class Prepared:
    """What a build knows before it writes a page: the content with its kept ids and last
    changes, and what the registry of published URLs and the upstream redirect maps ask for."""

    collected: Collected
    registry: Registry | None = None  # None: built without one
    registry_path: Path | None = None
    renames: dict[str, str] = field(default_factory=dict)  # natural id → recorded id
    history: History = field(default_factory=History)  # published answers, with this build
    redirections: tuple[Redirection, ...] = ()

    @property
    def withdrawn_ids(self) -> set[str]:
        """Recorded answers this build no longer has (their URLs get a "withdrawn" page)."""
        recorded = {e.id for e in self.registry.entries} if self.registry is not None else set()
        return recorded - {e.id for e in self.collected.entries}

    @cached_property
    def aliases(self) -> dict[str, list[Alias]]:
        """By page URL, the ids the registry recorded on a page that today's page must keep as
        aliases (registry.plan_aliases; {} without a registry). Worked out once, for the
        MkDocs pages and the answer pages alike."""
        if self.registry is None:
            return {}
        registry = self.registry.with_entries(self.collected, self.renames)
        return by_page(plan_aliases(self.collected, registry))


def prepare(
    source_root: Path,
    *,
    known_problems_path: Path | None = None,
    registry_path: Path | None = None,
    redirect_maps: Iterable[Path] = (),
    cache_dir: Path | None = None,
) -> Prepared:
    """Collect `source_root`, keep the recorded ids of reworded entries (registry.py) and note
    what changed since the answers last published (changes.py). Reads, never writes: the
    registry and the history are written by `privacy-kb build` once its site is in place.
    `cache_dir`: the per-article cache of parse and extraction (`collect`; None: none)."""
    collected = collect(source_root, known_problems_path=known_problems_path, cache_dir=cache_dir)
    redirections = tuple(r for path in redirect_maps for r in read_redirect_map(Path(path)))
    if registry_path is None:
        return Prepared(collected, redirections=redirections)
    registry = load_registry(registry_path)
    renames = stable_ids(collected, registry)
    collected = with_ids(collected, renames)
    history = next_history(load_history(history_path(registry_path)), collected)
    return Prepared(with_last_changed(collected, history), registry, registry_path, renames,
                    history, redirections)


def _parse_and_extract(
    renderer: ArticleRenderer, article: ArticleFile, taxonomy: Taxonomy,
    overrides: tuple[CellOverride, ...],
) -> ArticleResult:
    """Render one article and extract it; its first fatal problem stops the build."""
    tree, problems = renderer.render(article)
    fatal = next((problem for problem in problems if problem.fatal), None)
    if fatal is not None:
        raise BuildError(problem_key(fatal))
    document, entries, cells = extract_article_cells(article, tree, taxonomy, overrides)
    return ArticleResult(document, tuple(entries), tuple(cells), tuple(problems),
                         renderer.last_media, renderer.last_read)


def read_known_problems(path: Path) -> tuple[str, ...]:
    """Accepted upstream problems, one `path:line: what` per line; `#` starts a comment."""
    if not path.is_file():
        return ()
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def unexpected_problems(collected: Collected) -> list[Problem]:
    """Problems not on the accepted list: what `--strict` fails on."""
    return [p for p in collected.problems if problem_key(p) not in collected.known_problems]


def problem_key(problem: Problem) -> str:
    return f"{problem.path}:{problem.line}: {problem.what}"


def _check_overrides_used(overrides, cells) -> None:
    """An override of a type no article here speaks of would silently do nothing: name it."""
    decided = {(cell.type_id, cell.facet_id) for cell in cells if cell.override}
    for override in overrides:
        if (override.type_id, override.facet_id) not in decided:
            raise BuildError(f"{override.where}: cell {override.cell}: no article of this source "
                             f"speaks of {override.type_id} (taxonomy.yml `articles`)")


def _check_unique_ids(entries) -> None:
    seen: dict[str, str] = {}
    for entry in entries:
        where = f"{entry.source.path}:{entry.source.line_start}"
        if entry.id in seen:
            raise BuildError(f"{where}: entry id {entry.id!r} already used at {seen[entry.id]}")
        seen[entry.id] = where
