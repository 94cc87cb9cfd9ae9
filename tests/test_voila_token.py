"""Every Voila app the Makefile starts requires a token, printed in its URL like JupyterLab's: the
commands `make dashboard` and `make review-queue` run are started for real and asked over HTTP,
without the token (the login page, nothing of the app) and with it (the app)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.pg import free_port

pytest_plugins = ["tests._widget_fixtures"]  # demo workspace fixtures

REPO = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent.parent
URL = re.compile(r"http://127\.0\.0\.1:(\d+)/\?token=([0-9a-f]{16,})")


def makefile_voila_commands(workspace: Path, ports: tuple[int, ...]) -> list[str]:
    """The Voila command lines `make dashboard review-queue trainer packs` would run (`make -n` prints,
    runs nothing)."""
    ports = (*ports, *(p + 10 for p in ports))[:4]
    out = subprocess.run(["make", "-n", "dashboard", "review-queue", "trainer", "packs", f"VENV={VENV}",
                          f"WORKSPACE={workspace}", f"DASHBOARD_PORT={ports[0]}", f"REVIEW_PORT={ports[1]}",
                          f"TRAINER_PORT={ports[2]}", f"PACKS_PORT={ports[3]}"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    return [line for line in out.replace("\\\n", " ").splitlines() if "/bin/voila " in line]


def get(port: int, path: str) -> tuple[int, str, str]:
    """(status, Location header, body start) of one GET, redirects not followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.getheader("Location") or "", response.read(4000).decode("utf-8", "replace")
    finally:
        conn.close()


def test_the_makefile_starts_every_voila_app_with_a_token():
    commands = makefile_voila_commands(Path("/tmp/ws"), (8866, 8867, 8868, 8869))
    assert len(commands) == 4 and all("notebooks/" in c for c in commands)
    assert all("CURATION_USER=" in c for c in commands)  # every app acts as a named user
    assert all(re.search(r"\s--token(\s|$)", c) for c in commands), commands
    assert all("--Voila.ip=127.0.0.1" in c for c in commands)


@pytest.mark.slow
@pytest.mark.parametrize("app", ["manager_dashboard", "reviewer_queue", "trainer_build_pack"])
def test_a_voila_app_answers_only_with_its_token(demo_path, tmp_path, app):
    ports = (free_port(), free_port(), free_port(), free_port())
    [command] = [c for c in makefile_voila_commands(demo_path, ports) if f"notebooks/{app}.ipynb" in c]
    log = tmp_path / "voila.log"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "PYTHONUNBUFFERED": "1"}
    with open(log, "w") as out:
        proc = subprocess.Popen(["bash", "-c", command], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not URL.search(log.read_text()) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
        found = URL.search(log.read_text())
        assert found, f"Voila printed no URL with a token: {log.read_text()[-1500:]}"
        port, token = int(found.group(1)), found.group(2)
        assert port in ports
        for path in ("/", "/api/kernels", f"/voila/render/{app}.ipynb"):
            status, location, body = get(port, path)
            assert status in (302, 401, 403) and "cw-" not in body, (path, status)
            assert status != 302 or location.startswith("/login"), location
        status, _, body = get(port, f"/?token={token}")
        assert status == 200 and "voila" in body.lower()
        status, _, _ = get(port, "/?token=" + "0" * len(token))
        assert status != 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the shell and the Voila server it started, nothing else
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
