"""Headless Chromium for the tests that open pages in a real browser (the system's chromium and chromedriver)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest


def headless_chromium(profile: Path, prefs: dict | None = None):
    """A Selenium driver of headless Chromium with its own profile folder; skips (fails in CI) when absent."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not (browser and driver):
        message = "headless Chromium is not installed (.ci/run installs the chromium and chromium-driver packages)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1200,900"):
        options.add_argument(flag)
    if prefs:
        options.add_experimental_option("prefs", prefs)
    return webdriver.Chrome(service=Service(driver), options=options)
