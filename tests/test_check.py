"""`privacy-kb check`: the built sites have no broken internal link, and breakage is caught."""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CONTENT
from privacy_kb.build import build
from privacy_kb.check import BrokenLink, check_site, refresh_target
from privacy_kb.cli import main
from privacy_kb.problems import BuildError

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SOURCE_PAGE = "sources/concept-data-privacy/index.html"
DELETED_PAGE = "deployments/claude/index.html"

# Injected into SOURCE_PAGE: each broken link with the reason the checker must give ...
BROKEN = [
    (
        '<a href="../../deployments/serverless-api/#no-such-entry">',
        "../../deployments/serverless-api/#no-such-entry",
        "no id 'no-such-entry' in deployments/serverless-api/index.html",
    ),
    (
        '<a href="../../questions/missing.html">',
        "../../questions/missing.html",
        "no such file: /questions/missing.html",
    ),
    (
        '<a href="#no-such-heading">',
        "#no-such-heading",
        f"no id 'no-such-heading' in {SOURCE_PAGE}",
    ),
    (
        '<a href="/sources/renamed/#why">',
        "/sources/renamed/#why",
        "no such file: /sources/renamed/",
    ),
    (
        '<img src="../../assets/images/missing.png">',
        "../../assets/images/missing.png",
        "no such file: /assets/images/missing.png",
    ),
    (
        '<meta http-equiv="refresh" content="0; URL=\'../gone/\'">',
        "../gone/",
        "no such file: /sources/gone/",
    ),
    ('<a href="../../../../etc/passwd">', "../../../../etc/passwd", "points outside the site"),
]
# ... and links that resolve or are not ours to check, which it must accept.
FINE = [
    '<a href="mailto:privacy@example.com">',
    '<a href="javascript:void(0)">',
    '<a href="//cdn.example/x.js">',
    '<script src="https://example.com/x.js"></script>',
    '<a href="#top">',
    '<a href="#">',
    '<a href="">',
    '<a href="../../">',
    '<a href="/questions/">',
    '<a href="/questions">',
    '<a href="../../index.html#kb-legacy">',
    '<a href="#kb-legacy">',
    '<a href="?q=x">',
    '<meta http-equiv="refresh" content="5">',
    '<meta http-equiv="refresh" content="0;url=../../questions/">',
    '<a href="../../api/entries.json#x">',
]


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("check") / "site"
    build(CONTENT, site, strict=True)
    return site


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} not present")
    site = tmp_path_factory.mktemp("check-corpus") / "site"
    build(CORPUS, site)  # lenient: the corpus has upstream gaps (missing media and includes)
    return site


@pytest.fixture
def broken_site(bundled_site: Path, tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(bundled_site, site)
    (site / DELETED_PAGE).unlink()
    page = site / SOURCE_PAGE
    text = page.read_text(encoding="utf-8")
    injected = "".join(tag for tag, _, _ in BROKEN) + "".join(FINE) + '<a name="kb-legacy"></a>'
    page.write_text(text.replace("</body>", injected + "</body>"), encoding="utf-8")
    index = site / "index.html"
    index.write_text(
        index.read_text(encoding="utf-8").replace("</body>", '<a id="kb-legacy"></a></body>')
    )
    return site


def test_the_bundled_site_has_no_broken_internal_link(bundled_site: Path) -> None:
    assert check_site(bundled_site) == []


def test_the_corpus_site_has_no_broken_internal_link(corpus_site: Path) -> None:
    assert len(list((corpus_site / "sources").iterdir())) == 11
    assert check_site(corpus_site) == []


def test_exactly_the_broken_links_are_reported(broken_site: Path) -> None:
    expected = {BrokenLink(SOURCE_PAGE, href, reason) for _, href, reason in BROKEN}
    expected |= _links_to_deleted_page(broken_site)
    assert len(expected) > len(BROKEN)  # the navigation of every page links the deleted one
    found = check_site(broken_site)
    assert found == sorted(expected)


def test_an_existing_asset_is_checked_not_ignored(bundled_site: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(bundled_site, site)
    (site / "assets" / "privacy-kb.css").unlink()
    found = check_site(site)
    assert found and {link.reason for link in found} == {"no such file: /assets/privacy-kb.css"}
    assert {link.page for link in found} >= {"index.html", SOURCE_PAGE, "404.html"}


@pytest.mark.parametrize(
    ("content", "target"),
    [
        ("0; url=../a/", "../a/"),
        ("3;URL='b.html#x'", "b.html#x"),
        ('0, url="c/"', "c/"),
        ("5", None),
        ("0; url=", None),
    ],
)
def test_refresh_target(content: str, target: str | None) -> None:
    assert refresh_target(content) == target


def test_a_folder_without_a_site_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="no built site here"):
        check_site(tmp_path)


def test_cli_exits_0_on_a_sound_site(bundled_site: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--site-dir", str(bundled_site)])
    assert result.exit_code == 0, result.output
    assert result.output == f"{bundled_site}: no broken internal links\n"


def test_cli_lists_each_broken_link_and_exits_1(broken_site: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--site-dir", str(broken_site)])
    assert result.exit_code == 1
    broken = check_site(broken_site)
    assert result.stdout.splitlines() == [
        f"{link.page}: {link.href} ({link.reason})" for link in broken
    ]
    pages = len({link.page for link in broken})
    assert (
        result.stderr
        == f"Error: {len(broken)} broken internal link(s) on {pages} page(s) of {broken_site}\n"
    )


def test_cli_says_when_there_is_no_site(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--site-dir", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "no built site here" in result.stderr and "privacy-kb build" in result.stderr


def _links_to_deleted_page(site: Path) -> set[BrokenLink]:
    """Independent of the checker: every href on any page whose path names the deleted page."""
    gone = posixpath.dirname(DELETED_PAGE)  # a directory URL
    expected = set()
    for path in site.rglob("*.html"):
        page = path.relative_to(site).as_posix()
        for href in re.findall(r'<a [^>]*href="([^"]*)"', path.read_text(encoding="utf-8")):
            link_path = href.split("#")[0]
            if "//" in link_path or not link_path:
                continue
            base = "" if link_path.startswith("/") else posixpath.dirname(page)
            if posixpath.normpath(posixpath.join(base, link_path.lstrip("/"))) == gone:
                expected.add(BrokenLink(page, href, f"no such file: /{gone}/"))
    return expected
