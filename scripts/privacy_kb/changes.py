"""What changed in the answers between published builds, and when each answer's text last
changed (the pages made from it, /changes/ and its Atom feed, are in changes_pages.py).

The answers last published are kept in the repository beside the registry of published URLs
(`published-urls.json` → `published-entries.json`, see `history_path`), with the history of
every build that changed one: the answers added, reworded and withdrawn, each with its article,
the article's ms.date and the text before and after. A build that changes nothing adds nothing,
so the same content gives byte-identical files.

Dates come from the sources, never from the clock: a build is dated by the newest ms.date of
the articles whose answers it changed (never earlier than the build before it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from .collected import Collected
from .model import FaqEntry
from .records import load_records, records_text

HISTORY_FORMAT_VERSION = 1
FALLBACK_DATE = "1970-01-01"
CHANGE_KINDS = ("added", "reworded", "removed")


def history_path(registry_path: Path) -> Path:
    """The published answers beside a registry: `published-urls.json` → `published-entries.json`;
    any other `name.json` → `name.entries.json`."""
    stem, suffix = registry_path.stem, registry_path.suffix or ".json"
    name = stem.replace("urls", "entries") if "urls" in stem else f"{stem}.entries"
    return registry_path.with_name(name + suffix)


# --- the records ---------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class PublishedAnswer:
    """An answer as last published, and the build in which its text last changed."""

    id: str
    question: str
    text: str
    article: str  # source path
    title: str  # article title
    ms_date: str  # the article's ms.date when published
    deployment_types: tuple[str, ...]
    facets: tuple[str, ...]
    changed: int  # number of the build that last changed its text (or withdrew it)
    learn_url: str = ""  # the live page, at the (first) section quoted

    @classmethod
    def of(cls, entry: FaqEntry, changed: int) -> PublishedAnswer:
        return cls(entry.id, entry.question, entry.answer_text, entry.source.path,
                   entry.source.title, entry.source.ms_date, entry.deployment_types,
                   entry.facets, changed, entry.source.learn_url)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PublishedAnswer:
        return cls(**{**data, "deployment_types": tuple(data["deployment_types"]),
                      "facets": tuple(data["facets"])})


@dataclass(frozen=True)
class Change:
    """One answer added, reworded or removed by a build."""

    kind: str  # "added" | "reworded" | "removed"
    id: str
    question: str
    article: str
    title: str
    ms_date: str
    before: str  # the text published before ("" when added)
    after: str  # the text published now ("" when removed)
    learn_url: str = ""  # the live page, at the (first) section quoted

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Change:
        return cls(**data)


@dataclass(frozen=True)
class Build:
    """A build that changed the published answers."""

    number: int
    date: str  # ISO date: the newest ms.date of the articles it changed
    answers: int  # answers published by it
    changes: tuple[Change, ...] = ()  # empty for the first build (everything is new)

    @property
    def first(self) -> bool:
        return self.number == 1

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    def summary(self) -> str:
        if self.first:
            return f"first published: {self.answers} answers"
        counts = [f"{len(self.of_kind(k))} {k}" for k in CHANGE_KINDS if self.of_kind(k)]
        return ", ".join(counts)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Build:
        return cls(data["number"], data["date"], data["answers"],
                   tuple(Change.from_dict(c) for c in data.get("changes", ())))


@dataclass(frozen=True)
class History:
    """The answers last published, the ones withdrawn since, and the builds that changed them."""

    answers: tuple[PublishedAnswer, ...] = ()
    withdrawn: tuple[PublishedAnswer, ...] = ()
    builds: tuple[Build, ...] = ()

    def build(self, number: int) -> Build:
        return self._builds_by_number[number]

    def last_changed(self) -> dict[str, Build]:
        """Answer id → the build that last changed its text."""
        return {a.id: self.build(a.changed) for a in self.answers}

    def withdrawn_answer(self, answer_id: str) -> PublishedAnswer | None:
        return self._withdrawn_by_id.get(answer_id)

    # Looked up once per answer or withdrawn page: indexed once, not scanned each time.
    @cached_property
    def _builds_by_number(self) -> dict[int, Build]:
        by_number: dict[int, Build] = {}
        for build in self.builds:
            by_number.setdefault(build.number, build)
        return by_number

    @cached_property
    def _withdrawn_by_id(self) -> dict[str, PublishedAnswer]:
        by_id: dict[str, PublishedAnswer] = {}
        for answer in self.withdrawn:
            by_id.setdefault(answer.id, answer)
        return by_id

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": HISTORY_FORMAT_VERSION,
            "answers": [dataclasses.asdict(a) for a in self.answers],
            "withdrawn": [dataclasses.asdict(a) for a in self.withdrawn],
            "builds": [dataclasses.asdict(b) for b in self.builds],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> History:
        return cls(
            tuple(PublishedAnswer.from_dict(a) for a in data.get("answers", ())),
            tuple(PublishedAnswer.from_dict(a) for a in data.get("withdrawn", ())),
            tuple(Build.from_dict(b) for b in data.get("builds", ())),
        )


# --- reading, comparing, writing -----------------------------------------------------------


def load_history(path: Path | None) -> History:
    """The history at `path`; an empty one when there is no file (nothing published yet)."""
    history = load_records(path, HISTORY_FORMAT_VERSION, "published entries",
                           "a record of published entries", History.from_dict)
    return History() if history is None else history


def next_history(history: History, collected: Collected) -> History:
    """`history` plus this build, when it adds, rewords or removes an answer (compared by id,
    after the registry has kept reworded entries' ids); else `history` unchanged."""
    number = len(history.builds) + 1
    before = {a.id: a for a in history.answers}
    now = {e.id: e for e in collected.entries}
    changes = []
    for entry in collected.entries:
        old = before.get(entry.id)
        if old is None:
            changes.append(_change("added", entry, "", entry.answer_text))
        elif _words(old.text) != _words(entry.answer_text):
            changes.append(_change("reworded", entry, old.text, entry.answer_text))
    removed = [a for a in history.answers if a.id not in now]
    changes.extend(
        Change("removed", a.id, a.question, a.article, a.title, a.ms_date, a.text, "", a.learn_url)
        for a in removed
    )
    if not changes:
        return history
    changed_ids = {c.id for c in changes}
    answers = tuple(sorted(
        PublishedAnswer.of(e, number if e.id in changed_ids else before[e.id].changed)
        for e in collected.entries
    ))
    withdrawn = {a.id: a for a in history.withdrawn if a.id not in now}
    withdrawn.update({a.id: dataclasses.replace(a, changed=number) for a in removed})
    previous = history.builds[-1].date if history.builds else FALLBACK_DATE
    dates = [_iso(c.ms_date) for c in changes] if history.builds else [
        _iso(d.ms_date) for d in collected.documents]
    build = Build(
        number=number,
        date=max([previous, *(d for d in dates if d)]),
        answers=len(answers),
        changes=tuple(changes) if history.builds else (),
    )
    return History(answers, tuple(sorted(withdrawn.values())), (*history.builds, build))


def _change(kind: str, entry: FaqEntry, before: str, after: str) -> Change:
    return Change(kind, entry.id, entry.question, entry.source.path, entry.source.title,
                  entry.source.ms_date, before, after, entry.source.learn_url)


def _words(text: str) -> list[str]:
    return text.split()


def _iso(ms_date: str) -> str:
    """Learn's ms.date (MM/DD/YYYY) as an ISO date; "" when it is not one."""
    try:
        return datetime.strptime(ms_date.strip(), "%m/%d/%Y").date().isoformat()
    except ValueError:
        return ""


def history_text(history: History) -> str:
    """Deterministic JSON, one answer a line, so a build's changes diff as changed lines."""
    return records_text(history.to_dict(), ("answers", "withdrawn", "builds"))


def stage_history(history: History, path: Path) -> Path | None:
    """Write `history` beside `path`, to be renamed into place once the site is; None when the
    file already says exactly this."""
    text = history_text(history)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return None
    staged = path.with_name(f".{path.name}.new")
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_text(text, encoding="utf-8", newline="\n")
    return staged


def with_last_changed(collected: Collected, history: History) -> Collected:
    """`collected` knowing, per answer, the build that last changed its text (for its page)."""
    last = {
        answer_id: (build.date, build.number) for answer_id, build in history.last_changed().items()
    }
    return dataclasses.replace(collected, last_changed=last)
