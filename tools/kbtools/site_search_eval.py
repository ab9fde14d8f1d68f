"""How well the site's own search box answers plain-language questions, in headless Chromium.

Each question is typed into the search box of the built site (`partials/kb-search.html`, ranked
in the browser by `assets/privacy-kb-search.js`); the results are read as a reader sees them:
each result's entry id, its passage (shown first) and its deployment types, in order. They are
judged as `privacy-kb search`'s are (`questions_eval.judge`: on the passage, and on the whole
answer, read from the entries the site publishes), and compared with the command line's ranking:
the share of questions whose first result is the same entry in both runtimes.

Example: `python -m kbtools.site_search_eval --site-dir site` (a site built by
`privacy-kb build`, whose Whoosh index the command line side uses).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .questions_eval import DEV_QUESTIONS, BenchQuestion, EvalReport, Shown, judge, load_questions

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SEARCH_INPUT = "[data-kb-search] input.md-search__input"
SEARCH_BOX = "[data-kb-search]"

# The results as shown: entry id, passage, the deployment type names and the score.
_READ_RESULTS = """() => [...document.querySelectorAll("[data-kb-search] a.kb-result")].map(a => ({
  id: a.dataset.kbId,
  url: a.href,
  passage: a.querySelector(".kb-result__passage").textContent,
  question: a.querySelector(".kb-result__question").textContent,
  meta: a.querySelector(".kb-result__meta").textContent,
  path: a.dataset.kbPath,
  score: parseFloat(a.dataset.kbScore || "0"),
  types: (a.dataset.kbTypes || "").split(" ").filter(Boolean),
}))"""


@dataclass(frozen=True)
class SiteOutcome:
    """The search box's answers to every question, judged, and how often its first result is
    the command line's first result."""

    report: EvalReport
    same_first: int  # questions whose first result is the same entry in both runtimes
    compared: int
    differences: tuple[tuple[str, str | None, str | None], ...]  # (question, site, cli)
    median_ms: float  # from the last keystroke to the results shown

    @property
    def agreement(self) -> float:
        return self.same_first / self.compared if self.compared else 0.0

    def summary(self) -> str:
        lines = [
            f"site search box: {self.report.summary()}",
            f"same first result as `privacy-kb search`: {self.same_first}/{self.compared} "
            f"({self.agreement:.0%}); results shown a median {self.median_ms:.0f} ms after the "
            "last keystroke",
        ]
        lines += [f"  differs: {q!r}: site {site}, cli {cli}" for q, site, cli in self.differences]
        return "\n".join(lines)


@contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """The built site over HTTP on 127.0.0.1 (an ephemeral port), in a thread."""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def chromium_page(permissions: tuple[str, ...] = ()) -> Iterator[Any]:
    """A headless Chromium page (Debian's chromium, no network beyond what the page asks),
    granted `permissions` (e.g. "clipboard-read") on every origin."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900},
                                          permissions=list(permissions))
            yield context.new_page()
        finally:
            browser.close()


def search(page: Any, query: str) -> list[dict[str, Any]]:
    """Type `query` into the site's search box (as a reader: one key at a time is too slow for
    a hundred questions, so the text is filled and the last key typed); the results shown."""
    box = page.locator(SEARCH_INPUT)
    if not page.evaluate("(s) => document.querySelector(s) === document.activeElement", SEARCH_INPUT):
        box.click()
    box.fill(query[:-1] if len(query) > 1 else "")
    box.press("End")
    box.type(query[-1:])
    page.wait_for_function(
        "([s, q]) => { const b = document.querySelector(s);"
        " return b.getAttribute('data-kb-query') === q && !b.hasAttribute('aria-busy'); }",
        arg=[SEARCH_BOX, query], polling=20,
    )
    return page.evaluate(_READ_RESULTS)


def evaluate(
    site_dir: Path,
    questions: Sequence[BenchQuestion],
    answers: dict[str, str],
    cli_first: Sequence[str | None] = (),
    page: Any = None,
    base: str | None = None,
) -> SiteOutcome:
    """Every question through the search box; `answers` (entry id → answer text) to judge on
    the whole answer; `cli_first`, the command line's first result per question, to compare.
    Give an open `page` and the site's `base` URL to reuse a browser (tests)."""
    if page is None or base is None:
        with serve(site_dir) as served, chromium_page() as opened:
            return evaluate(site_dir, questions, answers, cli_first, opened, served)
    rankings: list[list[Shown]] = []
    timings: list[float] = []
    page.goto(base)
    for question in questions:
        start = time.perf_counter()
        shown = search(page, question.q)
        timings.append((time.perf_counter() - start) * 1000)
        rankings.append([
            Shown(r["id"], r["passage"], answers.get(r["id"], ""), tuple(r["types"]),
                  r["path"], r["score"])
            for r in shown
        ])  # fmt: skip
    report = judge(questions, rankings, timings)
    site_first = [ranking[0].id if ranking else None for ranking in rankings]
    compared = list(zip(questions, site_first, cli_first, strict=False))
    differences = tuple((q.q, site, cli) for q, site, cli in compared if site != cli)
    return SiteOutcome(
        report=report,
        same_first=len(compared) - len(differences),
        compared=len(compared),
        differences=differences,
        median_ms=report.median_ms,
    )


def main(argv: list[str] | None = None) -> int:
    from privacy_kb.index import index_dir_for

    from .questions_eval import evaluate as evaluate_cli

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=Path("site"))
    parser.add_argument("--questions", type=Path, default=DEV_QUESTIONS)
    args = parser.parse_args(argv)
    entries_json = args.site_dir / "api" / "entries.json"
    if not (args.site_dir / "search" / "meta.json.gz").is_file() or not entries_json.is_file():
        print(f"{args.site_dir}: no built site (run `privacy-kb build` first)", file=sys.stderr)
        return 2
    entries = json.loads(entries_json.read_text(encoding="utf-8"))["entries"]
    answers = {entry["id"]: entry["answer"]["text"] for entry in entries}
    questions = load_questions(args.questions)
    cli = evaluate_cli(index_dir_for(args.site_dir), questions)
    print(f"privacy-kb search: {cli.summary()}")
    print(evaluate(args.site_dir, questions, answers, cli.top_ids).summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
