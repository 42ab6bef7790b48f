"""Browser test: notebook 03, opened untrusted in JupyterLab, shows the saved live view
as its three pictures (curves, boundary, the sample's graph), drawn to their size.

Needs what ``test_browser`` needs (the system Chromium and chromedriver, Selenium,
JupyterLab); without them it is skipped, saying which.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import test_browser as helpers

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "03_training_an_mlp.ipynb"
PICTURES = ("training curves", "decision boundary", "the first sample: values and gradients")

pytestmark = helpers.pytestmark
pytest.importorskip("jupyterlab", reason="the browser test of the live view needs jupyterlab")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over an untrusted copy of notebook 03; yields its URL."""
    folder = tmp_path_factory.mktemp("live")
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, folder / NOTEBOOK)
    env = {
        **os.environ,
        **{
            f"JUPYTER_{kind}_DIR": str(folder / kind.lower())
            for kind in ("CONFIG", "RUNTIME", "DATA")
        },
    }
    port, token = helpers._free_port(), "browser-test"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={folder}",
            "--LabApp.extension_manager=readonly",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait(port)
    yield f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}?token={token}"
    server.terminate()
    server.wait(timeout=30)


def _wait(port: int, seconds: float = 90) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)


def test_saved_live_view_shows_its_three_pictures(lab, tmp_path) -> None:
    driver = helpers.browser()
    driver.set_window_size(1280, 1100)
    try:
        driver.get(lab)
        WebDriverWait(driver, 90).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-WindowedPanel-outer")
        )

        def live_view(d):  # JupyterLab renders only the cells near the view: scroll on
            found = [
                d.find_elements(By.CSS_SELECTOR, f'.jp-OutputArea-output img[alt="{alt}"]')
                for alt in PICTURES
            ]
            if all(found):
                return [f[0] for f in found]
            d.execute_script("document.querySelector('.jp-WindowedPanel-outer').scrollBy(0, 400)")
            return False

        pictures = WebDriverWait(driver, 90, poll_frequency=0.5).until(live_view)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", pictures[0])
        drawn = WebDriverWait(driver, 30).until(
            lambda d: all(
                d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", p)
                for p in pictures
            )
        )
        assert drawn
        sizes = [(p.size["width"], p.size["height"]) for p in pictures]
        assert sizes[0] == (360, 200) and sizes[1] == (200, 200), sizes
        assert sizes[2][0] > 300 and sizes[2][1] > 200, sizes  # the graph, not an icon
        text = driver.find_element(By.XPATH, "//*[contains(text(), 'step 100: loss')]").text
        assert "accuracy 100%" in text
        helpers._shot(driver, "jupyterlab-live-view.png", tmp_path)
    finally:
        driver.quit()
