"""The registry of published URLs: once the site has published a URL, later builds keep it working.

`content/published-urls.json` records every page, entry anchor and source heading anchor a build
published, and per entry what it needs to be recognised after Microsoft rewords its source: the
article, kind, deployment types, facets, the Learn heading anchors it has had, the natural ids it
has had and a MinHash fingerprint of its answer. A build

1. keeps recorded ids for reworded entries (`stabilize_ids`, plain data, before any page is
   written),
2. publishes the ids an entry or a heading had before as aliases on the new page (`plan_aliases`;
   aliases.py writes them into the generated pages before they are rendered),
3. proves that every recorded URL still resolves, directly, through an alias or a redirect page
   (`unresolved_urls`), and only then
4. records the new URLs (`Registry.updated`, written beside the old file and swapped in).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .check import parse_page
from .collected import Collected
from .model import FaqEntry
from .problems import BuildError
from .records import load_records, records_text
from .redirects import moved_pages, write_redirects
from .urls import answer_page, built_page_url, entry_url, html_file, source_page

REGISTRY_FORMAT_VERSION = 1
REGISTRY_FILE = "published-urls.json"

# Two answers are "the same entry" when the estimated Jaccard similarity of their word bigrams is
# at least this. Measured on the bundled article, 2024-12-19 → 2026-01-26: reworded sections
# score 0.72-0.95, different sections of the same article at most 0.03.
SIMILARITY_THRESHOLD = 0.5
_MINHASH_SIZE = 32
_MERSENNE = (1 << 61) - 1
_WORD = re.compile(r"\w+", re.UNICODE)
# Kinds of entries whose source anchor is a whole section's heading (fact entries quote a section
# but do not stand for it, so they say nothing about where a heading went).
_SECTION_KINDS = ("section", "question-heading")
_TITLE_ID = re.compile(r'<h1\b[^>]*\sid="([^"]+)"')
# An alias target standing for the page's title (its <h1>), whatever its id is in this build
# (a "#" is in no id we write).
PAGE_TITLE = "#title"


# --- the records ---------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class PublishedUrl:
    """One URL the site has published, site-relative (`deployments/serverless-api/#<id>`)."""

    url: str
    kind: str  # "page" | "entry" | "entry-page" | "title" | "heading" | "redirect"
    id: str  # the entry id, heading anchor, or the page's last path segment ("" for home)

    @property
    def page(self) -> str:
        return self.url.split("#", 1)[0]

    @property
    def fragment(self) -> str:
        return self.url.split("#", 1)[1] if "#" in self.url else ""


@dataclass(frozen=True, order=True)
class RecordedEntry:
    """What identifies an entry across rewordings of its source."""

    id: str
    article: str  # source path, relative to the source root
    kind: str
    deployment_types: tuple[str, ...]
    facets: tuple[str, ...]
    anchors: tuple[str, ...]  # every Learn heading anchor its section has had (section kinds)
    natural_ids: tuple[str, ...]  # ids derived from later wordings, published as aliases
    fingerprint: str  # MinHash of the answer's word bigrams, hex

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RecordedEntry:
        return cls(
            id=data["id"],
            article=data["article"],
            kind=data["kind"],
            deployment_types=tuple(data["deployment_types"]),
            facets=tuple(data["facets"]),
            anchors=tuple(data.get("anchors", ())),
            natural_ids=tuple(data.get("natural_ids", ())),
            fingerprint=data["fingerprint"],
        )


@dataclass(frozen=True)
class Registry:
    """Every URL published so far, and the entries behind the entry anchors."""

    urls: tuple[PublishedUrl, ...] = ()
    entries: tuple[RecordedEntry, ...] = ()

    def entry(self, entry_id: str) -> RecordedEntry | None:
        return self._entries_by_id.get(entry_id)

    @cached_property
    def _entries_by_id(self) -> dict[str, RecordedEntry]:
        """Indexed once: a build looks up every entry of the site."""
        by_id: dict[str, RecordedEntry] = {}
        for entry in self.entries:
            by_id.setdefault(entry.id, entry)
        return by_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": REGISTRY_FORMAT_VERSION,
            "urls": [dataclasses.asdict(u) for u in sorted(self.urls)],
            "entries": [e.to_dict() for e in sorted(self.entries)],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Registry:
        return cls(
            urls=tuple(PublishedUrl(**u) for u in data.get("urls", ())),
            entries=tuple(RecordedEntry.from_dict(e) for e in data.get("entries", ())),
        )

    def with_entries(self, collected: Collected, natural_ids: Mapping[str, str]) -> Registry:
        """Entry records following the sources: an entry of this build gets its current facts and
        keeps the anchors and natural ids it had; an entry gone from the build keeps its record."""
        recorded = {e.id: e for e in self.entries}
        natural_by_stable = {stable: natural for natural, stable in natural_ids.items()}
        for entry in collected.entries:
            recorded[entry.id] = recorded_entry(
                entry, recorded.get(entry.id), natural_by_stable.get(entry.id)
            )
        return Registry(urls=self.urls, entries=tuple(sorted(recorded.values())))

    def with_urls(self, urls: Iterable[PublishedUrl]) -> Registry:
        """Plus the URLs of a build; a URL, once recorded, is never dropped."""
        return Registry(urls=tuple(sorted(set(self.urls) | set(urls))), entries=self.entries)


def recorded_entry(entry: FaqEntry, before: RecordedEntry | None, natural_id: str | None) -> RecordedEntry:
    anchors = set(before.anchors if before else ())
    if entry.kind in _SECTION_KINDS:
        anchors.add(entry.source.anchor)
    natural = set(before.natural_ids if before else ())
    if natural_id and natural_id != entry.id:
        natural.add(natural_id)
    return RecordedEntry(
        id=entry.id,
        article=entry.source.path,
        kind=entry.kind,
        deployment_types=entry.deployment_types,
        facets=entry.facets,
        anchors=tuple(sorted(anchors)),
        natural_ids=tuple(sorted(natural)),
        fingerprint=fingerprint(entry.answer_text),
    )


# --- reading and writing -------------------------------------------------------------------


def load_registry(path: Path | None) -> Registry:
    """The registry at `path`; an empty one when there is no file (a first build)."""
    registry = load_records(path, REGISTRY_FORMAT_VERSION, "registry",
                            "a registry of published URLs", Registry.from_dict)
    return Registry() if registry is None else registry


def registry_text(registry: Registry) -> str:
    """Deterministic JSON with one record a line, so a build's additions diff as added lines."""
    return records_text(registry.to_dict(), ("urls", "entries"))


