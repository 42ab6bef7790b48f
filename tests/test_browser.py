"""Browser tests: a real headless Chromium (the system's, never a downloaded one) shows
the pictures and drives the player.

- a notebook opened in JupyterLab or in Notebook 7 shows rendered graphs (``<img>`` or
  ``<svg>`` in its outputs, not the ``<Graph: ...>`` text), the player as its picture
  while the notebook is untrusted;
- in a trusted notebook (one its user ran), in both front ends, the player's buttons
  change the outlined node and the gradients shown, and play advances on its own;
- the player's buttons and slider do the same in the saved file, which works from
  ``file://`` with the network off.

They need Chromium and its driver (Debian: ``apt-get install chromium chromium-driver``)
and the ``browser`` extra (Selenium); without either they are skipped, saying which.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import partial
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


# Every committed notebook draws (graphs, plots, the player's static picture).
NOTEBOOKS = tuple(sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb")))
PLAYER_NOTEBOOK = "02_backprop_step_by_step.ipynb"
# Where each front end opens a notebook: JupyterLab, and Notebook 7 (the notebook package).
# JupyterLab keeps the notebooks opened before as tabs of its workspace, whose pictures
# stay in the page: each notebook gets a workspace of its own, so only it is there.
FRONT_ENDS = {"jupyterlab": "lab/workspaces/{workspace}/tree", "notebook": "notebooks"}


def _notebook_url(app: str, port: int, token: str, name: str) -> str:
    where = FRONT_ENDS[app].format(workspace=re.sub(r"[^A-Za-z0-9]+", "-", name))
    return f"http://127.0.0.1:{port}/{where}/{name}?token={token}"


@pytest.fixture(scope="module", params=sorted(FRONT_ENDS))
def jupyter(request, tmp_path_factory):
    """A server of one front end over untrusted copies of the notebooks, and a trusted
    copy of the player's notebook (``trusted-02...``), as if its user had run it."""
    app = request.param
    pytest.importorskip(app, reason=f"the browser test of {app} needs the {app} package")
    folder = tmp_path_factory.mktemp(app)
    for name in NOTEBOOKS:
        shutil.copy(ROOT / "notebooks" / name, folder / name)  # untrusted copies
    trusted = folder / f"trusted-{PLAYER_NOTEBOOK}"
    shutil.copy(ROOT / "notebooks" / PLAYER_NOTEBOOK, trusted)
    _trust(trusted, folder / "data")
    with jupyter_server(app, folder) as (port, token):
        yield app, partial(_notebook_url, app, port, token)


@contextlib.contextmanager
def jupyter_server(app: str, folder: Path) -> Iterator[tuple[int, str]]:
    """A ``jupyterlab`` or ``notebook`` server over ``folder``, its config, runtime and data
    in ``config``, ``runtime``, ``data`` there; yields its port and token once it listens."""
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(folder / "config"),
        "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
        "JUPYTER_DATA_DIR": str(folder / "data"),
    }
    port, token = _free_port(), "browser-test"
    command = [
        sys.executable,
        "-m",
        app,
        "--no-browser",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        "--ServerApp.open_browser=False",
        *(["--LabApp.extension_manager=readonly"] if app == "jupyterlab" else []),
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    with serving(command, env, port):
        yield port, token


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str], port: int) -> Iterator[None]:
    """Run a server, return once it listens on ``port`` (or after 90 s), stop it after."""
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.5)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            # Seen under load: the server stops serving, then its exit waits forever on
            # an idle AnyIO worker thread (py-spy: MainThread in threading._shutdown).
            server.kill()
            server.wait(timeout=30)


def _trust(path: Path, data_dir: Path) -> None:
    """Sign a notebook as ``jupyter trust`` does, in the server's data folder."""
    import nbformat
    from nbformat.sign import NotebookNotary

    data_dir.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.read(path, as_version=4)
    # A signature is a hash of the content: a mark makes this copy's differ from the
    # untrusted copy's, which must stay untrusted.
    notebook.metadata["browser_test"] = "trusted"
    NotebookNotary(data_dir=str(data_dir)).sign(notebook)
    nbformat.write(notebook, path)


def _first_drawing(path: Path) -> int | None:
    """The number of the notebook's first cell that shows a graph (its outputs have SVG;
    plots have PNG alone), or None if it draws none."""
    import nbformat

    cells = nbformat.read(path, as_version=4).cells
    for number, cell in enumerate(cells):
        if any("image/svg+xml" in output.get("data", {}) for output in cell.get("outputs", [])):
            return number
    return None


# Scrolls the nearest scrolling box around arguments[0] so that it starts at the top.
# (scrollIntoView left JupyterLab's notebook where it was: its cells are a windowed list.)
_SCROLL_TO_TOP = """
const element = arguments[0];
let box = element.parentElement;
while (box && !(box.scrollHeight > box.clientHeight &&
                /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
box = box || document.scrollingElement;
box.scrollTop += element.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
return Math.round(element.getBoundingClientRect().top - box.getBoundingClientRect().top);
"""


