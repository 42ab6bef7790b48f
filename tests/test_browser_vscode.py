"""Browser tests of VS Code's notebooks: code-server (VS Code 1.96 in a browser), driven in
the system Chromium, opens the committed notebooks with VS Code's own notebook editor.

- notebook 01 shows its drawings as pictures (``<svg>`` or ``<img>`` in VS Code's output
  webview), never the ``<Graph: ...>`` text;
- in notebook 02 the player is interactive: VS Code prefers ``text/html``, and the
  player's step and play buttons change the outlined node and the gradients shown.

Only saved outputs are shown (no kernel runs): what a user sees on opening the notebook.
They need what ``test_browser`` needs, and code-server: ``bash .ci/code-server`` installs
it from npm (CI does) and prints its path; pass it in ``CODE_SERVER`` or put it on PATH.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import test_browser as helpers

CODE_SERVER = os.environ.get("CODE_SERVER") or shutil.which("code-server")

pytestmark = pytest.mark.skipif(
    CODE_SERVER is None or not Path(CODE_SERVER).exists(),
    reason="the VS Code tests need code-server: run `bash .ci/code-server` and pass the "
    "path it prints in CODE_SERVER",
)

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

NOTEBOOKS = ("01_expressions_and_graphs.ipynb", "02_backprop_step_by_step.ipynb")
# No workspace-trust prompt (it would open the notebook as JSON text), nothing fetched.
SETTINGS = {
    "security.workspace.trust.enabled": False,
    "workbench.startupEditor": "none",
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": False,
    "update.mode": "none",
}


@pytest.fixture(scope="module")
def vscode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A code-server over copies of the notebooks; yields the URL that opens the folder."""
    root = tmp_path_factory.mktemp("vscode")
    folder = root / "notebooks"
    folder.mkdir()
    for name in NOTEBOOKS:
        shutil.copy(helpers.ROOT / "notebooks" / name, folder / name)
    data = root / "data"
    (data / "User").mkdir(parents=True)
    (data / "User" / "settings.json").write_text(json.dumps(SETTINGS))
    port = helpers._free_port()
    assert CODE_SERVER is not None
    command = [
        CODE_SERVER,
        "--auth=none",
        f"--bind-addr=127.0.0.1:{port}",
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-workspace-trust",
        f"--user-data-dir={data}",
        f"--extensions-dir={root / 'extensions'}",
    ]
    env = {**os.environ, "HOME": str(root)}  # its config file goes to ~/.config
    with helpers.serving(command, env, port):
        yield f"http://127.0.0.1:{port}/?folder={folder}"


def open_notebook(url: str, name: str, height: int = 2400):  # type: ignore[no-untyped-def]
    """A browser with ``name`` open in VS Code's notebook editor (clicked in the explorer,
    as a user does), switched into the webview that holds the cells' outputs."""
    driver = helpers.browser()
    driver.set_window_size(1280, height)  # tall: VS Code renders outputs near the viewport
    driver.get(url)

    # A click before the workbench has finished starting can be lost: click again until
    # the notebook editor is there.
    # (VS Code reopens the last session's editor: only this notebook's active tab counts.)
    def opened(d):  # type: ignore[no-untyped-def]
        tabs = d.find_elements(By.CSS_SELECTOR, ".tab.active")
        if any(name in t.text for t in tabs) and d.find_elements(
            By.CSS_SELECTOR, ".notebook-editor"
        ):
            return True
        for row in d.find_elements(By.CSS_SELECTOR, ".explorer-folders-view .monaco-list-row"):
            if row.text == name:
                row.click()
        return False

    WebDriverWait(driver, 120, poll_frequency=5).until(opened)
    WebDriverWait(driver, 90).until(_into_outputs)
    return driver


def _into_outputs(driver) -> bool:  # type: ignore[no-untyped-def]
    """Switch into the notebook's output webview (an iframe in an iframe), once it has
    outputs; False (and back at the top) until then."""
    driver.switch_to.default_content()
    for webview in driver.find_elements(By.CSS_SELECTOR, "iframe.webview"):
        driver.switch_to.frame(webview)
        inner = driver.find_elements(By.CSS_SELECTOR, "iframe#active-frame")
        if inner:
            driver.switch_to.frame(inner[0])
            if driver.find_elements(By.CSS_SELECTOR, ".output_container"):
                return True
        driver.switch_to.default_content()
    return False


def press(driver, button: str) -> None:  # type: ignore[no-untyped-def]
    """Click one of the player's buttons. Dispatched in the page: VS Code's cell toolbars
    float over the output webview and would take a pointer click at some scroll offsets."""
    driver.execute_script("arguments[0].click()", driver.find_element(By.ID, button))


def test_vscode_shows_pictures_not_repr_text(vscode: str, tmp_path: Path) -> None:
    driver = open_notebook(vscode, NOTEBOOKS[0])
    try:

        def drawn(d):  # type: ignore[no-untyped-def]
            found = [
                e
                for e in d.find_elements(By.CSS_SELECTOR, ".output_container svg, .output img")
                if e.size["width"] > 100 and e.size["height"] > 50
            ]
            return found or False

        pictures = WebDriverWait(driver, 60).until(drawn)
        assert len(pictures) >= 2  # draw_graph(y) and the one with edge labels, at least
        texts = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".output")]
        assert not any(t.startswith("<Graph:") for t in texts)
        driver.switch_to.default_content()
        helpers._shot(driver, "vscode-01_expressions_and_graphs.png", tmp_path)
    finally:
        driver.quit()


def test_vscode_player_steps_and_plays(vscode: str, tmp_path: Path) -> None:
    """VS Code shows the player's HTML (it ranks text/html above the pictures) with its
    scripts running: the same checks as in JupyterLab and Notebook 7."""
    # Tall enough that the player (cell 12) is on screen: VS Code scrolls its own list,
    # which a script inside the output cannot.
    driver = open_notebook(vscode, NOTEBOOKS[1], height=14000)
    try:
        frame = WebDriverWait(driver, 60).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, ".output iframe") or False
        )[0]
        driver.execute_script("arguments[0].scrollIntoView()", frame)
        driver.switch_to.frame(frame)
        second = helpers.step_into_backward(driver, press)
        driver.switch_to.default_content()
        helpers._shot(driver, "vscode-player-mid-backward.png", tmp_path)
        _into_outputs(driver)
        driver.switch_to.frame(driver.find_elements(By.CSS_SELECTOR, ".output iframe")[0])
        helpers.play_advances(driver, press, second)
    finally:
        driver.quit()
