"""Headless Debian Chromium driven by Selenium, and screenshots at laptop and phone size.

The browser and its driver are given by path, so Selenium Manager never downloads
anything. In CI (CI=true) a missing Chromium fails the browser tests; elsewhere they are
skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver

from tests.conftest import IN_CI

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
)
#: (name, width, height, mobile): a laptop screen and an iPhone 12–15 sized phone.
SIZES = (("laptop", 1280, 800, False), ("phone", 390, 844, True))


@contextmanager
def chromium() -> Iterator[WebDriver]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        reason = f"{', '.join(missing)} missing: apt-get install chromium chromium-driver"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (*ARGUMENTS, "--window-size=1280,800"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def emulate(driver: WebDriver, width: int, height: int, mobile: bool) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


class Screenshots:
    """Saves the current page at every size in SIZES and prints where."""

    def __init__(self, driver: WebDriver, folder: Path) -> None:
        self.driver = driver
        self.folder = folder

    def take(self, name: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for size, width, height, mobile in SIZES:
            emulate(self.driver, width, height, mobile)
            path = self.folder / f"{name}-{size}-{width}x{height}.png"
            self.driver.save_screenshot(str(path))
            print(f"screenshot: {path}")
        emulate(self.driver, *SIZES[0][1:])