def _scroll_to_top_of(driver, element) -> None:
    """Scroll ``element`` to the top of its scrolling box, again until it stays there
    (pictures above it that finish loading push it down)."""
    for _ in range(10):
        if abs(driver.execute_script(_SCROLL_TO_TOP, element) - 8) <= 2:
            time.sleep(0.3)
            if abs(driver.execute_script(_SCROLL_TO_TOP, element) - 8) <= 2:
                return
        time.sleep(0.3)


def _shot(driver, name: str, tmp_path: Path) -> None:
    driver.save_screenshot(str(Path(os.environ.get("BROWSER_SHOTS", tmp_path)) / name))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_shows_pictures_not_repr_text(jupyter, name, tmp_path) -> None:
    app, url = jupyter
    driver = browser()
    driver.set_window_size(1280, 1100)  # a laptop's browser window
    try:
        driver.get(url(name))
        selector = ".jp-OutputArea-output img, .jp-OutputArea-output > svg"
        drawing = _first_drawing(ROOT / "notebooks" / name)

        def drawn(d):  # a rendered picture of real size (not an icon, not still loading),
            # in the cell of the notebook's first graph if it draws one
            within = d
            if drawing is not None:
                cells = d.find_elements(By.CSS_SELECTOR, ".jp-Cell")
                if len(cells) <= drawing:
                    return False
                within = cells[drawing]
            found = [
                e
                for e in within.find_elements(By.CSS_SELECTOR, selector)
                if e.size["width"] > 100 and e.size["height"] > 50
            ]
            return found or False

        # The wait is the check: a picture of real size was shown. Reading its size again
        # raced JupyterLab re-laying out the notebook under load (0 high, once in a full run).
        first = WebDriverWait(driver, 90).until(drawn)[0]
        # The page shows this notebook, and only it (JupyterLab cuts the title short).
        assert driver.title.startswith(name[:12]), driver.title
        tabs = driver.find_elements(By.CSS_SELECTOR, ".jp-NotebookPanel")
        assert len(tabs) <= 1, [tab.get_attribute("id") for tab in tabs]
        texts = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output")]
        assert not any(t.startswith("<Graph:") or t.startswith("<Player:") for t in texts)
        # Untrusted, the player's output is its static picture: one per drawing cell.
        assert not driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output iframe")
        _scroll_to_top_of(driver, first)
        _shot(driver, f"{app}-{name}.png", tmp_path)
    finally:
        driver.quit()


def test_player_in_a_trusted_notebook_steps_and_plays(jupyter, tmp_path) -> None:
    """The player's own controls, inside the notebook's output (its iframe)."""
    app, url = jupyter
    driver = browser()
    driver.set_window_size(1280, 1100)  # a laptop's browser window
    try:
        driver.get(url(f"trusted-{PLAYER_NOTEBOOK}"))
        frame = WebDriverWait(driver, 90).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output iframe") or False
        )[0]
        driver.execute_script("arguments[0].scrollIntoView()", frame)
        driver.switch_to.frame(frame)
        second = step_into_backward(driver, click)
        driver.switch_to.default_content()
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", frame)
        _shot(driver, f"{app}-player-mid-backward.png", tmp_path)
        driver.switch_to.frame(frame)
        play_advances(driver, click, second)
    finally:
        driver.quit()


def click(driver, button: str) -> None:
    """Click one of the player's buttons, by its id."""
    driver.find_element(By.ID, button).click()


def step_into_backward(driver, press) -> dict:
    """In a player's frame at step 0: ``press`` next through the forward pass and two steps
    into the backward pass, checking the outline, the red edges and the gradients as they
    arrive. Returns the state after the second backward step."""
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "next"))
    start = state(driver)
    assert start["current"] is None and start["counter"].startswith("step 0 / ")
    total = int(start["counter"].split("/")[1].split()[0])
    forward = 0
    while "backward" not in state(driver)["counter"]:
        press(driver, "next")
        forward += 1
        assert forward <= total
    first = state(driver)  # the first backward step: o passes 1 - o² to n
    assert first["current"] is not None and first["redEdges"] >= 1
    assert any(g != "grad 0.0000" for g in first["grads"].values())
    press(driver, "next")
    second = state(driver)  # the outline moves on and more gradients have arrived
    assert second["current"] != first["current"] and second["text"] != first["text"]
    arrived = [sum(g != "grad 0.0000" for g in s["grads"].values()) for s in (first, second)]
    assert arrived[1] > arrived[0]
    return second


def play_advances(driver, press, now: dict) -> None:
    """Play moves the player on by itself (two steps from ``now``); then pause it."""
    press(driver, "play")
    at = int(now["counter"].split()[1])
    WebDriverWait(driver, 15).until(lambda d: int(state(d)["counter"].split()[1]) >= at + 2)
    press(driver, "play")  # pause
