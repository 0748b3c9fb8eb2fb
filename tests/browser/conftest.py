"""Headless Chromium for the `browser` tests, driven by Playwright with Debian's chromium.

Playwright's own browser download is never used: it launches the system's Chromium
(`/usr/bin/chromium`, or ORGGRAPH_CHROMIUM), installed by `make chromium`. A missing Chromium
FAILS these tests, saying how to install it; it never skips them. Each test gets a fresh
context (no cookies, no local storage); screenshots go to test-output/browser/.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from reports.city import (
    api,
    city_data_dir,
    city_ledger,
    city_ledger_dir,
    city_neo4j,
    city_store,
    recount,
)

__all__ = [
    "api",
    "city_data_dir",
    "city_ledger",
    "city_ledger_dir",
    "city_neo4j",
    "city_store",
    "recount",
]

CHROMIUM = Path(os.environ.get("ORGGRAPH_CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "browser"
CHROMIUM_FLAGS = [
    "--no-sandbox",  # tests run as root in CI containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The system Chromium, or a failed test saying how to install it."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `make chromium` "
            "(apt-get install chromium fonts-noto-cjk) or set ORGGRAPH_CHROMIUM",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="session")
async def chromium(chromium_path: Path) -> AsyncIterator[Any]:
    """One headless Chromium for the session (a fresh profile, thrown away at the end)."""
    try:
        from playwright.async_api import async_playwright
    except ImportError as exc:
        pytest.fail(f"playwright is not installed ({exc}): pip install -e '.[dev]'", pytrace=False)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_FLAGS, headless=True
        )
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def page(chromium: Any) -> AsyncIterator[Any]:
    context = await chromium.new_context(viewport={"width": 1400, "height": 900})
    try:
        yield await context.new_page()
    finally:
        await context.close()
