"""Every notebook opens in JupyterLab in a real browser, runs all its cells and renders its figures.

Issue 5, "In a real browser". The module starts ``jupyter lab`` from the interpreter that runs
pytest (the project's .venv under ``make test``) on a free localhost port with a random token,
and drives Debian's Chromium with Playwright's sync API. For each ``notebooks/*.ipynb`` it opens
the notebook, clicks Run > Run All Cells, waits (bounded) until every cell has run and the kernel
is idle, and asserts that

- no cell has an error output, and no stderr output shows a traceback (cells tagged
  ``raises-exception`` or starting with ``# NBVAL_RAISES_EXCEPTION`` may raise, as in nbval);
- every non-empty code cell ran;
- figures rendered: when the committed notebook has image outputs, the re-run has at least one
  and every one of them is an ``<img>`` the browser decoded;

and saves a screenshot to ``tests/artifacts/<notebook>.png`` (git-ignored), also on failure.
Output *values* are nbval's job (``make test`` runs ``pytest --nbval`` on the same notebooks).

The server never touches the checkout's notebooks: it serves a temporary mirror of the repository
(``notebooks/`` copied with outputs cleared, every other top-level entry symlinked), so relative
paths such as ``../seeds`` resolve as usual and nothing can save over a committed notebook. Its
config, runtime, settings and workspace folders are temporary too, and it fetches no news.

Chromium comes from Debian (``apt-get install chromium``), never from ``playwright install``.
Without it the test is skipped, except under ``CI=true``, where it fails.

Environment: ``MEDIABIAS_CHROMIUM`` (browser binary, default /usr/bin/chromium),
``MEDIABIAS_BROWSER_TIMEOUT`` (seconds one notebook may take to run all cells, default 900),
``MEDIABIAS_NOTEBOOKS_DIR`` (folder of notebooks to test, default ``notebooks/``; its parent is
the folder mirrored as the server root).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO = TESTS_DIR.parent
ARTIFACTS = TESTS_DIR / "artifacts"
NOTEBOOKS_DIR = Path(os.environ.get("MEDIABIAS_NOTEBOOKS_DIR") or REPO / "notebooks").resolve()
CHROMIUM = os.environ.get("MEDIABIAS_CHROMIUM") or "/usr/bin/chromium"
# Flags from the design brief, "Limits of the machines here"; Playwright adds its own on top.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")

RUN_TIMEOUT = float(os.environ.get("MEDIABIAS_BROWSER_TIMEOUT") or 900)  # one notebook, all cells
SERVER_START_TIMEOUT = 120.0
PAGE_LOAD_TIMEOUT = 120.0
KERNEL_READY_TIMEOUT = 120.0
RUN_START_TIMEOUT = 30.0      # Run All must visibly start within this, else it is clicked again
RUN_ATTEMPTS = 3
IMAGES_TIMEOUT = 30.0
POLL = 0.5

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb")) if NOTEBOOKS_DIR.is_dir() else []

# JupyterLab user settings for the test server: every cell attached to the DOM (so all
# outputs are rendered and countable), no autosave, no news or update checks.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}

# State of the notebook open at PATH, read from the JupyterLab app (the server runs with
# --LabApp.expose_app_in_browser, which sets window.jupyterapp).
STATE_JS = """
(path) => {
  const app = window.jupyterapp;
  if (!app) return {found: false, why: 'window.jupyterapp is not set'};
  let w = null;
  for (const x of app.shell.widgets('main')) {
    if (x.context && x.context.path === path && x.content && x.sessionContext) { w = x; break; }
  }
  const dialogs = [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText.trim());
  if (!w) return {found: false, why: 'notebook widget not open yet', dialogs};
  const sc = w.sessionContext;
  const kernel = sc.session ? sc.session.kernel : null;
  const cells = [];
  (w.content.widgets || []).forEach((cell, i) => {
    const m = cell.model;
    if (!m || m.type !== 'code') return;
    const src = m.sharedModel.getSource();
    const tags = (m.getMetadata && m.getMetadata('tags')) || [];
    const outs = m.outputs.toJSON();
    const imgs = [...cell.node.querySelectorAll('.jp-OutputArea-output img')];
    const stderr = [...cell.node.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')].map(e => e.innerText);
    cells.push({
      index: i,
      hasSource: src.trim().length > 0,
      // errors expected by the notebook: the tag JupyterLab and nbval honour, or nbval's marker
      mayRaise: tags.includes('raises-exception') || /^\\s*#\\s*NBVAL_RAISES_EXCEPTION/.test(src),
      count: m.executionCount,
      running: m.executionState === 'running',
      errors: outs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
      images: outs.filter(o => o.data && Object.keys(o.data).some(t => t.startsWith('image/'))).length,
      imgs: imgs.length,
      imgsDecoded: imgs.filter(im => im.complete && im.naturalWidth > 0).length,
      tracebacks: stderr.filter(t => /Traceback/.test(t)),
    });
  });
  return {
    found: true, dialogs, cells,
    ready: sc.isReady && !!w.content.model && w.context.isReady,
    kernel: kernel ? kernel.status : null,
    connection: kernel ? kernel.connectionStatus : null,
  };
}
"""


# ----------------------------------------------------------------------------- helpers

def _unavailable(reason: str) -> None:
    """Skip outside CI; under CI=true the browser test must run, so fail."""
    if IN_CI:
        pytest.fail(f"{reason}; CI=true, so the browser test must run (.ci/run installs it)", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _image_outputs(nb: dict) -> int:
    return sum(1 for cell in nb.get("cells", []) if cell.get("cell_type") == "code"
               for out in cell.get("outputs", [])
               if any(m.startswith("image/") for m in out.get("data", {})))


def _mirror_repo(src_root: Path, notebooks_dir: Path, dest: Path) -> None:
    """DEST gets NOTEBOOKS_DIR copied (outputs cleared) and every other entry of SRC_ROOT symlinked."""
    dest.mkdir(parents=True, exist_ok=True)
    for entry in src_root.iterdir():
        if entry.name in {notebooks_dir.name, ".git", ".venv"}:
            continue
        (dest / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    copy = dest / notebooks_dir.name
    shutil.copytree(notebooks_dir, copy, symlinks=True,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    for path in copy.glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


class LabServer:
    """``jupyter lab`` in its own process group, on a free port, serving ROOT; always stopped."""

    def __init__(self, root: Path, work: Path):
        self.root, self.work = root, work
        self.port = _free_port()   # a hint: if taken meanwhile, the server tries the next ports
        self.token = secrets.token_hex(16)
        self.url = ""              # known once the server wrote its runtime file
        self.log_path = work / "jupyter-lab.log"
        self.runtime_dir = work / "runtime"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        settings = self.work / "user-settings"
        for plugin, values in LAB_SETTINGS.items():
            path = settings / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values), encoding="utf-8")
        (self.work / "workspaces").mkdir(exist_ok=True)
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=50",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={self.work / 'workspaces'}",
               "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        # Private config, data (trust db, user kernelspecs), runtime and IPython dirs: the user's own
        # settings, extensions or a user-level "python3" kernelspec cannot change the run. The
        # "python3" kernel then resolves to this environment's (argv "python" = sys.executable).
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(self.work / "config"),
                   JUPYTER_DATA_DIR=str(self.work / "data"), JUPYTER_RUNTIME_DIR=str(self.runtime_dir),
                   IPYTHONDIR=str(self.work / "ipython"), PYTHONUNBUFFERED="1")
        for var in ("JUPYTER_TOKEN", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH"):
            env.pop(var, None)
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}\n{self.log_tail()}")
            info = self.runtime_dir / f"jpserver-{self.proc.pid}.json"  # the port it really bound
            try:
                if not self.url and info.is_file():
                    self.port = int(json.loads(info.read_text(encoding="utf-8"))["port"])
                    self.url = f"http://127.0.0.1:{self.port}"
                if self.url:
                    self.api("GET", "/api/status", timeout=5)
                    return
            except (OSError, urllib.error.URLError, ValueError, KeyError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"jupyter lab did not answer within {SERVER_START_TIMEOUT:.0f}s\n{self.log_tail()}")
            time.sleep(POLL)

    def api(self, method: str, path: str, timeout: float = 10):
        req = urllib.request.Request(self.url + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def notebook_url(self, rel_path: str, workspace: str) -> str:
        # A fresh named workspace per page, so a page never restores notebooks opened earlier.
        return f"{self.url}/lab/workspaces/{workspace}/tree/{rel_path}?reset&token={self.token}"

    def shutdown_kernels(self) -> None:
        """Shut down every session (and so its kernel) of the server; best effort, bounded."""
        try:
            for s in self.api("GET", "/api/sessions"):
                self.api("DELETE", f"/api/sessions/{s['id']}", timeout=30)
        except (OSError, urllib.error.URLError, ValueError):
            pass

    def stop(self) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            try:  # graceful: the server shuts its kernels down
                if self.url:
                    self.api("POST", "/api/shutdown", timeout=10)
                    proc.wait(timeout=30)
            except (OSError, urllib.error.URLError, subprocess.TimeoutExpired, ValueError):
                pass
            for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
                if proc.poll() is not None:
                    break
                try:
                    os.killpg(proc.pid, sig)
                    proc.wait(timeout=wait)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    pass
        self._kill_leftover_kernels()
        if getattr(self, "_log", None):
            self._log.close()

    def _kill_leftover_kernels(self) -> None:
        """Kernels run in their own sessions; kill any still using this server's runtime dir."""
        marker = str(self.runtime_dir).encode()
        for proc_dir in Path("/proc").glob("[0-9]*"):
            try:
                if marker in (proc_dir / "cmdline").read_bytes():
                    os.kill(int(proc_dir.name), signal.SIGKILL)
            except (OSError, ValueError):
                pass

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "--- jupyter lab log (tail) ---\n" + "\n".join(text.splitlines()[-lines:])


# ----------------------------------------------------------------------------- fixtures
# Module scope: Playwright's sync API and the server are gone before nbval runs the notebooks.

@pytest.fixture(scope="module")
def chromium() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"{CHROMIUM} not found (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("jupyterlab")
    root = work / "root"
    _mirror_repo(NOTEBOOKS_DIR.parent, NOTEBOOKS_DIR, root)
    server = LabServer(root, work)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(chromium: str, tmp_path_factory: pytest.TempPathFactory):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # a dev dependency: always fail, never skip
        pytest.fail(f"the playwright package is missing ({exc}); pip install -e '.[dev]'", pytrace=False)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile), executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000}, timeout=120_000)
        try:
            yield context
        finally:
            context.close()


