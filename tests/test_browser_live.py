"""Browser test: notebook 03, opened untrusted in JupyterLab, shows the saved live view
as its three pictures (curves, boundary, the sample's graph), drawn to their size.

Needs what ``test_browser`` needs (the system Chromium and chromedriver, Selenium,
JupyterLab); without them it is skipped, saying which.
"""

from __future__ import annotations

import shutil
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
    with helpers.jupyter_server("jupyterlab", folder) as (port, token):
        yield f"http://127.0.0.1:{port}/lab/tree/{NOTEBOOK}?token={token}"


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
