"""Fixtures of the widget, notebook and browser tests: one small demo workspace per test session
(shared by pytest-xdist workers through a file lock), copied for every test that changes it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from filelock import FileLock

from tests.pg import free_port
from tests.pg import copy_workspace

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
DEMO_CALLS, DEMO_SEED = 6, 3


def _shared_dir(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _build_template(root: Path) -> Path:
    """The demo workspace and, beside it, the same corpus's ground truth (for the PII strings)."""
    import callcorpus

    from curation.demo import build_demo

    target = root / f"widgets-demo-{DEMO_CALLS}-{DEMO_SEED}"
    with FileLock(str(target) + ".lock"):
        if not (target / "done").exists():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            ws = build_demo(target / "ws", calls=DEMO_CALLS, seed=DEMO_SEED, clips=0)  # tests make their own clips
            _ensure_difficulty(ws)
            ws.close()
            corpus = target / "corpus"
            callcorpus.generate(corpus, calls=DEMO_CALLS, seed=DEMO_SEED)
            strings = sorted({p["text"] for truth in corpus.glob("*.truth.json")
                              for p in json.loads(truth.read_text("utf-8"))["pii"]})
            (target / "pii_strings.json").write_text(json.dumps(strings, ensure_ascii=False), "utf-8")
            shutil.rmtree(corpus)
            (target / "done").write_text("ok")
    return target


def _ensure_difficulty(ws) -> None:
    """Score the calls when the demo build did not (the browser ranks by difficulty)."""
    from sqlalchemy import func, select

    from curation.difficulty.store import analyse_workspace
    from curation.difficulty.tables import difficulty_scores

    with ws.engine.connect() as conn:
        scored = conn.execute(select(func.count()).select_from(difficulty_scores)).scalar_one()
    if not scored:
        analyse_workspace(ws, user="admin")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    return _build_template(_shared_dir(tmp_path_factory))


@pytest.fixture(scope="session")
def pii_strings(demo_template) -> list[str]:
    """Every PII string the corpus' ground truth lists (names, addresses, numbers, ...)."""
    return json.loads((demo_template / "pii_strings.json").read_text("utf-8"))


@pytest.fixture
def demo_path(demo_template, tmp_path) -> Path:
    """A private copy of the demo workspace (tests change it)."""
    target = tmp_path / "demo-ws"
    copy_workspace(demo_template / "ws", target)
    return target


@pytest.fixture
def demo_ws(demo_path):
    from curation.workspace import Workspace

    ws = Workspace.open(demo_path)
    yield ws
    ws.close()


class VoilaApp:
    """A Voila server on a free local port serving one notebook, stopped by `close()`."""

    def __init__(self, notebook: str, workspace: Path, user: str, runtime: Path, extra: list[str] = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "CURATION_WORKSPACE": str(workspace), "CURATION_USER": user,
               "JUPYTER_RUNTIME_DIR": str(runtime), "PYTHONUNBUFFERED": "1"}
        self.log = runtime / f"voila-{self.port}.log"
        voila = Path(sys.executable).with_name("voila")
        self.proc = subprocess.Popen(
            [str(voila), str(NOTEBOOKS / notebook), "--no-browser", f"--port={self.port}", "--Voila.ip=127.0.0.1",
             "--strip_sources=True", "--show_tracebacks=False", *extra],
            cwd=NOTEBOOKS, env=env, stdout=open(self.log, "w"), stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait()
        except BaseException:
            self.close()
            raise

    def _wait(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"voila exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "voila/static/", timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # the server answers (a 404 for the folder is fine): it is up
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"voila did not answer on {self.url} within {timeout:.0f} s")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser_page(tmp_path):
    """A fresh headless Chromium (Debian's) page with its own profile; closed after the test."""
    from playwright import sync_api as playwright
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.fail("Debian's chromium is not installed (apt-get install -y chromium)")
    with playwright.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1320, "height": 1000})
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()