# ----------------------------------------------------------------------------- the test

def _poll(page, rel_path: str, until, timeout: float, what: str, lab: LabServer) -> dict:
    """Evaluate STATE_JS every POLL seconds until ``until(state)`` holds; fail after TIMEOUT."""
    deadline = time.monotonic() + timeout
    state: dict = {}
    while True:
        state = page.evaluate(STATE_JS, rel_path)
        if until(state):
            return state
        if state.get("kernel") == "dead":
            pytest.fail(f"{rel_path}: the kernel died while waiting for {what}\n{lab.log_tail()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{rel_path}: timed out after {timeout:.0f}s waiting for {what}; "
                        f"last state: {json.dumps(state)[:2000]}\n{lab.log_tail()}")
        time.sleep(POLL)


def _kernel_ready(state: dict) -> bool:
    return bool(state.get("found") and state.get("ready") and state.get("kernel") == "idle"
                and state.get("connection") == "connected")


def _started(state: dict) -> bool:
    return any(c["running"] or c["count"] is not None for c in state.get("cells", []))


def _finished(state: dict) -> bool:
    cells = state.get("cells", [])
    if any(c["running"] for c in cells) or state.get("kernel") != "idle":
        return False
    return (all(c["count"] is not None for c in cells if c["hasSource"])
            or any(c["errors"] for c in cells if not c["mayRaise"]))


