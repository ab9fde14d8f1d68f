"""Hostile sources: XSS vectors through every path into the built site, the JSON API and the
search indexes; symlinks out of the root; capped ids; duplicate file names; images published.

One real `build()` of a small source root with every vector of tests/xss_vectors.txt in the
article body, a table, alerts, headings, an include and the front matter's title and
description; then every published file is parsed and checked.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown import markdown as markdown_to_html

from conftest import ROOT
from privacy_kb.browser_index import read_browser_file
from privacy_kb.build import build, index_dir_for
from privacy_kb.cli import main
from privacy_kb.search import search

VECTORS = [
    line for line in (Path(__file__).parent / "xss_vectors.txt").read_text(encoding="utf-8")
    .splitlines() if line.strip() and not line.startswith("#")
]
MARK = "xssmark"
ARTICLE = "articles/hostile/how-to/hostile.md"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "data",
                  "poster", "cite", "srcset", "lowsrc", "dynsrc", "ping"}
BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data|livescript|mocha):", re.IGNORECASE)
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}


def _front_matter(title: str, description: str = "") -> list[str]:
    return ["---", f"title: {json.dumps(title)}", f"description: {json.dumps(description)}",
            "ms.date: 01/01/2026", "---", "", "# Hostile article", "",
            "Microsoft processes your prompts and stores data in the region.", ""]


def hostile_articles() -> dict[str, str]:
    """One article per path a vector can take (an unclosed raw HTML block swallows the rest of
    its article, so each path gets its own), and the include."""
    title = f"<script>alert('{MARK}')</script> Hostile \" onmouseover=\"alert('{MARK}') title"
    description = f"<img src=x onerror=alert('{MARK}')> described \" onfocus=\"alert('{MARK}')"
    body = _front_matter(title, description) + ["## Body", ""]
    for vector in VECTORS:
        body += [vector, ""]
    body += [f"[evil]: javascript:alert('{MARK}')", ""]
    table = _front_matter("Table") + ["## Table", "", "| Column | Value |", "|---|---|"]
    table += [f"| row {n} | {vector} |" for n, vector in enumerate(VECTORS)]
    alerts = _front_matter("Alerts") + ["## Alerts", ""]
    for vector in VECTORS:
        alerts += ["> [!NOTE]", f"> {vector}", ""]
    headings = _front_matter("Headings")
    for vector in VECTORS:
        headings += [f"## Heading {vector}", "", "Data is stored.", ""]
    included = _front_matter("Included") + [
        "## Included", "", "[!INCLUDE [hostile](../includes/hostile.md)]", ""
    ]
    return {
        ARTICLE: "\n".join(body) + "\n",
        "articles/hostile/how-to/table.md": "\n".join(table) + "\n",
        "articles/hostile/how-to/alerts.md": "\n".join(alerts) + "\n",
        "articles/hostile/how-to/headings.md": "\n".join(headings) + "\n",
        "articles/hostile/how-to/included.md": "\n".join(included) + "\n",
        "articles/hostile/includes/hostile.md": "\n\n".join(["Included text.", *VECTORS]) + "\n",
    }


def write_source(root: Path) -> Path:
    for path, text in hostile_articles().items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


class _Checker(HTMLParser):
    """Collects what would run script in a browser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "script":
            src = values.get("src") or ""
            if src and not re.match(r"^/?(?:\.\./)*(?:\./)?assets/", src):
                self.found.append(f"<script src={src!r}>")
            self._script = ""
        if tag == "meta" and "url=" in (values.get("content") or "").lower():
            target = (values.get("content") or "").lower().split("url=", 1)[1]
            if BAD_SCHEME.match(re.sub(r"[\s\x00-\x1f]", "", target)):
                self.found.append(f"<meta refresh {target!r}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value and BAD_SCHEME.match(
                re.sub(r"[\s\x00-\x1f]", "", value)
            ):
                self.found.append(f"<{tag} {name}={value[:40]!r}>")
            if name.startswith("data-md-") and MARK in (value or ""):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._script is not None and MARK in self._script:
            self.found.append(f"<{tag}> with {self._script[:60]!r}")
        if tag == "script":
            self._script = None