def stage_registry(registry: Registry, path: Path) -> Path | None:
    """Write `registry` beside `path` (to be renamed into place by `commit_registry`);
    None when the file already says exactly this."""
    text = registry_text(registry)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return None
    staged = path.with_name(f".{path.name}.new")
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_text(text, encoding="utf-8", newline="\n")
    return staged


def commit_registry(staged: Path | None, path: Path) -> None:
    if staged is not None:
        staged.replace(path)


# --- similarity ----------------------------------------------------------------------------


def _permutations() -> list[tuple[int, int]]:
    """Fixed (a, b) pairs of the MinHash's universal hashes, derived from their index."""
    pairs = []
    for index in range(_MINHASH_SIZE):
        digest = hashlib.blake2b(f"privacy-kb minhash {index}".encode(), digest_size=16).digest()
        pairs.append((int.from_bytes(digest[:8], "big") % _MERSENNE or 1,
                      int.from_bytes(digest[8:], "big") % _MERSENNE))
    return pairs


_PERMUTATIONS = _permutations()


def fingerprint(text: str) -> str:
    """MinHash (32 × 16 bits, hex) of the word bigrams of `text`: small, and enough to estimate
    the Jaccard similarity of two answers to within ±0.1."""
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i:i + 2]) for i in range(max(1, len(words) - 1))}
    hashes = [
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles
    ]
    values = [min((a * h + b) % _MERSENNE for h in hashes) & 0xFFFF for a, b in _PERMUTATIONS]
    return "".join(f"{value:04x}" for value in values)


def similarity(first: str, second: str) -> float:
    """Estimated Jaccard similarity of two fingerprints (share of equal MinHash values)."""
    a = [first[i:i + 4] for i in range(0, len(first), 4)]
    b = [second[i:i + 4] for i in range(0, len(second), 4)]
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


# --- stable ids ----------------------------------------------------------------------------


