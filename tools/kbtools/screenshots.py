"""PNGs of the built site as a reader sees it, for review (`make screenshots`); never compared
in tests.

The home page, a deployment page, an answer page and the privacy matrix, each at a desktop
(1400×900) and a phone (390×844) viewport, in light and dark, in headless Chromium. The pages
are chosen from the site's own entries (`api/entries.json`), so any built site works.

Example: `python -m kbtools.screenshots --site-dir site --out build/screenshots`
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .site_search_eval import CHROMIUM, CHROMIUM_ARGS, serve

VIEWPORTS = {"desktop": (1400, 900), "phone": (390, 844)}
SCHEMES = ("light", "dark")


def sample_pages(site_dir: Path) -> dict[str, str]:
    """Shot name → site-relative URL (a fragment scrolls that element into view)."""
    entries = json.loads((site_dir / "api" / "entries.json").read_text(encoding="utf-8"))["entries"]
    typed = [e for e in entries if e["deployment_types"]]
    counts: dict[str, int] = {}
    for entry in typed:
        for type_id in entry["deployment_types"]:
            counts[type_id] = counts.get(type_id, 0) + 1
    busiest = max(counts, key=lambda type_id: (counts[type_id], type_id)) if counts else None
    fact = next((e for e in typed if e["kind"] == "fact" and e["facets"]), entries[0])
    pages = {"home": "", "matrix": "#privacy-matrix", "answer": f"questions/{fact['id']}/"}
    if busiest is not None:
        pages["deployment"] = f"deployments/{busiest}/"
    return pages


def take(site_dir: Path, out_dir: Path) -> list[Path]:
    """Write every shot into `out_dir`; returns their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    from playwright.sync_api import sync_playwright

    pages = sample_pages(site_dir)
    with serve(site_dir) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for scheme in SCHEMES:
                for size, (width, height) in VIEWPORTS.items():
                    # A fresh context each time: Material remembers a palette in localStorage.
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, color_scheme=scheme,
                        is_mobile=size == "phone", has_touch=size == "phone")
                    page = context.new_page()
                    page.set_default_timeout(120_000)  # a busy machine; nothing here is timed
                    for name, url in pages.items():
                        path = out_dir / f"{name}-{size}-{scheme}.png"
                        _shoot(page, base + url, path, scheme)
                        written.append(path)
                    context.close()
        finally:
            browser.close()
    return written


def _shoot(page: Any, url: str, path: Path, scheme: str) -> None:
    page.goto(url)
    material = "slate" if scheme == "dark" else "default"
    page.wait_for_function("(s) => document.body.dataset.mdColorScheme === s", arg=material)
    fragment = url.partition("#")[2]
    if fragment:
        page.wait_for_selector(f"[id='{fragment}']")
        page.evaluate("(id) => document.getElementById(id).scrollIntoView()", fragment)
    page.wait_for_timeout(150)  # Material's header shadow and palette settle
    page.screenshot(path=str(path))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=Path("site"))
    parser.add_argument("--out", type=Path, default=Path("build/screenshots"))
    args = parser.parse_args(argv)
    if not (args.site_dir / "api" / "entries.json").is_file():
        print(f"{args.site_dir}: no built site here; run `privacy-kb build` first", file=sys.stderr)
        return 1
    for path in take(args.site_dir, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
