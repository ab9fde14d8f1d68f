"""A failed or killed build leaves the previous site and index intact; one build at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from privacy_kb import publish
from privacy_kb.build import build
from privacy_kb.problems import BuildError

ARTICLE = "---\ntitle: T\nms.date: 01/01/2026\n---\n# T\n\nMicrosoft stores your data.\n"


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    root = tmp_path / "source"
    (root / "articles" / "docs").mkdir(parents=True)
    (root / "articles" / "docs" / "a.md").write_text(ARTICLE, encoding="utf-8")
    return root


@pytest.fixture()
def previous_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / ".privacy-kb" / "index").mkdir(parents=True)
    (site / "index.html").write_text("previous build", encoding="utf-8")
    (site / ".privacy-kb" / "index" / "MAIN.toc").write_text("previous index", encoding="utf-8")
    return site


def assert_previous(site: Path) -> None:
    assert (site / "index.html").read_text(encoding="utf-8") == "previous build"
    assert (site / ".privacy-kb" / "index" / "MAIN.toc").read_text() == "previous index"


def assert_complete_new(site: Path) -> None:
    assert "previous build" not in (site / "index.html").read_text(encoding="utf-8")
    assert (site / "api" / "entries.json").is_file()
    assert any((site / ".privacy-kb" / "index").glob("*.toc"))


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(".site.building-"))


def test_failing_exchange_keeps_the_previous_site(source, previous_site, monkeypatch) -> None:
    def broken(first: Path, second: Path) -> bool:
        raise OSError(5, "injected failure", str(second))

    monkeypatch.setattr(publish, "exchange", broken)
    with pytest.raises(OSError, match="injected failure"):
        build(source, previous_site)
    assert_previous(previous_site)
    assert leftovers(previous_site) == []


def test_failing_second_rename_puts_the_previous_site_back(source, previous_site, monkeypatch):
    """The two-rename fallback (no RENAME_EXCHANGE): the second rename fails."""
    monkeypatch.setattr(publish, "exchange", lambda first, second: False)
    real_rename = os.rename
    calls = []

    def rename(first, second):
        if Path(second) != previous_site and Path(first) != previous_site:
            return real_rename(first, second)  # Whoosh's own renames, inside the work folder
        calls.append((first, second))
        if len(calls) == 2:
            raise OSError(28, "injected: no space left", str(second))
        return real_rename(first, second)

    monkeypatch.setattr(publish.os, "rename", rename)
    with pytest.raises(OSError, match="injected"):
        build(source, previous_site)
    assert len(calls) == 3  # aside, (failed) in, back
    assert_previous(previous_site)
    assert leftovers(previous_site) == []


def test_a_swap_killed_between_two_renames_is_recovered_by_the_next_build(
    source, previous_site
) -> None:
    work = previous_site.parent / ".site.building-killed"
    work.mkdir()
    os.rename(previous_site, work / publish.PREVIOUS)  # where the fallback left it when killed
    publish.recover(previous_site)
    assert_previous(previous_site)
    assert leftovers(previous_site) == []


def test_fallback_swap_publishes_the_new_site(source, previous_site, monkeypatch) -> None:
    monkeypatch.setattr(publish, "exchange", lambda first, second: False)
    build(source, previous_site)
    assert_complete_new(previous_site)
    assert leftovers(previous_site) == []


def test_a_second_build_of_the_same_site_fails_clearly(source, previous_site) -> None:
    with publish.site_lock(previous_site), pytest.raises(BuildError) as failure:
        build(source, previous_site)
    message = str(failure.value)
    assert "another build of this site is running" in message and "\n" not in message
    assert_previous(previous_site)


def _start_build(source: Path, site: Path) -> subprocess.Popen:
    code = "from privacy_kb.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "build", "--source", str(source), "--site-dir", str(site)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _kill_when(process: subprocess.Popen, ready, timeout: float = 60) -> bool:
    """SIGKILL the build as soon as `ready()` holds; False if it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        if ready():
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.005)
    process.kill()
    raise AssertionError("the build neither reached the moment nor ended")


def test_kill_minus_nine_at_any_moment_leaves_a_complete_site(source, previous_site) -> None:
    site = previous_site

    def work_site(*parts: str):
        return lambda: any(w.joinpath("site", *parts).exists()
                           for w in site.parent.glob(".site.building-*"))

    moments = {
        "work folder made": lambda: bool(leftovers(site)),
        "pages being rendered": work_site("index.html"),
        "index being written": work_site(".privacy-kb", "index"),
        "right after the swap": lambda: "previous build" not in _read(site / "index.html"),
    }
    killed = []
    for name, ready in moments.items():
        process = _start_build(source, site)
        if _kill_when(process, ready):
            killed.append(name)
        text = _read(site / "index.html")
        if "previous build" in text:
            assert_previous(site)
        else:
            assert_complete_new(site)
    assert len(killed) >= 3, killed  # the moments were reached before the build ended
    process = _start_build(source, site)  # the next build recovers and publishes
    assert process.wait(timeout=120) == 0
    assert_complete_new(site)
    assert leftovers(site) == []


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
