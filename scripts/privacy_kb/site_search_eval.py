"""How well the site's own search box answers plain-language questions, in headless Chromium.

Each question of `tests/questions.yml` is typed into Material's search box on the built site;
the results are read as a reader sees them: result groups in order and, inside a group, its
items by score (the group's page-only header is skipped unless it is the best item). A result
counts when the text of the section it links to contains the question's `answer_contains`.

Example: `python -m privacy_kb.site_search_eval --site-dir site` prints hit@1 / hit@3 and misses.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUESTIONS = Path(__file__).resolve().parents[2] / "tests" / "questions.yml"
SEARCH_INPUT = "input.md-search__input"

# The ranked result links as a reader sees them (collapsed "more" results excluded).
_READ_RESULTS = """() => {
  const ranked = [];
  for (const item of document.querySelectorAll(".md-search-result__list > li")) {
    const links = [...item.querySelectorAll(":scope > a.md-search-result__link")].map(a => ({
      href: a.href,
      score: parseFloat(a.querySelector("article").dataset.mdScore || "0"),
      teaser: a.querySelector("article > h1") === null
        || a.querySelector("article").textContent.trim().length >
           a.querySelector("article > h1").textContent.trim().length,
    }));
    links.sort((x, y) => y.score - x.score);
    for (const link of links) if (link.score > 0 && link.teaser) ranked.push(link.href);
  }
  return ranked;
}"""

# The text of the section an URL points at: its heading and what follows up to the next heading
# of the same or a higher level (the page's intro when there is no anchor).
_SECTION_TEXT = """(anchor) => {
  const article = document.querySelector("article.md-content__inner");
  let start = anchor ? document.getElementById(anchor) : article.querySelector("h1");
  if (!start) return "";
  while (start.parentElement !== article && start.parentElement) start = start.parentElement;
  const level = /^H[1-6]$/.test(start.tagName) ? +start.tagName[1] : 6;
  let text = start.textContent;
  for (let node = start.nextElementSibling; node; node = node.nextElementSibling) {
    const match = /^H([1-6])$/.exec(node.tagName);
    if (match && (+match[1] <= level || !anchor)) break;
    text += " " + node.textContent;
  }
  return text;
}"""


@dataclass(frozen=True)
class Question:
    text: str
    answers: tuple[str, ...]
    deployment_type: str | None = None


@dataclass
class Outcome:
    question: Question
    results: list[str]
    rank: int | None  # 1-based rank of the first right result


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def hit_at(self, k: int) -> float:
        hits = sum(1 for o in self.outcomes if o.rank is not None and o.rank <= k)
        return hits / len(self.outcomes) if self.outcomes else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "questions": len(self.outcomes),
            "hit@1": round(self.hit_at(1), 3),
            "hit@3": round(self.hit_at(3), 3),
            "misses": [
                {"q": o.question.text, "rank": o.rank, "top": o.results[:3]}
                for o in self.outcomes
                if o.rank != 1
            ],
        }


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    """Items with `q` (or `question`), `answer_contains` (text or list), optional type."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    questions = []
    for item in items:
        answers = item["answer_contains"]
        questions.append(Question(
            text=str(item.get("q", item.get("question", ""))),
            answers=tuple(answers) if isinstance(answers, list) else (str(answers),),
            deployment_type=item.get("deployment_type", item.get("type")),
        ))
    return questions


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


def search(page: Any, query: str) -> list[str]:
    """Type `query` into the site's search box; the ranked result URLs."""
    box = page.locator(SEARCH_INPUT)
    box.click()
    box.fill("")
    box.press("End")
    # Interval polling: requestAnimationFrame (the default) stalls in a background tab.
    page.wait_for_function(
        "() => !document.querySelector('.md-search-result__list > li')", polling=50
    )
    box.fill(query)
    box.press("End")  # Material reads the query on keyup
    page.wait_for_function(
        "() => document.querySelector('.md-search-result__list > li') ||"
        " /No matching/.test(document.querySelector('.md-search-result__meta').textContent)",
        polling=50,
    )
    return page.evaluate(_READ_RESULTS)


def evaluate(site_dir: Path, questions: list[Question]) -> Report:
    report = Report()
    with serve(site_dir) as base, chromium_page() as page:
        page.goto(base)
        sections = _SectionReader(page.context.new_page())
        for question in questions:
            results = search(page, question.text)
            rank = next(
                (i for i, url in enumerate(results, 1) if _is_right(question, url, sections)),
                None,
            )
            report.outcomes.append(Outcome(question, results, rank))
    return report


def _is_right(question: Question, url: str, sections: _SectionReader) -> bool:
    """The section at `url` contains the answer, and is about the question's deployment type
    when it has one (a type page's, or an answer page's `data-kb-types`; general entries pass)."""
    if (question.deployment_type and "/deployments/" in url
            and f"/deployments/{question.deployment_type}/" not in url):
        return False
    types = sections.types(url)
    if question.deployment_type and types and question.deployment_type not in types:
        return False
    text = " ".join(sections.text(url).split())
    return any(" ".join(answer.split()) in text for answer in question.answers)


class _SectionReader:
    """Reads the text of the section a result links to (each page loaded once)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.pages: dict[str, dict[str, str]] = {}
        self.page_types: dict[str, list[str]] = {}

    def text(self, url: str) -> str:
        location, anchor = self._load(url)
        return self.pages[location].get(anchor, "")

    def types(self, url: str) -> list[str]:
        """The deployment types of an answer's own page (`/questions/<id>/`), else none."""
        location, anchor = self._load(url)
        return [] if anchor else self.page_types[location]

    def _load(self, url: str) -> tuple[str, str]:
        location, _, anchor = url.partition("#")
        location = location.split("?", 1)[0]
        if location not in self.pages:
            self.page.goto(location)
            anchors = ["", *self.page.evaluate(
                "() => [...document.querySelectorAll('article.md-content__inner [id]')]"
                ".map(e => e.id)")]
            self.pages[location] = {a: self.page.evaluate(_SECTION_TEXT, a) for a in anchors}
            self.page_types[location] = self.page.evaluate(
                "() => (document.querySelector('article [data-kb-types]')?.dataset.kbTypes || '')"
                ".split(' ').filter(Boolean)")
        return location, anchor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=Path("site"))
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if not (args.site_dir / "search" / "search_index.json").is_file():
        print(f"{args.site_dir}: no built site (run `privacy-kb build` first)", file=sys.stderr)
        return 2
    report = evaluate(args.site_dir, load_questions(args.questions))
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(f"site search: {len(report.outcomes)} questions, "
              f"hit@1 {report.hit_at(1):.2f}, hit@3 {report.hit_at(3):.2f}")
        for miss in report.to_dict()["misses"]:
            print(f"  rank {miss['rank']}: {miss['q']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
