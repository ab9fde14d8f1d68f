"""Search at scale, part of `make bench`: the entries of N article copies (as `kbtools.bench`
makes them), indexed for both runtimes without the MkDocs build, then timed.

`python -m kbtools.search_bench [--articles N] [--keep DIR]`

Prints: entries, analysis / Whoosh / browser-index seconds (wall clock, and CPU seconds of this
process, which a machine shared with other work inflates less), the same stages on the entries
of a quarter and a half of the copies (time per 1,000 entries stays flat when a stage is
linear in entries), index sizes, `privacy-kb search`
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
from privacy_kb.model import FaqEntry, Taxonomy
from privacy_kb.pipeline import collect
from privacy_kb.search_analysis import SearchCorpus

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


# The stages again on the entries of these shares of the copies: do they scale linearly?
SCALING_SHARES = (0.25, 0.5)


@dataclass
class StageTimes:
    """One run of the search stages: entries, and per stage (wall, CPU) seconds."""

    entries: int
    seconds: dict[str, tuple[float, float]]

    def row(self) -> str:
        """Per stage: wall seconds, and CPU seconds per 1,000 entries (flat when linear)."""
        per_k = 1000 / max(1, self.entries)
        return ", ".join(f"{stage} {wall:.1f} s (CPU {cpu * per_k:.2f} s per 1k)"
                         for stage, (wall, cpu) in self.seconds.items())  # fmt: skip


@dataclass
class SearchBench:
    entries: int
    seconds: dict[str, tuple[float, float]]
    scaling: list[StageTimes]
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
            *((f"index: {stage}", f"{wall:.1f} s (CPU {cpu:.1f} s)")
              for stage, (wall, cpu) in self.seconds.items()),
            *((f"index at {run.entries:,} entries", run.row()) for run in self.scaling),
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
    synthetic = make_synthetic_corpus(CORPUS_ROOT, work / "source", count)
    timer = _Timer()
    with timer:
        collected = collect(synthetic.root)
    site = work / "site"
    shutil.copytree(bundled, site)
    scaling = []
    for share in SCALING_SHARES:
        copies = set(synthetic.articles[: max(1, round(count * share))])
        entries = [e for e in collected.entries if e.source.path in copies]
        _progress(f"indexing the {len(entries)} entries of {len(copies)} copies")
        scaling.append(_stages(entries, collected.taxonomy, work / f"share-{share}")[0])
    _progress(f"indexing all {len(collected.entries)} entries")
    times, corpus = _stages(collected.entries, collected.taxonomy, site)
    seconds = {"collect (not search)": timer.seconds, **times.seconds}
    scaling.append(times)
    _progress(f"{len(corpus.entries)} entries indexed; searching")
    queries = questions * math.ceil(MIN_QUERIES / len(questions))
    query_ms = in_process_latency(index_dir_for(site), queries)
    process_ms = _processes(site, questions[0])
    _progress("searching in Chromium")
    browser_ms, first_bytes, first_ms = _in_browser(site, questions[:BROWSER_QUESTIONS])
    return SearchBench(
        entries=len(corpus.entries),
        seconds=seconds,
        scaling=scaling,
        whoosh_bytes=_bytes(index_dir_for(site)),
        browser_bytes=_bytes(site / BROWSER_INDEX_FOLDER),
        query_ms=query_ms,
        process_ms=process_ms,
        browser_ms=browser_ms,
        first_search_bytes=first_bytes,
        first_search_ms=first_ms,
    )


class _Timer:
    """Wall and CPU seconds of a `with` block."""

    def __enter__(self) -> _Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = (time.perf_counter() - self._wall, time.process_time() - self._cpu)


def _stages(entries: list[FaqEntry], taxonomy: Taxonomy, site: Path) -> tuple[StageTimes, SearchCorpus]:
    """The search stages of a build, timed: analysis, Whoosh index, browser index."""
    seconds = {}
    with (timer := _Timer()):
        corpus = analyse_entries(entries, taxonomy)
    seconds["analysis"] = timer.seconds
    with timer:
        write_index(entries, taxonomy, index_dir_for(site), corpus)
    seconds["Whoosh"] = timer.seconds
    with timer:
        write_browser_index(corpus, taxonomy, site)
    seconds["browser index"] = timer.seconds
    return StageTimes(len(corpus.entries), seconds), corpus


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