def script_in_html(text: str) -> list[str]:
    checker = _Checker()
    checker.feed(text)
    checker.close()
    return checker.found


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    source = write_source(folder / "source")
    build(source, folder / "site")
    return folder / "site"


def test_checker_finds_what_it_looks_for() -> None:
    """The oracle itself: the raw vectors are caught."""
    caught = [vector for vector in VECTORS if vector.startswith("<") and script_in_html(vector)]
    assert len(caught) >= 30


def test_no_script_in_any_published_page(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 5
    found = {page.relative_to(hostile_site).as_posix(): script_in_html(page.read_text("utf-8"))
             for page in pages}
    assert {page: bad for page, bad in found.items() if bad} == {}
    article = (hostile_site / "sources" / "hostile" / "index.html").read_text("utf-8")
    assert "markdown link" in article and "data attributes" in article  # text stays


def test_title_and_description_are_text_in_meta_tags(hostile_site: Path) -> None:
    page = (hostile_site / "sources" / "hostile" / "index.html").read_text("utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<script" not in title and "&lt;script&gt;" in title
    description = re.search(r'<meta name="description" content="([^"]*)"', page).group(1)
    assert "&lt;img" in description and "&quot; onfocus=&quot;" in description


def test_api_answers_link_nowhere_unsafe(hostile_site: Path) -> None:
    document = json.loads((hostile_site / "api" / "entries.json").read_text("utf-8"))
    assert document["entries"]
    for entry in document["entries"]:
        markdown = entry["answer"]["markdown"]
        unsafe = r"(?<!\\)\]\(\s*<?\s*(?:javascript|vbscript|data):"
        assert not re.search(unsafe, markdown, re.I), markdown
        assert not re.search(r"(?<!\\)<[A-Za-z!/]", markdown), markdown  # no raw HTML
        # A tool that renders the Markdown (raw HTML allowed, as Python-Markdown does) is safe.
        assert not script_in_html(markdown_to_html(markdown)), markdown


def test_search_indexes_hold_text_only(hostile_site: Path) -> None:
    response = search(index_dir_for(hostile_site), "alert xssmark data stored", limit=20)
    assert response.results
    entries = json.loads((hostile_site / "api" / "entries.json").read_text("utf-8"))["entries"]
    plain = {entry["id"]: entry["answer"]["text"] for entry in entries}
    for result in response.results:  # the Whoosh index answers with the plain text
        assert result.answer == plain[result.id]
    # The search box's index holds the same plain text, and its script shows it as text
    # (text nodes, never innerHTML), so markup in a source can't run in the results.
    meta = read_browser_file(hostile_site / "search" / "meta.json.gz")
    questions = {entry["id"]: entry["question"] for entry in entries}
    for number in range(meta["doc_shards"]):
        for doc in read_browser_file(hostile_site / "search" / f"docs-{number}.json.gz"):
            assert doc["question"] == questions[doc["id"]]
            assert all(sentence in plain[doc["id"]] for sentence in doc["sentences"]), doc
    script = (ROOT / "site_overrides" / "assets" / "privacy-kb-search.js").read_text("utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


# --- nothing from outside the source root ---------------------------------------------------


def _article(body: str, title: str = "T") -> str:
    return f"---\ntitle: {title}\nms.date: 01/01/2026\n---\n# {title}\n\n{body}\n"


def _cli_build(source: Path, site: Path):
    result = CliRunner().invoke(main, ["build", "--source", str(source), "--site-dir", str(site)])
    lines = result.output.strip().splitlines()
    return result, (lines[-1] if lines else "")


def test_symlinked_article_include_code_and_image_outside_the_root_are_errors(tmp_path: Path):
    secret = tmp_path / "secret.md"
    secret.write_text("TOP SECRET\n", encoding="utf-8")
    cases = {
        "article": ("link.md", secret, "Data."),
        "include": ("includes/inc.md", secret, "[!INCLUDE [x](includes/inc.md)]"),
        "code": ("sample.py", secret, ':::code language="python" source="sample.py":::'),
        "image": ("media/x.png", secret, ":::image type=\"content\" source=\"media/x.png\" "
                  "alt-text=\"x\":::"),
        "folder": ("sub", tmp_path, "Data."),
    }
    for name, (link, target, body) in cases.items():
        source = tmp_path / f"source-{name}" / "articles" / "docs"
        source.mkdir(parents=True)
        (source / "a.md").write_text(_article(body), encoding="utf-8")
        (source / link).parent.mkdir(parents=True, exist_ok=True)
        (source / link).symlink_to(target)
        result, message = _cli_build(source.parents[1], tmp_path / f"site-{name}")
        assert result.exit_code == 1, (name, result.output)
        assert message.startswith("Error: ") and "outside the source root" in message, name
        assert len(message) < 300 and "TOP SECRET" not in result.output
        assert not (tmp_path / f"site-{name}").exists()


def test_symlink_loops_are_one_line_errors(tmp_path: Path) -> None:
    source = tmp_path / "source" / "articles" / "docs"
    source.mkdir(parents=True)
    (source / "a.md").write_text(_article("[!INCLUDE [x](loop.md)]"), encoding="utf-8")
    (source / "loop.md").symlink_to(source / "loop.md")
    (source / "cycle").symlink_to(source)  # a folder cycle: walked once, not an error
    result, message = _cli_build(tmp_path / "source", tmp_path / "site")
    assert result.exit_code == 1 and "symlink loop" in message and len(message) < 300


# --- bounded work: long names, deep folders, empty, binary, huge ---------------------------


def test_long_heading_and_deep_folders_build_with_capped_ids(tmp_path: Path) -> None:
    deep = "/".join(f"folder{n:03d}" for n in range(100))
    source = tmp_path / "source"
    heading = "Is data stored " + "very " * 2000 + "long?"
    article = source / "articles" / "docs" / deep / "x.md"
    article.parent.mkdir(parents=True)
    article.write_text(_article(f"## {heading}\n\nMicrosoft stores data."), encoding="utf-8")
    (source / "articles" / "docs" / "empty.md").write_text("", encoding="utf-8")
    result, message = _cli_build(source, tmp_path / "site")
    assert result.exit_code == 0, result.output
    entries = json.loads((tmp_path / "site" / "api" / "entries.json").read_text("utf-8"))
    ids = [entry["id"] for entry in entries["entries"]]
    assert ids and all(len(entry_id.encode()) <= 100 for entry_id in ids)
    assert any(re.search(r"-[0-9a-f]{10}$", entry_id) for entry_id in ids)
    for path in (tmp_path / "site").rglob("*"):
        assert len(path.name.encode()) <= 105  # an id and its ".json"


@pytest.mark.parametrize(("content", "expected"), [
    (b"---\ntitle: T\n---\n# T\n\nText\x00binary\n", "a.md:6: a NUL byte"),
    (b"---\ntitle: T\n---\n# T\n\nCaf\xe9\n", "a.md:6: not valid UTF-8"),
])
def test_binary_and_non_utf8_articles_are_file_line_errors(tmp_path, content, expected) -> None:
    source = tmp_path / "source" / "articles" / "docs"
    source.mkdir(parents=True)
    (source / "a.md").write_bytes(content)
    result, message = _cli_build(tmp_path / "source", tmp_path / "site")
    assert result.exit_code == 1 and expected in message and len(message) < 300


def test_non_utf8_include_is_a_file_line_error_not_a_replacement_character(tmp_path) -> None:
    source = tmp_path / "source" / "articles" / "docs"
    (source / "includes").mkdir(parents=True)
    (source / "a.md").write_text(_article("[!INCLUDE [x](includes/i.md)]"), encoding="utf-8")
    (source / "includes" / "i.md").write_bytes(b"First line.\n\nCaf\xe9 au lait.\n")
    result, message = _cli_build(tmp_path / "source", tmp_path / "site")
    assert result.exit_code == 1, result.output
    assert "articles/docs/includes/i.md:3: not valid UTF-8" in message


def test_huge_file_is_refused_quickly(tmp_path: Path) -> None:
    source = tmp_path / "source" / "articles" / "docs"
    source.mkdir(parents=True)
    with (source / "a.md").open("wb") as file:
        file.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing them
    result, message = _cli_build(tmp_path / "source", tmp_path / "site")
    assert result.exit_code == 1 and "a.md: 52,428,800 bytes, more than" in message
    assert len(message) < 300



def test_huge_include_is_named_where_it_is_included(tmp_path: Path) -> None:
    source = tmp_path / "source" / "articles" / "docs"
    (source / "includes").mkdir(parents=True)
    (source / "a.md").write_text(_article("Text.\n\n[!INCLUDE [x](includes/big.md)]"), encoding="utf-8")
    with (source / "includes" / "big.md").open("wb") as file:
        file.truncate(50 * 1024 * 1024)
    result, message = _cli_build(tmp_path / "source", tmp_path / "site")
    assert result.exit_code == 1, result.output
    assert re.search(r"articles/docs/a\.md:\d+: included file `articles/docs/includes/big\.md`: "
                     r"52,428,800 bytes", message), message
    assert len(message) < 300

# --- the same file name in two folders; images ---------------------------------------------


def test_same_file_name_in_two_folders_builds_with_distinct_stable_ids(tmp_path: Path) -> None:
    source = tmp_path / "source"
    for docset in ("a", "b"):
        path = source / "articles" / docset / "how-to" / "x.md"
        path.parent.mkdir(parents=True)
        path.write_text(_article("Microsoft stores data.", title=f"X in {docset}"), "utf-8")
    first, second = tmp_path / "one", tmp_path / "two"
    for site in (first, second):
        result, _ = _cli_build(source, site)
        assert result.exit_code == 0, result.output
    pages = sorted(p.name for p in (first / "sources").iterdir())
    assert pages == ["b-how-to-x", "x"]
    assert "X in a" in (first / "sources" / "x" / "index.html").read_text("utf-8")
    assert "X in b" in (first / "sources" / "b-how-to-x" / "index.html").read_text("utf-8")
    ids = [json.loads((site / "api" / "entries.json").read_text("utf-8")) for site in (first, second)]
    assert ids[0] == ids[1]


def test_existing_image_is_published_and_passes_strict(tmp_path: Path) -> None:
    source = tmp_path / "source" / "articles" / "docs"
    (source / "media").mkdir(parents=True)
    (source / "media" / "p.png").write_bytes(PIXEL_PNG)
    body = (':::image type="content" source="media/p.png" alt-text="A pixel":::\n\n'
            "![inline](media/p.png)\n")
    (source / "a.md").write_text(_article(body), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--source", str(tmp_path / "source"),
                                       "--site-dir", str(tmp_path / "site"), "--strict"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "site" / "sources" / "a" / "index.html").read_text("utf-8")
    sources = re.findall(r'<img[^>]*src="([^"]+)"', page)
    assert len(sources) == 2
    for src in sources:
        assert (tmp_path / "site" / "sources" / "a" / src).resolve().read_bytes()[:4] == b"\x89PNG"


def test_a_long_line_under_a_paragraph_builds(tmp_path: Path) -> None:
    """Found by test_fuzz: a line over the length limit right under a paragraph line was bounded
    again at every recursion (RecursionError, or 14 GB of memory with backticks in it)."""
    source = tmp_path / "source" / "articles" / "docs"
    source.mkdir(parents=True)
    (source / "a.md").write_text(_article("Microsoft stores data.\n" + "w`o " * 50_000), "utf-8")
    result, _ = _cli_build(tmp_path / "source", tmp_path / "site")
    assert result.exit_code == 0, result.output[-300:]