def stable_ids(collected: Collected, registry: Registry) -> dict[str, str]:
    """Natural id → recorded id, for entries whose id is new while a recorded id of the same
    article has vanished and stands for the same content.

    An id matched once stays matched (the natural id is remembered); otherwise the candidates are
    recorded entries of the same article, kind, deployment types and facets, and the best answer
    similarity at or above SIMILARITY_THRESHOLD wins, one to one, best pairs first.
    """
    natural = {entry.id for entry in collected.entries}
    recorded_ids = {e.id for e in registry.entries}
    vanished = [e for e in registry.entries if e.id not in natural]
    newcomers = [entry for entry in collected.entries if entry.id not in recorded_ids]
    renames: dict[str, str] = {}
    claimed: set[str] = set()
    remembered = {n: r.id for r in vanished for n in r.natural_ids}
    for entry in newcomers:
        if entry.id in remembered and remembered[entry.id] not in claimed:
            renames[entry.id] = remembered[entry.id]
            claimed.add(remembered[entry.id])
    vanished_of: dict[str, list[RecordedEntry]] = defaultdict(list)  # a match is of its article
    for record in vanished:
        vanished_of[record.article].append(record)
    pairs = []
    for entry in newcomers:
        if entry.id in renames:
            continue
        answer_print = fingerprint(entry.answer_text)
        for record in vanished_of.get(entry.source.path, ()):
            if record.id not in claimed and _same_kind(entry, record):
                score = similarity(answer_print, record.fingerprint)
                if score >= SIMILARITY_THRESHOLD:
                    pairs.append((-score, entry.id, record.id))
    for _, natural_id, recorded_id in sorted(pairs):
        if natural_id not in renames and recorded_id not in claimed:
            renames[natural_id] = recorded_id
            claimed.add(recorded_id)
    return renames


def _same_kind(entry: FaqEntry, record: RecordedEntry) -> bool:
    return (
        entry.source.path == record.article
        and entry.kind == record.kind
        and set(entry.deployment_types) == set(record.deployment_types)
        and set(entry.facets) == set(record.facets)
    )


def with_ids(collected: Collected, renames: Mapping[str, str]) -> Collected:
    """`collected` with entries renamed (natural id → recorded id)."""
    if not renames:
        return collected
    entries = tuple(
        dataclasses.replace(e, id=renames[e.id]) if e.id in renames else e for e in collected.entries
    )
    return dataclasses.replace(collected, entries=entries)


def stabilize_ids(collected: Collected, registry: Registry) -> Collected:
    """`collected` with the recorded id kept for every reworded entry (see `stable_ids`)."""
    return with_ids(collected, stable_ids(collected, registry))


# --- what a build publishes ----------------------------------------------------------------


def built_pages(site_dir: Path) -> list[str]:
    """URLs of the site's pages (folders with an index.html, not the 404 page nor dot folders)."""
    urls = []
    for path in site_dir.rglob("index.html"):
        relative = path.relative_to(site_dir)
        if not any(part.startswith(".") for part in relative.parts):
            urls.append(built_page_url(relative.as_posix()))
    return sorted(urls)


def published_urls(collected: Collected, site: SiteIds, redirects: Iterable[str] = ()) -> list[PublishedUrl]:
    """Every URL this build publishes that resolves in it: pages, entry anchors (and entry
    pages when they exist), and the Learn heading anchors of source pages."""
    redirect_pages = set(redirects)
    urls = []
    entry_pages = set()
    for entry in collected.entries:
        url = entry_url(entry)
        if site.resolves(url):
            urls.append(PublishedUrl(url, "entry", entry.id))
        own_page = answer_page(entry.id)
        if site.resolves(own_page):
            urls.append(PublishedUrl(own_page, "entry-page", entry.id))
            entry_pages.add(own_page)
            title = site.title_id(own_page)
            if title:  # the heading anchor of the page's title: a wiki may link to it too
                urls.append(PublishedUrl(f"{own_page}#{title}", "title", entry.id))
    for page in site.pages:
        kind = "redirect" if page in redirect_pages else "page"
        if page not in entry_pages:
            urls.append(PublishedUrl(page, kind, page.rstrip("/").rsplit("/", 1)[-1]))
    for document in collected.documents:
        page = source_page(document.slug)
        for section in document.sections:
            url = f"{page}#{section.anchor}"
            if site.resolves(url):
                urls.append(PublishedUrl(url, "heading", section.anchor))
    return sorted(set(urls))


