"""`make bench`: build N copies of the real corpus articles and print one table of timings,
sizes, search latency and search quality.

`python -m kbtools.bench [--articles N] [--keep DIR] [--profile]`

The synthetic source root holds N articles, copies of the articles of `../shared/corpus`
(round-robin) at `articles/<docset>/bench/copy-NNNN/<path inside the docset>`, each copy with
the corpus' include folders at the same relative places, so every include resolves as it does
upstream (and the two includes missing upstream stay missing). The source root has its own
`taxonomy.yml`: the bundled one with its `articles:` mapping rewritten so that every copy has the
deployment types of its original (a copy of an article the bundled taxonomy does not scope stays
untyped, as its original), so the copies fill the type pages, the matrix and the answer pages as a
real typed corpus would.

Also measured in the same run, for comparison: a plain `mkdocs build` of the same generated pages
(Material with our theme features, without the `privacy_kb.docfx` extension, so source pages keep
their raw include line); Material with `navigation.prune` building the same articles as a plain
MkDocs docs folder (their Markdown as it is, no privacy-kb: what a site of these articles costs
without us; the full build's ratio to it is the speed target); the collect stage of a second build
after one article changed (the per-article cache of the first build, cache.py, reused for the
others); and search quality on the bundled single-article site.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import logging
import math
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from privacy_kb.build import BuildReport, build, index_dir_for
from privacy_kb.collected import Collected
from privacy_kb.model import FaqEntry
from privacy_kb.pages import write_pages
from privacy_kb.pipeline import taxonomy_file
from privacy_kb.problems import Problem
from privacy_kb.resources import base_config_path
from privacy_kb.search import KnowledgeIndex
from privacy_kb.sources import discover_articles
from privacy_kb.taxonomy import TAXONOMY_FILE

from .questions_eval import DEFAULT_QUESTIONS, EvalReport, evaluate, load_questions

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONTENT_ROOT = PROJECT_ROOT / "content"
CORPUS_ROOT = PROJECT_ROOT.parent / "shared" / "corpus"
BENCH_FOLDER = "bench"  # inside each docset: articles/<docset>/bench/copy-NNNN/...
# Includes that do not exist upstream either (see ../shared/corpus/README.md); a copy reports
# them as its original does. Any other unresolved include means the copy layout is wrong.
KNOWN_MISSING_INCLUDES = frozenset({"feature-preview.md", "version-banner.md"})
MIN_QUERIES = 200
PROCESS_RUNS = 5

# The rows of the table, in order (the smoke test checks them).
ROWS = (
    "articles",
    "entries",
    "pipeline: parse+extract (collect)",
    "pipeline: pages",
    "pipeline: answer pages",
    "pipeline: entries JSON",
    "pipeline: index (Whoosh)",
    "pipeline total (all stages but MkDocs)",
    "MkDocs render (ours, privacy_kb.docfx)",
    "total build wall time",
    "plain mkdocs build (same pages)",
    "ratio ours/plain: MkDocs render",
    "ratio ours/plain: total build",
    "Material + navigation.prune (same articles)",
    "ratio full build ours / Material",
    "second build, one article changed: collect",
    "index size on disk",
    "site size on disk (without index)",
    "entries per second (pipeline)",
    "search in-process p50 / p95",
    "search process start (median)",
    "hit@1 / hit@3, bundled index",
    "MkDocs warnings ours / plain",
)


# --- the synthetic source root ---------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticCorpus:
    """A source root of `len(articles)` article copies; `originals[i]` is what `articles[i]`
    copies (paths relative to their roots)."""

    root: Path
    articles: tuple[str, ...]
    originals: tuple[str, ...]


def make_synthetic_corpus(
    corpus_root: Path, dest: Path, count: int, taxonomy_path: Path | None = None
) -> SyntheticCorpus:
    """Write `count` article copies (round-robin over the corpus' articles) into `dest`, with
    a taxonomy typing them like their originals (`taxonomy_path`: the one to derive it from,
    else the bundled one)."""
    taxonomy_path = taxonomy_path or taxonomy_file(CONTENT_ROOT)
    originals = discover_articles(corpus_root)
    article_set = set(originals)
    include_files = [
        path.relative_to(corpus_root).as_posix()
        for path in sorted((corpus_root / "articles").rglob("*.md"))
        if path.relative_to(corpus_root).as_posix() not in article_set
        and "includes" in path.relative_to(corpus_root).parts[:-1]
    ]
    articles: list[str] = []
    copied_from: list[str] = []
    for number in range(count):
        original = originals[number % len(originals)]
        copy_dir = _copy_dir(original, number)
        target = _in_copy(original, copy_dir)
        _copy(corpus_root / original, dest / target)
        for include in include_files:
            if _docset(include) == _docset(original):
                _copy(corpus_root / include, dest / _in_copy(include, copy_dir))
        articles.append(target)
        copied_from.append(original)
    corpus = SyntheticCorpus(dest, tuple(articles), tuple(copied_from))
    write_typed_taxonomy(taxonomy_path, corpus)
    return corpus


def write_typed_taxonomy(bundled: Path, corpus: SyntheticCorpus) -> None:
    """The source root's `taxonomy.yml`: `bundled` with `articles:` naming every copy with the
    types of its original (in the order of the copies; originals the bundled taxonomy does not
    scope give untyped copies)."""
    data = yaml.safe_load(bundled.read_text(encoding="utf-8"))
    types_of = {str(scope["path"]): list(scope["types"]) for scope in data.get("articles", ())}
    data["articles"] = [
        {"path": copy, "types": types_of[original]}
        for copy, original in zip(corpus.articles, corpus.originals, strict=True)
        if original in types_of
    ]
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
    (corpus.root / TAXONOMY_FILE).write_text(text, encoding="utf-8")


def _docset(path: str) -> str:
    """`articles/ai-foundry/how-to/x.md` -> `articles/ai-foundry`."""
    return "/".join(path.split("/")[:2])


def _copy_dir(original: str, number: int) -> str:
    return f"{_docset(original)}/{BENCH_FOLDER}/copy-{number:04d}"


def _in_copy(path: str, copy_dir: str) -> str:
    """Where a docset file goes inside a copy folder: its path below the docset, unchanged."""
    return f"{copy_dir}/{path.split('/', 2)[2]}"


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def unresolved_includes(problems: tuple[Problem, ...] | list[Problem]) -> list[Problem]:
    """Include problems other than the includes missing upstream: a wrong copy layout."""
    return [
        problem
        for problem in problems
        if "included file" in problem.what
        and not any(f"/{name}`" in problem.what for name in KNOWN_MISSING_INCLUDES)
    ]


# --- measuring -------------------------------------------------------------------------------


@dataclass
class BenchResult:
    """Everything the table shows (seconds, bytes, milliseconds)."""

    corpus: SyntheticCorpus
    report: BuildReport
    build_wall: float
    plain_mkdocs: float
    material_articles: float
    rebuild_collect: tuple[float, float]  # wall, CPU seconds
    index_bytes: int
    site_bytes: int
    query_ms: list[float]
    process_ms: list[float]
    bundled_quality: EvalReport
    warnings: dict[str, int] = field(default_factory=dict)
    unresolved: list[Problem] = field(default_factory=list)
    profile: str = ""


def run_bench(
    count: int,
    work: Path,
    *,
    corpus_root: Path = CORPUS_ROOT,
    content_root: Path = CONTENT_ROOT,
    questions_path: Path = DEFAULT_QUESTIONS,
    process_runs: int = PROCESS_RUNS,
    profile: bool = False,
    plain_pages: bool = True,
) -> BenchResult:
    """Run every measurement with its files under `work` (left there; the caller removes it)."""
    questions = load_questions(questions_path)
    _progress("building the bundled content (reference quality; warms imports)")
    bundled_site = work / "bundled-site"
    with _mkdocs_warnings():
        build(content_root, bundled_site)
    bundled_quality = evaluate(index_dir_for(bundled_site), questions)

    _progress(f"writing {count} article copies")
    corpus = make_synthetic_corpus(corpus_root, work / "source", count,
                                   taxonomy_file(content_root))
    site = work / "site"
    _progress(f"building {count} articles")
    profiler = cProfile.Profile() if profile else None
    with _mkdocs_warnings() as ours_warnings:
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        report = build(corpus.root, site, cache_dir=work / "cache")
        if profiler:
            profiler.disable()
        build_wall = time.perf_counter() - start
    stages = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in report.seconds.items())
    _progress(f"built {count} articles in {build_wall:.1f} s ({stages})")

    _progress("second build's collect, one article changed")
    rebuild_collect = changed_article_collect(corpus, work / "cache", report.collected)

    plain_mkdocs = 0.0
    with _mkdocs_warnings() as plain_warnings:
        if plain_pages:  # as long as our own MkDocs render: --no-plain-pages leaves it out
            _progress("plain mkdocs build of the same pages")
            plain_mkdocs = plain_mkdocs_build(report, work / "plain")
    _progress("Material with navigation.prune, the same articles")
    with _mkdocs_warnings():
        material_articles = material_articles_build(corpus, work / "material")

    _progress("searching")
    index_dir = index_dir_for(site)
    texts = [question.q for question in questions]
    repeats = math.ceil(MIN_QUERIES / max(1, len(texts)))
    query_ms = in_process_latency(index_dir, texts * repeats)
    process_ms = process_latency(site, texts[0], process_runs)
    index_bytes = folder_bytes(index_dir)
    return BenchResult(
        corpus=corpus,
        report=report,
        build_wall=build_wall,
        plain_mkdocs=plain_mkdocs,
        material_articles=material_articles,
        rebuild_collect=rebuild_collect,
        index_bytes=index_bytes,
        site_bytes=folder_bytes(site) - index_bytes,
        query_ms=query_ms,
        process_ms=process_ms,
        bundled_quality=bundled_quality,
        warnings={"ours": len(ours_warnings), "plain": len(plain_warnings)},
        unresolved=unresolved_includes(report.collected.problems),
        profile=_hotspots(profiler) if profiler else "",
    )


def plain_mkdocs_build(report: BuildReport, work: Path) -> float:
    """Seconds for MkDocs + Material alone over our generated pages (config load + build)."""
    docs_dir, site_dir = work / "docs", work / "site"
    write_pages(report.collected, docs_dir)
    config_file = work / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(plain_config(docs_dir, site_dir), sort_keys=False))
    start = time.perf_counter()
    mkdocs_build(load_config(str(config_file)))
    return time.perf_counter() - start


def changed_article_collect(
    corpus: SyntheticCorpus, cache_dir: Path, before: Collected
) -> tuple[float, float]:
    """Wall and CPU seconds of the collect stage of a second build (a new process, as a real
    one is: not this one, whose heap holds the first build) after one word of one article
    changed, with the cache the first build filled; the article is put back afterwards.
    RuntimeError when the change did not show (the cache would have served a stale article).
    CPU time is given too: on a shared machine it says more than the wall clock."""
    article = corpus.root / corpus.articles[0]
    original = article.read_bytes()
    text = original.decode("utf-8")
    body = text.find("\n---", 4) + 4  # after the front matter: a word an answer quotes
    changed = text[:body] + text[body:].replace(" data ", " information ", 1)
    if changed == text:
        raise RuntimeError(f"{corpus.articles[0]}: no word to change")
    article.write_text(changed, encoding="utf-8")
    try:
        output = subprocess.run(
            [sys.executable, "-c", _TIMED_COLLECT, str(corpus.root), str(cache_dir)],
            check=True, capture_output=True, text=True, env=_with_kbtools(os.environ),
        ).stdout
    finally:
        article.write_bytes(original)
    timing = json.loads(output)
    if timing["entries"] != len(before.entries) or timing["digest"] == _digest(before.entries):
        raise RuntimeError("the rebuild after a change did not show it")
    return timing["wall"], timing["cpu"]


def _with_kbtools(environment: Mapping[str, str]) -> dict[str, str]:
    """`environment` with this package's folder on PYTHONPATH (pytest puts it on sys.path only)."""
    tools = str(Path(__file__).resolve().parents[1])
    paths = [tools, *filter(None, [environment.get("PYTHONPATH", "")])]
    return {**environment, "PYTHONPATH": os.pathsep.join(paths)}


def _digest(entries: Iterable[FaqEntry]) -> str:
    text = json.dumps([entry.to_dict() for entry in entries], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# Run in a new process by `changed_article_collect`: times `collect`, prints JSON.
_TIMED_COLLECT = """
import json, sys, time
from pathlib import Path
from privacy_kb.pipeline import collect
from kbtools.bench import _digest
start, cpu = time.perf_counter(), time.process_time()
collected = collect(Path(sys.argv[1]), cache_dir=Path(sys.argv[2]))
wall, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"wall": wall, "cpu": cpu, "entries": len(collected.entries),
                  "digest": _digest(collected.entries)}))
"""


def material_articles_build(corpus: SyntheticCorpus, work: Path) -> float:
    """Seconds for Material with `navigation.prune` (and otherwise its defaults, search plugin
    included) building the same articles as a plain MkDocs docs folder, config load + build."""
    docs_dir = work / "docs"
    for article in corpus.articles:
        _copy(corpus.root / article, docs_dir / article)
    config_file = work / "mkdocs.yml"
    config = {
        "site_name": "Material, same articles",
        "docs_dir": str(docs_dir.resolve()),
        "site_dir": str((work / "site").resolve()),
        "theme": {"name": "material", "features": ["navigation.prune"]},
    }
    config_file.write_text(yaml.safe_dump(config, sort_keys=False))
    start = time.perf_counter()
    mkdocs_build(load_config(str(config_file)))
    return time.perf_counter() - start


def plain_config(docs_dir: Path, site_dir: Path) -> dict[str, Any]:
    """Material with our theme features (navigation.prune included), nav settings, search plugin
    and Markdown extensions, minus `privacy_kb.docfx`, our theme overrides and the options that
    name Python objects (our slugify, the emoji index)."""
    base = yaml.load(base_config_path().read_text(encoding="utf-8"), Loader=_IgnoreCustomTags)
    # Options given as `!!python/name:` (our slugify, the emoji index) read as None: dropped.
    extensions = {
        name: {key: value for key, value in (options or {}).items() if value is not None}
        for name, options in base["markdown_extensions"].items()
        if not name.startswith("privacy_kb")
    }
    return {
        "site_name": "plain",
        "docs_dir": str(docs_dir.resolve()),
        "site_dir": str(site_dir.resolve()),
        "use_directory_urls": base.get("use_directory_urls", True),
        "theme": {"name": "material", "features": base["theme"]["features"]},
        "plugins": [],  # neither privacy-kb nor a search plugin
        # Same navigation: pages the site keeps out of the nav stay out of it here too.
        **{key: base[key] for key in ("nav", "not_in_nav") if base.get(key)},
        "markdown_extensions": extensions,
        "validation": base.get("validation", {}),
    }


class _IgnoreCustomTags(yaml.SafeLoader):
    """Reads mkdocs.yml without resolving its `!!python/name:` and `!ENV` values, which the
    plain config does not use."""


for _prefix in ("tag:yaml.org,2002:python/", "!"):
    _IgnoreCustomTags.add_multi_constructor(_prefix, lambda loader, suffix, node: None)


def in_process_latency(index_dir: Path, queries: list[str]) -> list[float]:
    """Milliseconds per query over one open index (a first, untimed query warms it)."""
    timings = []
    with KnowledgeIndex(index_dir) as knowledge:
        knowledge.search(queries[0], limit=10)
        for query in queries:
            start = time.perf_counter()
            knowledge.search(query, limit=10)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def process_latency(site_dir: Path, query: str, runs: int) -> list[float]:
    """Milliseconds for whole `privacy-kb search --json` processes (start, open, query, print)."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [*_cli(), "search", query, "--json", "--site-dir", str(site_dir)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _cli() -> list[str]:
    """The installed console script beside this interpreter, else the same entry point."""
    script = Path(sys.executable).with_name("privacy-kb")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from privacy_kb.cli import main; main()"]


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


class _Counter(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _mkdocs_warnings() -> Iterator[list[str]]:
    """Counts MkDocs' warnings instead of printing thousands of them (raw include lines of the
    plain build are unrecognized links), then restores the logger."""
    messages: list[str] = []
    logger = logging.getLogger("mkdocs")
    handler, propagate = _Counter(messages), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _hotspots(profiler: cProfile.Profile, top: int = 20) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def _progress(message: str) -> None:
    print(f"bench: {message} ...", file=sys.stderr, flush=True)


# --- the table -------------------------------------------------------------------------------


def table_rows(result: BenchResult) -> list[tuple[str, str]]:
    """(label, value) in ROWS order."""
    seconds = result.report.seconds
    pipeline = sum(value for stage, value in seconds.items() if stage != "mkdocs")
    mkdocs = seconds.get("mkdocs", 0.0)
    entries = len(result.report.collected.entries)
    queries = result.query_ms
    values = (
        f"{len(result.report.collected.documents)}",
        f"{entries}",
        _s(seconds.get("collect", 0.0)),
        _s(seconds.get("pages", 0.0)),
        _s(seconds.get("answers", 0.0)),
        _s(seconds.get("entries", 0.0)),
        _s(seconds.get("index", 0.0)),
        _s(pipeline),
        _s(mkdocs),
        _s(result.build_wall),
        (f"{_s(result.plain_mkdocs)}  (Material, same features and pages, no docfx)"
         if result.plain_mkdocs else "-  (left out: --no-plain-pages)"),
        _ratio(mkdocs, result.plain_mkdocs),
        _ratio(result.build_wall, result.plain_mkdocs),
        f"{_s(result.material_articles)}  (their Markdown as a plain docs folder, no privacy-kb)",
        f"{_ratio(result.build_wall, result.material_articles)}  (target at most 3x; goal 1.3x)",
        f"{_s(result.rebuild_collect[0])}  ({_s(result.rebuild_collect[1])} CPU; the others from "
        "the first build's cache; target 2 s)",
        _mb(result.index_bytes),
        _mb(result.site_bytes),
        f"{entries / pipeline:,.0f}" if pipeline else "-",
        f"{_percentile(queries, 50):.1f} ms / {_percentile(queries, 95):.1f} ms"
        f"  ({len(queries)} queries, open index)",
        f"{statistics.median(result.process_ms):.0f} ms  (median of {len(result.process_ms)} runs)",
        _quality(result.bundled_quality),
        f"{result.warnings.get('ours', 0)} / {result.warnings.get('plain', 0)}",
    )
    return list(zip(ROWS, values, strict=True))


def format_table(result: BenchResult) -> str:
    rows = table_rows(result)
    width = max(len(label) for label, _ in rows)
    header = f"privacy-kb bench ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})"
    lines = [header, "-" * len(header)]
    lines += [f"{label.ljust(width)}  {value}" for label, value in rows]
    return "\n".join(lines)


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _ratio(ours: float, plain: float) -> str:
    return f"{ours / plain:.2f}x" if plain else "-"


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(percent / 100 * len(ordered)) - 1))]


def _quality(report: EvalReport) -> str:
    return (
        f"{report.hits_at_1}/{report.total} ({report.hit_at_1:.0%}) / "
        f"{report.hits_at_3}/{report.total} ({report.hit_at_3:.0%})"
    )


# --- command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kbtools.bench", description=__doc__)
    parser.add_argument("--articles", type=int, default=1000, metavar="N")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="Work here and keep the files.")
    parser.add_argument("--profile", action="store_true", help="Print cProfile hotspots of the build.")
    parser.add_argument("--no-plain-pages", dest="plain_pages", action="store_false",
                        help="Leave out the plain mkdocs build of our generated pages (it takes "
                        "about as long as our own MkDocs render).")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: the folder must be empty or new")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = run_bench(args.articles, args.keep.resolve(), profile=args.profile,
                           plain_pages=args.plain_pages)
    else:
        with tempfile.TemporaryDirectory(prefix="privacy-kb-bench-") as work:
            result = run_bench(args.articles, Path(work), profile=args.profile,
                               plain_pages=args.plain_pages)
    print(format_table(result))
    for problem in result.unresolved:
        print(f"unresolved include (copy layout is wrong): {problem}")
    if result.profile:
        print(result.profile)
    return 1 if result.unresolved else 0


if __name__ == "__main__":
    raise SystemExit(main())
