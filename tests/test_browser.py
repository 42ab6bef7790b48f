"""Browser tests: a real headless Chromium (the system's, never a downloaded one) shows
the pictures and drives the player.

- a notebook opened in JupyterLab shows rendered graphs (``<img>`` or ``<svg>`` in its
  outputs, not the ``<Graph: ...>`` text);
- the player's buttons and slider change the outlined node and the gradients shown;
- the saved player works from ``file://`` with the network off.

They need Chromium and its driver (Debian: ``apt-get install chromium chromium-driver``)
and the ``browser`` extra (Selenium); without either they are skipped, saying which.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograd_engine import Value
from autograd_engine.viz import play

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None or DRIVER is None,
        reason="browser tests need the system Chromium and chromedriver "
        "(apt-get install chromium chromium-driver)",
    ),
]
webdriver = pytest.importorskip(
    "selenium.webdriver", reason="browser tests need the browser extra (pip install selenium)"
)
pytest.importorskip("pygraphviz", reason="the draw extra is not installed")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1000,1000",
)


def browser(*, offline: bool = False):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    if offline:  # every host name fails to resolve and no proxy can be reached
        options.add_argument("--host-resolver-rules=MAP * ~NOTFOUND")
        options.add_argument("--proxy-server=127.0.0.1:9")
    service = webdriver.ChromeService(executable_path=DRIVER)
    return webdriver.Chrome(options=options, service=service)


@pytest.fixture(scope="module")
def chrome():
    driver = browser(offline=True)
    yield driver
    driver.quit()


def lecture_player(tmp_path: Path) -> Path:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    n = x1 * w1 + x2 * w2 + Value(6.8813735870195432, label="b")
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return play(o).save(tmp_path / "player.html")


def state(driver) -> dict:
    """The outlined node's title, every shown gradient, the step counter and the text."""
    return driver.execute_script(
        """
        var current = document.querySelector("g.node.current title");
        var grads = {};
        document.querySelectorAll("g.node").forEach(function (g) {
          g.querySelectorAll("text").forEach(function (t) {
            if (t.textContent.indexOf("grad ") === 0)
              grads[g.querySelector("title").textContent] = t.textContent;
          });
        });
        return {current: current && current.textContent, grads: grads,
                counter: document.getElementById("counter").textContent,
                text: document.getElementById("text").textContent,
                redEdges: document.querySelectorAll("g.edge.current-edge").length};
        """
    )


def test_saved_player_steps_from_file_with_the_network_off(chrome, tmp_path: Path) -> None:
    chrome.get(lecture_player(tmp_path).as_uri())
    start = state(chrome)
    assert start["current"] is None and start["counter"].startswith("step 0 / 10")
    assert set(start["grads"].values()) == {"grad 0.0000"}
    button = chrome.find_element(By.ID, "next")
    for _ in range(5):  # the forward pass
        button.click()
    forward_end = state(chrome)
    assert "forward" in forward_end["counter"] and forward_end["current"] is not None
    button.click()  # first backward step: the tanh node passes 1 - o² = 0.5 on
    first = state(chrome)
    assert "backward" in first["counter"] and first["current"] == forward_end["current"]
    assert "grad 0.5000" in first["grads"].values() and "n.grad += 1.0000 × 0.5000" in first["text"]
    assert first["redEdges"] >= 1
    button.click()  # the next node back: the outline moves, more gradients arrive
    second = state(chrome)
    assert second["current"] != first["current"] and second["text"] != first["text"]
    assert sum(g != "grad 0.0000" for g in second["grads"].values()) > sum(
        g != "grad 0.0000" for g in first["grads"].values()
    )
    chrome.find_element(By.ID, "last").click()
    done = state(chrome)
    assert done["counter"].startswith("step 10 / 10")
    assert "grad -1.5000" in done["grads"].values()  # x1.grad, as in the lecture
    chrome.find_element(By.ID, "back").click()
    assert state(chrome)["current"] != done["current"]


def test_play_button_advances_on_its_own(chrome, tmp_path: Path) -> None:
    chrome.get(lecture_player(tmp_path).as_uri())
    chrome.find_element(By.ID, "play").click()
    WebDriverWait(chrome, 10).until(lambda d: state(d)["counter"].startswith("step 2 "))
    chrome.find_element(By.ID, "play").click()  # pause
    paused = state(chrome)["counter"]
    time.sleep(1.5)
    assert state(chrome)["counter"] == paused


def test_slider_scrubs_to_a_step(chrome, tmp_path: Path) -> None:
    chrome.get(lecture_player(tmp_path).as_uri() + "#step=8")
    assert state(chrome)["counter"].startswith("step 8 / 10 (backward)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    pytest.importorskip("jupyterlab", reason="the JupyterLab test needs jupyterlab")
    folder = tmp_path_factory.mktemp("lab")
    for name in ("01_expressions_and_graphs.ipynb", "02_backprop_step_by_step.ipynb"):
        shutil.copy(ROOT / "notebooks" / name, folder / name)  # untrusted copies
    port, token = _free_port(), "browser-test"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(folder / "config"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={folder}",
            "--ServerApp.open_browser=False",
            "--LabApp.extension_manager=readonly",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.5)
    yield f"http://127.0.0.1:{port}", token
    server.terminate()
    server.wait(timeout=30)


@pytest.mark.parametrize(
    "name", ["01_expressions_and_graphs.ipynb", "02_backprop_step_by_step.ipynb"]
)
def test_notebook_in_jupyterlab_shows_pictures_not_repr_text(jupyterlab, name, tmp_path) -> None:
    url, token = jupyterlab
    driver = browser()
    try:
        driver.get(f"{url}/lab/tree/{name}?token={token}")
        selector = ".jp-OutputArea-output img, .jp-OutputArea-output > svg"

        def drawn(d):  # a rendered picture of real size (not an icon, not still loading)
            found = [e for e in d.find_elements(By.CSS_SELECTOR, selector) if e.size["width"] > 100]
            return found or False

        pictures = WebDriverWait(driver, 90).until(drawn)
        first = pictures[0]
        assert first.size["height"] > 50
        texts = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output")]
        assert not any(t.startswith("<Graph:") for t in texts)
        driver.execute_script("arguments[0].scrollIntoView()", first)
        driver.save_screenshot(str(Path(os.environ.get("BROWSER_SHOTS", tmp_path)) / f"{name}.png"))
    finally:
        driver.quit()
