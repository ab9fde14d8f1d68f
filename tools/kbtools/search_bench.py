"""Search at scale, part of `make bench`: the entries of N article copies (as `kbtools.bench`
makes them), indexed for both runtimes without the MkDocs build, then timed.

`python -m kbtools.search_bench [--articles N] [--keep DIR]`

Prints: entries, analysis / Whoosh / browser-index seconds, index sizes, `privacy-kb search`
p50 / p95 in-process and the median of whole processes, and in headless Chromium (the bundled
site's pages with the N-article search index in place of its own): the time from the last
keystroke to the results shown, measured in the page (p50 / p95 over a sample of the development
questions), and the time and bytes transferred for the first search of a fresh page.
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from privacy_kb.browser_index import BROWSER_INDEX_FOLDER, write_browser_index
from privacy_kb.build import build, index_dir_for
from privacy_kb.index import analyse_entries, write_index
from privacy_kb.pipeline import collect

from .bench import in_process_latency
from .questions_eval import DEV_QUESTIONS, load_questions

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONTENT_ROOT = PROJECT_ROOT / "content"
CORPUS_ROOT = PROJECT_ROOT.parent / "shared" / "corpus"
MIN_QUERIES = 200
PROCESS_RUNS = 5
BROWSER_QUESTIONS = 30  # a sample: each question costs Playwright round trips, not the reader

_TRANSFERRED = """() => performance.getEntriesByType("resource")
  .filter(e => e.name.includes("/search/"))
  .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)"""


@dataclass
class SearchBench:
    entries: int
    seconds: dict[str, float]
    whoosh_bytes: int
    browser_bytes: int
    query_ms: list[float]
    process_ms: list[float]
    browser_ms: list[float]
    first_search_bytes: int
    first_search_ms: float

    def table(self) -> str:
        rows = [
            ("entries", f"{self.entries:,}"),
            *((f"index: {stage}", f"{seconds:.1f} s") for stage, seconds in self.seconds.items()),
            ("Whoosh index on disk", _mb(self.whoosh_bytes)),
            ("browser index on disk (gzipped)", _mb(self.browser_bytes)),
            ("privacy-kb search in-process p50 / p95",
             f"{_pct(self.query_ms, 50):.1f} / {_pct(self.query_ms, 95):.1f} ms"),
            ("privacy-kb search whole process (median)",
             f"{statistics.median(self.process_ms):.0f} ms"),
            ("search box: last keystroke to results p50 / p95",
             f"{_pct(self.browser_ms, 50):.0f} / {_pct(self.browser_ms, 95):.0f} ms"),
            ("search box: first search of a fresh page",
             f"{self.first_search_ms:.0f} ms, {_mb(self.first_search_bytes)} transferred"),
        ]  # fmt: skip
        width = max(len(label) for label, _ in rows)
        return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)


def run(count: int, work: Path) -> SearchBench:
    from .bench import make_synthetic_corpus

    questions = [q.q for q in load_questions(DEV_QUESTIONS)]
    _progress("building the bundled site (its pages host the search box)")
    bundled = work / "bundled-site"
    build(CONTENT_ROOT, bundled, registry_path=None)
    _progress(f"writing {count} article copies and collecting their entries")
    corpus_root = make_synthetic_corpus(CORPUS_ROOT, work / "source", count).root
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    collected = collect(corpus_root)
    seconds["collect (not search)"] = time.perf_counter() - start
    site = work / "site"
    shutil.copytree(bundled, site)
    start = time.perf_counter()
    corpus = analyse_entries(collected.entries, collected.taxonomy)
    seconds["analysis"] = time.perf_counter() - start
    start = time.perf_counter()
    write_index(collected.entries, collected.taxonomy, index_dir_for(site), corpus)
    seconds["Whoosh"] = time.perf_counter() - start
    start = time.perf_counter()
    write_browser_index(corpus, collected.taxonomy, site)
    seconds["browser index"] = time.perf_counter() - start
    _progress(f"{len(corpus.entries)} entries indexed; searching")
    queries = questions * math.ceil(MIN_QUERIES / len(questions))
    query_ms = in_process_latency(index_dir_for(site), queries)
    process_ms = _processes(site, questions[0])
    _progress("searching in Chromium")
    browser_ms, first_bytes, first_ms = _in_browser(site, questions[:BROWSER_QUESTIONS])
    return SearchBench(
        entries=len(corpus.entries),
        seconds=seconds,
        whoosh_bytes=_bytes(index_dir_for(site)),
        browser_bytes=_bytes(site / BROWSER_INDEX_FOLDER),
        query_ms=query_ms,
        process_ms=process_ms,
        browser_ms=browser_ms,
        first_search_bytes=first_bytes,
        first_search_ms=first_ms,
    )


def _processes(site: Path, query: str) -> list[float]:
    script = Path(sys.executable).with_name("privacy-kb")
    command = [str(script)] if script.is_file() else [
        sys.executable, "-c", "from privacy_kb.cli import main; main()"]
    timings = []
    for _ in range(PROCESS_RUNS):
        start = time.perf_counter()
        subprocess.run([*command, "search", query, "--json", "--site-dir", str(site)],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _in_browser(site: Path, questions: list[str]) -> tuple[list[float], int, float]:
    """(ms from the last keystroke to the results, per question; bytes and ms of the first
    search on a fresh page, index files included)."""
    from .site_search_eval import SEARCH_INPUT, chromium_page, search, serve

    timings = []
    with serve(site) as base, chromium_page() as page:
        page.goto(base)
        search(page, questions[0])
        first_ms = float(page.locator("[data-kb-search]").get_attribute("data-kb-ms"))
        first_bytes = page.evaluate(_TRANSFERRED)
        page.locator(SEARCH_INPUT).fill("")
        for question in questions:
            search(page, question)
            # Measured in the page, from the input event of the last key to the results shown
            # (Playwright's own round trips are not the reader's wait).
            timings.append(float(page.locator("[data-kb-search]").get_attribute("data-kb-ms")))
    return timings, int(first_bytes), first_ms


def _bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def _mb(size: int) -> str:
    return f"{size / 1e6:.2f} MB"


def _pct(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(percent / 100 * len(ordered)) - 1))]


def _progress(message: str) -> None:
    print(f"[search bench] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kbtools.search_bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, metavar="N")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="Work here and keep the files.")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        result = run(args.articles, args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="privacy-kb-search-bench-") as work:
            result = run(args.articles, Path(work))
    print(result.table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
