"""The per-article cache (privacy_kb.cache): a rebuild reuses what did not change, gives the same
bytes as a build without it, and never trusts an entry that is corrupt, stale, or that would
read outside the source root."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CONTENT
from privacy_kb.build import build
from privacy_kb.cache import CACHE_FORMAT_VERSION, ArticleCache, ArticleResult
from privacy_kb.cli import main
from privacy_kb.model import FaqEntry
from privacy_kb.pipeline import collect

CLAUDE = "articles/ai-foundry/responsible-ai/claude-models/data-privacy.md"
SAFETY = "articles/ai-foundry/responsible-ai/content-safety/data-privacy.md"
INCLUDE = "articles/ai-foundry/responsible-ai/includes/non-english-translation.md"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """Two small bundled articles with their includes and the accepted problems (the default
    taxonomy; no overrides: they pin cells of the articles left out)."""
    root = tmp_path / "source"
    for relative in (CLAUDE, SAFETY, INCLUDE, "articles/ai-foundry/includes/classic-banner.md",
                     "known-problems.txt"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CONTENT / relative, root / relative)
    return root


def site_bytes(site: Path) -> dict[str, bytes]:
    """Every file of the built site, the Whoosh index included (its files have fixed names, and
    entries read from the cache must give the bytes a fresh parse gives)."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


def entry_inodes(cache_dir: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in (cache_dir / "articles").glob("*.json")}


def reword(path: Path) -> None:
    """Change one word of a body sentence (not the front matter)."""
    text = path.read_text(encoding="utf-8")
    assert " data " in text
    path.write_text(text.replace(" data ", " information ", 1), encoding="utf-8")


def test_a_rebuild_after_one_edit_reuses_the_rest_and_equals_a_cold_build(
    source: Path, tmp_path: Path
) -> None:
    first = CliRunner().invoke(main, ["build", "--source", str(source),
                                      "--site-dir", str(tmp_path / "site")])
    assert first.exit_code == 0, first.output
    cache_dir = tmp_path / ".site.cache"  # the default: beside the site, never inside it
    before = entry_inodes(cache_dir)
    assert len(before) == 2
    assert not any(".cache" in p.name for p in (tmp_path / "site").rglob("*"))

    reword(source / CLAUDE)
    warm = build(source, tmp_path / "warm", cache_dir=cache_dir)
    cold = build(source, tmp_path / "cold")

    assert warm.collected == cold.collected
    assert site_bytes(tmp_path / "warm") == site_bytes(tmp_path / "cold")
    after = entry_inodes(cache_dir)
    rewritten = {name for name in after if after[name] != before[name]}
    assert rewritten == {ArticleCache(cache_dir, source, "").entry_file(CLAUDE).name}
    assert any("information" in e.answer_text for e in warm.collected.entries)


def test_an_edited_include_reparses_the_articles_that_read_it(source: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    collect(source, cache_dir=cache_dir)
    readers = [path for path in (CLAUDE, SAFETY)
               if INCLUDE in [named for named, _ in json.loads(_payload(cache_dir, source, path))["files"]]]
    assert readers  # the include is read by at least one of them
    before = entry_inodes(cache_dir)

    text = (source / INCLUDE).read_text(encoding="utf-8")
    (source / INCLUDE).write_text(text.replace("translation", "rendering", 1), encoding="utf-8")
    warm = collect(source, cache_dir=cache_dir)

    assert warm == collect(source)
    after = entry_inodes(cache_dir)
    rewritten = {name for name in after if after[name] != before[name]}
    names = {ArticleCache(cache_dir, source, "").entry_file(path).name for path in readers}
    assert rewritten == names


@pytest.mark.parametrize("damage", ["garbage", "truncated", "digest", "format", "key"])
def test_a_corrupt_or_stale_entry_is_parsed_again(
    source: Path, tmp_path: Path, damage: str
) -> None:
    cache_dir = tmp_path / "cache"
    cold = collect(source, cache_dir=cache_dir)
    file = ArticleCache(cache_dir, source, "").entry_file(CLAUDE)
    header, _, body = file.read_bytes().partition(b"\n")
    payload = json.loads(body)
    _set_first_question(payload, "A question the article never asked?")
    if damage == "garbage":
        file.write_bytes(b"\x00not json at all")
    elif damage == "truncated":
        file.write_bytes(header + b"\n" + body[: len(body) // 2])
    elif damage == "digest":  # the payload changed, its digest not
        file.write_bytes(header + b"\n" + json.dumps(payload).encode())
    elif damage == "format":
        file.write_bytes(_entry(payload, version=CACHE_FORMAT_VERSION + 1))
    else:  # written for other content: another key
        file.write_bytes(_entry({**payload, "key": "0" * 64}))

    again = collect(source, cache_dir=cache_dir)

    assert again == cold
    assert "never asked" not in file.read_text(encoding="utf-8")  # rewritten, valid again


def test_a_cached_entry_never_reads_outside_the_source_root(source: Path, tmp_path: Path) -> None:
    """An entry naming a file outside the root (by `..`, an absolute path or a symlink), with that
    file's true hash, is not used: the check resolves inside the root, as a parse does."""
    cache_dir = tmp_path / "cache"
    cold = collect(source, cache_dir=cache_dir)
    outside = tmp_path / "secret.md"
    outside.write_text("outside the source root\n", encoding="utf-8")
    link = "articles/ai-foundry/includes/link.md"  # an include folder: not an article
    (source / link).symlink_to(outside)
    digest = hashlib.sha256(outside.read_bytes()).hexdigest()
    file = ArticleCache(cache_dir, source, "").entry_file(CLAUDE)
    original = json.loads(file.read_bytes().partition(b"\n")[2])
    for named in ("../secret.md", str(outside), link):
        planted = json.loads(json.dumps(original))
        planted["files"].append([named, digest])
        _set_first_question(planted, "Planted?")
        file.write_bytes(_entry(planted))

        assert collect(source, cache_dir=cache_dir) == cold


def _set_first_question(payload: dict, question: str) -> None:
    """Changes the question of the first cached entry (a result is stored as field lists)."""
    entries = payload["result"][_index(ArticleResult, "entries")]
    entries[0][_index(FaqEntry, "question")] = question


def _index(cls: type, name: str) -> int:
    return [field.name for field in dataclasses.fields(cls)].index(name)


def _payload(cache_dir: Path, source: Path, path: str) -> bytes:
    return ArticleCache(cache_dir, source, "").entry_file(path).read_bytes().partition(b"\n")[2]


def _entry(payload: dict, version: int = CACHE_FORMAT_VERSION) -> bytes:
    body = json.dumps(payload).encode()
    header = json.dumps({"format": version, "digest": hashlib.sha256(body).hexdigest()})
    return header.encode() + b"\n" + body