def _run_all_cells(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel",
                 has_text=re.compile(r"^Run All Cells$")).click()


params = [pytest.param(p, id=p.stem) for p in NOTEBOOKS] or [
    pytest.param(None, id="no-notebooks", marks=pytest.mark.skip(reason=f"no notebooks in {NOTEBOOKS_DIR} yet"))]


@pytest.mark.parametrize("notebook", params)
def test_notebook_runs_in_jupyterlab(notebook: Path, browser, lab: LabServer) -> None:
    rel_path = f"{NOTEBOOKS_DIR.name}/{notebook.name}"
    committed_images = _image_outputs(json.loads(notebook.read_text(encoding="utf-8")))
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page()
    page.set_default_timeout(60_000)
    t0 = time.monotonic()
    try:
        page.goto(lab.notebook_url(rel_path, f"t{secrets.token_hex(4)}"), wait_until="domcontentloaded",
                  timeout=PAGE_LOAD_TIMEOUT * 1000)

        def ready_or_dialog(state: dict) -> bool:
            # A notebook without kernelspec asks for a kernel: accept the proposed one.
            if state.get("dialogs") and page.locator(".jp-Dialog .jp-mod-accept").count():
                page.locator(".jp-Dialog .jp-mod-accept").first.click()
                return False
            return _kernel_ready(state)

        _poll(page, rel_path, ready_or_dialog, KERNEL_READY_TIMEOUT, "the notebook and its kernel", lab)
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # wider notebook in the screenshot

        # Run All is a no-op if the frontend has not yet attached the kernel; then click again.
        state = page.evaluate(STATE_JS, rel_path)
        for attempt in range(1, RUN_ATTEMPTS + 1 if any(c["hasSource"] for c in state["cells"]) else 1):
            _run_all_cells(page)
            try:
                _poll(page, rel_path, _started, RUN_START_TIMEOUT, "Run All Cells to start", lab)
                break
            except pytest.fail.Exception:
                if attempt == RUN_ATTEMPTS:
                    raise
                _poll(page, rel_path, _kernel_ready, KERNEL_READY_TIMEOUT, "the kernel", lab)

        state = _poll(page, rel_path, _finished, RUN_TIMEOUT, "all cells to run", lab)

        checked = [c for c in state["cells"] if not c["mayRaise"]]
        errors = [f"cell {c['index'] + 1}: {e}" for c in checked for e in c["errors"]]
        assert not errors, f"{rel_path}: cells raised in JupyterLab:\n" + "\n".join(errors)
        tracebacks = [f"cell {c['index'] + 1}:\n{t[:1500]}" for c in checked for t in c["tracebacks"]]
        assert not tracebacks, f"{rel_path}: stderr shows a traceback:\n" + "\n---\n".join(tracebacks)
        unrun = [c["index"] + 1 for c in state["cells"] if c["hasSource"] and c["count"] is None]
        assert not unrun, f"{rel_path}: cells did not run: {unrun}"

        produced = sum(c["images"] for c in state["cells"])
        if committed_images:
            assert produced > 0, (f"{rel_path}: the committed notebook has {committed_images} figure(s), "
                                  "the run in JupyterLab produced none")
            state = _poll(page, rel_path, lambda s: sum(c["imgsDecoded"] for c in s["cells"]) >= produced,
                          IMAGES_TIMEOUT, f"{produced} figure(s) to render", lab)
            page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img").first \
                .scroll_into_view_if_needed()
        print(f"{rel_path}: ran in JupyterLab in {time.monotonic() - t0:.1f}s, "
              f"{sum(c['imgsDecoded'] for c in state['cells'])} figure(s) rendered")
    finally:
        try:
            page.screenshot(path=str(ARTIFACTS / f"{notebook.stem}.png"), timeout=30_000)
        except Exception:  # a screenshot must never hide the real failure
            pass
        page.close()
        lab.shutdown_kernels()


def test_report_html_shows_every_figure_in_chromium(browser, tmp_path: Path) -> None:
    """`mediabias report` on the seeds: report.html opens in Chromium, every embedded figure decodes."""
    out = tmp_path / "report"
    proc = subprocess.run([sys.executable, "-m", "mediabias.cli", "report", str(NOTEBOOKS_DIR.parent / "seeds"),
                           "--out", str(out), "--quiet", "--jobs", "1"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    n_figures = len(list((out / "figures").glob("*.png")))
    assert n_figures >= 5
    page = browser.new_page()
    try:
        page.goto((out / "report.html").as_uri(), wait_until="load", timeout=120_000)
        page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=30_000)
        images = page.evaluate("Array.from(document.images).map(i => [i.naturalWidth, i.naturalHeight])")
        scripts = page.evaluate("document.scripts.length")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
    finally:
        page.close()
    assert len(images) >= n_figures and all(w > 0 and h > 0 for w, h in images)
    assert scripts == 0  # a static page: nothing runs
