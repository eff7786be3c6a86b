"""A real browser for the view tests: Playwright driving the system's chromium.

`make install` installs Debian's chromium (apt-get). Playwright's own browser download
(`playwright install`) is never used. Where no chromium is present, the browser tests skip
and say so; set JIXIAO_CHROMIUM to use another Chromium build.
"""
from __future__ import annotations

import os
import shutil

import pytest


def chromium_path() -> str | None:
    for name in (os.environ.get("JIXIAO_CHROMIUM"), "chromium", "chromium-browser"):
        found = shutil.which(name) if name else None
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="playwright is not installed: `make install` (the dev extra) installs it")
    exe = chromium_path()
    if exe is None:
        pytest.skip("no chromium on this machine: `make install` installs Debian's chromium with apt-get "
                    "(as root); the browser tests need it")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser):
    """A page that records every request and every console message it sees."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.requests, pg.console = [], []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("console", lambda m: pg.console.append(m.text))
    pg.on("pageerror", lambda e: pg.console.append(f"pageerror: {e}"))
    try:
        yield pg
    finally:
        context.close()
