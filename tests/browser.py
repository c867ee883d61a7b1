"""Headless Chromium for the tests that open pages in a real browser (the system's chromium and chromedriver)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
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


def latin_only_fontconfig(folder) -> str:
    """A fontconfig file whose only font is DejaVu Sans (matplotlib's): a machine without a CJK font."""
    fonts = folder / "fonts"
    fonts.mkdir()
    shutil.copy(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf", fonts)
    config = folder / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
                      f"<dir>{fonts}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n", encoding="utf-8")
    return str(config)


#: Characters of a page, each drawn alone, large: identical pictures of two characters are empty boxes (tofu).
DRAW_ALONE = """
return arguments[0].map(character => {
    const span = document.createElement("span");
    span.textContent = character;
    span.style.cssText = "font-size: 48px; display: inline-block; padding: 4px;";
    document.body.prepend(span);
    return span;
});
"""


def drawn_alone(driver, characters: list[str]) -> list[bytes]:
    """A PNG of each character drawn alone in the open page's body font (see :data:`DRAW_ALONE`)."""
    driver.execute_script("return document.fonts.ready")
    return [span.screenshot_as_png for span in driver.execute_script(DRAW_ALONE, characters)]