class SiteIds:
    """The pages of a built site and, read on demand, the element ids of each."""

    def __init__(self, site_dir: Path, redirects: Mapping[str, str] | None = None) -> None:
        self.site_dir = site_dir
        self.pages = built_pages(site_dir)
        self._page_set = set(self.pages)
        self._ids: dict[str, set[str]] = {}
        self.redirects = dict(redirects or {})  # page URL → target (site-relative or absolute)

    def has_page(self, page: str) -> bool:
        return page in self._page_set

    def ids(self, page: str) -> set[str]:
        if page not in self._ids:
            html = (self.site_dir / html_file(page)).read_text(encoding="utf-8", errors="replace")
            self._ids[page] = parse_page(html).ids
        return self._ids[page]

    def title_id(self, page: str) -> str:
        """The id of the page's title (its first <h1>), "" when it has none."""
        if page not in self._page_set:
            return ""
        html = (self.site_dir / html_file(page)).read_text(encoding="utf-8", errors="replace")
        match = _TITLE_ID.search(html)
        return match.group(1) if match else ""

    def forget(self, page: str) -> None:
        self._ids.pop(page, None)

    def resolves(self, url: str, depth: int = 0) -> bool:
        """Whether `url` lands on a page (and element) of the site, following redirect pages."""
        page, _, fragment = url.partition("#")
        if page not in self._page_set or depth > 5:
            return False
        if page in self.redirects:
            target = self.redirects[page]
            if "://" in target:
                return True  # leaves the site (Learn): nothing of ours to check
            target_page, _, target_fragment = target.partition("#")
            return self.resolves(f"{target_page}#{target_fragment or fragment}".rstrip("#"), depth + 1)
        return not fragment or fragment in self.ids(page)


def unresolved_urls(registry: Registry, site: SiteIds) -> list[PublishedUrl]:
    """Recorded URLs the site no longer resolves (directly, through an alias or a redirect)."""
    return [record for record in registry.urls if not site.resolves(record.url)]


# --- aliases -------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Alias:
    """An old id kept working on a page: an empty anchor right before the element `target`."""

    page: str  # page URL
    old_id: str
    target: str  # id of the element it stands for (PAGE_TITLE: the page's <h1>)
    fallback: str = ""  # where to land when `target` is not on the page ("": nowhere)


def plan_aliases(collected: Collected, registry: Registry) -> list[Alias]:
    """Aliases for entries whose natural id differs from their kept id, for the Learn heading
    anchors their sections had before (source pages), for the title ids answer pages had
    before, and for the anchors of withdrawn answers (their facet on the type page, else the
    page's title)."""
    slug_of = {d.path: d.slug for d in collected.documents}
    aliases = set()
    current = {entry.id for entry in collected.entries}
    for record in registry.urls:
        if record.kind == "title":
            aliases.add(Alias(record.page, record.fragment, PAGE_TITLE))
        elif record.kind == "entry" and record.id not in current and record.fragment:
            withdrawn = registry.entry(record.id)  # an entry this registry knows, now gone
            if withdrawn is not None:
                facet = withdrawn.facets[0] if withdrawn.facets else ""
                aliases.add(Alias(record.page, record.fragment, f"facet-{facet}", PAGE_TITLE))
    for entry in collected.entries:
        record = registry.entry(entry.id)
        if record is None:
            continue
        page = entry_url(entry).split("#", 1)[0]
        for natural_id in record.natural_ids:
            aliases.add(Alias(page, natural_id, entry.id))
        if entry.kind in _SECTION_KINDS and entry.source.path in slug_of:
            source_url = source_page(slug_of[entry.source.path])
            for anchor in record.anchors:
                if anchor != entry.source.anchor:
                    aliases.add(Alias(source_url, anchor, entry.source.anchor))
    return sorted(aliases)


# --- the build step ------------------------------------------------------------------------


def keep_links(
    collected: Collected,
    registry: Registry,
    renames: Mapping[str, str],
    site_dir: Path,
    redirects: Mapping[str, str],
) -> Registry:
    """Make every URL of `registry` resolve in the freshly built `site_dir` (aliases, redirect
    pages for moved pages) and return the registry with this build's URLs added.

    `redirects` are the redirect pages already written (upstream redirect maps). Raises
    BuildError naming the first recorded URL that still does not resolve.
    """
    registry = registry.with_entries(collected, renames)
    site = SiteIds(site_dir, redirects)
    recorded_pages = {record.page for record in registry.urls}
    missing = sorted(recorded_pages - set(site.pages))
    if missing:
        anchors_of: dict[str, list[str]] = defaultdict(list)
        for record in registry.urls:
            if record.fragment:
                anchors_of[record.page].append(record.fragment)
        ids_of_page = {page: site.ids(page) for page in site.pages if page not in site.redirects}
        moved = moved_pages(missing, anchors_of, ids_of_page)
        write_redirects(site_dir, moved)
        site = SiteIds(site_dir, {**redirects, **moved})
    broken = unresolved_urls(registry, site)
    if broken:
        first = broken[0]
        more = f" (+{len(broken) - 1} more)" if len(broken) > 1 else ""
        raise BuildError(
            f"published URL {first.url or './'} ({first.kind} {first.id}) would stop resolving: "
            f"no such page or anchor, and no alias or redirect{more}"
        )
    return registry.with_urls(published_urls(collected, site, site.redirects))
