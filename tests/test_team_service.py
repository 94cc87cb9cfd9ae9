"""Team mode (issue #18 item 1): a real JupyterHub identifies users by their tokens, the curation
service runs library operations as the token's user, and a kernel that holds only its token can
neither read the workspace (originals, key, database, audit trail) nor act as someone else.

The kernel is a process with the root uid but no capabilities (setpriv), so it cannot enter a folder
that belongs to the service's OS user (uid 64000 here) - as a user's kernel on a JupyterHub, which
runs under the user's own OS account, cannot. No mocks: JupyterHub 6 (DummyAuthenticator, an
in-memory proxy because no browser traffic is routed), the service as its own process, HTTP."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICE_UID = 64000
PEOPLE = ("trainer", "trainer2", "reviewer", "reviewer2", "manager", "agent1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode}: {process.stderr.read()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{what} did not come up at {url}")


HUB_CONFIG = """
from jupyterhub.proxy import Proxy


class InMemoryProxy(Proxy):
    '''Routes kept in memory: the test talks to the Hub API and the service directly.'''
    routes = {{}}

    async def add_route(self, routespec, target, data):
        self.routes[routespec] = {{"routespec": routespec, "target": target, "data": data}}

    async def delete_route(self, routespec):
        self.routes.pop(routespec, None)

    async def get_all_routes(self):
        return dict(self.routes)


c.JupyterHub.proxy_class = InMemoryProxy
c.Proxy.should_start = False
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {proxy_port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {people!r}
c.JupyterHub.db_url = "sqlite:///{folder}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{folder}/cookie_secret"
c.JupyterHub.pid_file = "{folder}/hub.pid"
c.JupyterHub.services = [
    {{"name": "curation", "url": "http://127.0.0.1:{service_port}", "api_token": "{service_token}"}},
    {{"name": "provisioner", "api_token": "{admin_token}"}},
]
c.JupyterHub.load_roles = [
    {{"name": "curation-users", "scopes": ["access:services!service=curation"], "users": {people!r}}},
    {{"name": "provisioner", "scopes": ["admin:users", "tokens"], "services": ["provisioner"]}},
]
"""


def hub_api(hub: dict, method: str, path: str, body: dict | None = None) -> dict:
    req = urllib.request.Request(f"{hub['api']}/{path}", method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": f"token {hub['admin_token']}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"{}")


def token_for(hub: dict, name: str, scopes=("access:services!service=curation",)) -> str:
    return hub_api(hub, "POST", f"users/{name}/tokens", {"scopes": list(scopes), "note": "test kernel"})["token"]


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hub")
    ports = dict(proxy_port=free_port(), hub_port=free_port(), service_port=free_port())
    tokens = dict(service_token=secrets.token_hex(16), admin_token=secrets.token_hex(16))
    (folder / "jupyterhub_config.py").write_text(HUB_CONFIG.format(folder=folder, people=list(PEOPLE), **ports,
                                                                   **tokens))
    process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(folder / "jupyterhub_config.py")],
                               cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    info = dict(api=f"http://127.0.0.1:{ports['hub_port']}/hub/api", **ports, **tokens)
    try:
        wait_for(f"{info['api']}/", process, "JupyterHub")
        yield info
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory):
    """Users, calls and one anonymised clip per call, on SQLite whatever the suite's database: the
    workspace folder is what a kernel must not enter (a team on PostgreSQL keeps the database
    password in that folder; the server's own access rules are the database administrator's)."""
    from curation.clips import anonymise_clip, create_clip
    from curation.coaching import assign, register_agent
    from curation.roles import add_user
    from curation.workspace import DATABASE_SERVER_ENV, Workspace
    from tests._clip_fixtures import approve_clip, populate

    base = tmp_path_factory.mktemp("team-template")
    server = os.environ.pop(DATABASE_SERVER_ENV, None)
    try:
        ws = Workspace.create(base / "ws")
    finally:
        if server is not None:
            os.environ[DATABASE_SERVER_ENV] = server
    add_user(ws, "admin", "admin", user="admin")
    populate(ws, base, stems=("call1",))
    clip = create_clip(ws, "call1", 0.0, 11.0, title="Boze klant over de rekening", snap="word", user="trainer")
    assert anonymise_clip(ws, clip.id, user="trainer").ok
    # an approved clip assigned to an agent, for the coaching app
    taught = create_clip(ws, "call1", 0.0, 11.0, title="Les: de rekening uitleggen", snap="word", user="trainer")
    assert anonymise_clip(ws, taught.id, user="trainer").ok
    approve_clip(ws, taught.id)
    add_user(ws, "agent1", "agent", user="admin")
    register_agent(ws, "agent1", "agent-001", team="zorg", user="trainer")
    task = assign(ws, "De rekening uitleggen", date.today() + timedelta(days=30), agents=["agent1"],
                  clip_ids=[taught.id], objectives=["rustig blijven"], reflection_question="Wat zou jij anders doen?",
                  user="trainer")
    ws.close()
    return base / "ws", {"c1": clip.id, "c2": taught.id, "assignment": task}


@pytest.fixture
def team(hub, sqlite_template, tmp_path):
    """A copy of the template owned by the service's OS user, and the service running on it."""
    import shutil

    source, clips = sqlite_template
    shutil.copytree(source, tmp_path / "ws")
    subprocess.run(["chown", "-R", f"{SERVICE_UID}:{SERVICE_UID}", str(tmp_path / "ws")], check=True)
    os.chmod(tmp_path, 0o755)  # the kernel may see that the folder exists, not enter it
    running = dict(url=f"http://127.0.0.1:{hub['service_port']}", root=tmp_path / "ws", clips=clips, hub=hub)
    running["service"] = start_service(running)
    try:
        yield running
    finally:
        running["service"].terminate()
        running["service"].wait(timeout=30)


def start_service(team: dict) -> subprocess.Popen:
    """The curation service on the team's workspace and port (1 minute of originals per hour), ready."""
    hub = team["hub"]
    env = {**os.environ, "JUPYTERHUB_API_TOKEN": hub["service_token"], "JUPYTERHUB_API_URL": hub["api"],
           "JUPYTERHUB_SERVICE_NAME": "curation", "PYTHONPATH": str(ROOT)}
    env.pop("CURATION_USER", None)
    service = subprocess.Popen([sys.executable, "-m", "hubservice", "--workspace", str(team["root"]),
                                "--port", str(hub["service_port"]), "--original-minutes-per-hour", "1"], cwd=ROOT,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for(f"{team['url']}/api/health", service, "the curation service")
    return service


def kernel(team: dict, token: str, code: str) -> dict:
    """Run `code` as a user's kernel would: no capabilities, only the token and the service's URL in
    its environment; it prints one JSON line that is returned."""
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "HOME": "/tmp", "CURATION_SERVICE_URL": team["url"],
           "JUPYTERHUB_API_TOKEN": token, "WS": str(team["root"])}
    program = "import json, os, sys\nfrom curation.remote import RemoteWorkspace\nout = {}\n" + textwrap.dedent(code) \
        + "\nprint(json.dumps(out, default=str))\n"
    done = subprocess.run(["setpriv", "--bounding-set=-all", "--inh-caps=-all", "--", sys.executable, "-c", program],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def audit_actions(root: Path) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from curation.store.schema import audit_events
    from curation.workspace import Workspace

    ws = Workspace.open(root)
    try:
        with ws.engine.connect() as conn:
            return [(r.actor, r.action) for r in conn.execute(select(audit_events).order_by(audit_events.c.seq))]
    finally:
        ws.close()


def test_the_service_knows_who_you_are_from_your_hub_token_only(team):
    out = kernel(team, token_for(team["hub"], "reviewer"), """
        out["me"] = RemoteWorkspace().whoami()
        os.environ["CURATION_USER"] = "trainer"  # what a single-user kernel would trust
        out["still"] = RemoteWorkspace().whoami()["name"]
    """)
    assert out["me"] == {"name": "reviewer", "roles": ["privacy_reviewer"], "source": "JupyterHub token"}
    assert out["still"] == "reviewer"


def test_a_kernel_cannot_read_originals_the_key_the_database_or_the_audit_trail(team):
    out = kernel(team, token_for(team["hub"], "trainer"), """
        for name in ("originals", "keys/secret.key", "catalogue.sqlite", "workspace.json"):
            try:
                open(os.path.join(os.environ["WS"], name), "rb").read()
                out[name] = "read"
            except IsADirectoryError:
                try:
                    os.listdir(os.path.join(os.environ["WS"], name))
                    out[name] = "listed"
                except PermissionError:
                    out[name] = "denied"
            except PermissionError:
                out[name] = "denied"
        try:
            from curation.workspace import Workspace
            Workspace.open(os.environ["WS"])
            out["open"] = "opened"
        except Exception as exc:
            out["open"] = type(exc).__name__
        try:
            RemoteWorkspace().call("curation.clips.audio.export_original", "call1", "/tmp/x.wav")
        except Exception as exc:
            out["original"] = str(exc)
    """)
    assert {k: out[k] for k in ("originals", "keys/secret.key", "catalogue.sqlite", "workspace.json")} == \
        dict.fromkeys(("originals", "keys/secret.key", "catalogue.sqlite", "workspace.json"), "denied")
    assert out["open"] != "opened"
    assert "not an operation the service offers" in out["original"]


def test_a_kernel_cannot_approve_as_someone_else_and_four_eyes_hold(team):
    clip = team["clips"]["c1"]
    trainer, reviewer = token_for(team["hub"], "trainer"), token_for(team["hub"], "reviewer")
    out = kernel(team, trainer, f"""
        ws = RemoteWorkspace()
        ws.call("curation.review.submit", {clip!r})
        for attempt, kwargs in (("forged", {{"user": "reviewer"}}), ("own", {{}})):
            try:
                ws.call("curation.review.approve", {clip!r}, attestations=[], **kwargs)
                out[attempt] = "approved"
            except Exception as exc:
                out[attempt] = type(exc).__name__ + ": " + str(exc)
    """)
    assert out["forged"].startswith("CurationError") and "user= is not accepted" in out["forged"]
    assert out["own"].startswith("PermissionDenied")  # a trainer may not review
    out = kernel(team, reviewer, f"""
        from curation.review import CHECKLIST
        ws = RemoteWorkspace()
        clip = ws.call("curation.clips.edit.get_clip", {clip!r})
        ws.call("curation.clips.listening.record_listening", {clip!r}, [[0.0, clip["end"] - clip["start"]]])
        out["state"] = ws.call("curation.review.approve", {clip!r}, attestations=list(CHECKLIST))["state"]
        out["audio"] = len(ws.call("curation.clips.audio.load_clip_audio", {clip!r}))
    """)
    assert out["state"] == "approved" and out["audio"] > 1000
    actions = audit_actions(team["root"])
    assert ("trainer", "clip.submitted") in actions and ("reviewer", "clip.approved") in actions
    assert not [a for a in actions if a[1] == "clip.approved" and a[0] != "reviewer"]


def test_a_revoked_token_and_a_removed_user_are_refused_at_once(team):
    hub = team["hub"]
    token = token_for(hub, "manager")
    code = """
        try:
            out["n"] = RemoteWorkspace().call("curation.aggregates.compute")["totals"]
        except Exception as exc:
            out["error"] = type(exc).__name__ + ": " + str(exc)
    """
    assert "n" in kernel(team, token, code)
    for t in hub_api(hub, "GET", "users/manager/tokens")["api_tokens"]:
        if t.get("note") == "test kernel":
            hub_api(hub, "DELETE", f"users/manager/tokens/{t['id']}")
    refused = kernel(team, token, code)
    assert refused["error"].startswith("PermissionDenied") and "not valid" in refused["error"]


def test_a_user_removed_while_their_session_is_open_is_refused(team):
    from curation.roles import remove_user
    from curation.workspace import Workspace

    token = token_for(team["hub"], "trainer2")
    code = """
        try:
            out["clips"] = len(RemoteWorkspace().call("curation.clips.edit.list_clips"))
        except Exception as exc:
            out["error"] = type(exc).__name__ + ": " + str(exc)
    """
    assert kernel(team, token, code)["clips"] == 2
    ws = Workspace.open(team["root"])
    remove_user(ws, "trainer2", "trainer", user="admin")
    ws.close()
    assert kernel(team, token, code)["error"].startswith("PermissionDenied")


def test_a_token_without_the_service_scope_is_refused(team):
    out = kernel(team, token_for(team["hub"], "reviewer", scopes=("read:users:name!user",)), """
        try:
            RemoteWorkspace().whoami()
        except Exception as exc:
            out["error"] = str(exc)
    """)
    assert "access:services!service=curation" in out["error"]


# ---- the apps in team mode: the same widgets, the library's operations sent to the service ----------

def test_the_manager_dashboard_runs_in_a_kernel_that_holds_only_a_token(team):
    from curation.aggregates import compute
    from curation.workspace import Workspace

    out = kernel(team, token_for(team["hub"], "manager"), """
        from widgets.apps import manager_dashboard
        page = manager_dashboard()
        bar, both = page.children
        dash, coaching = both.children
        out["coaching"] = coaching.data.totals
        out["who"] = bar.identity.name
        out["bar"] = bar.html
        out["totals"] = dash.data.totals
        out["charts"] = [c.title for c in dash.charts.children]
        out["categories"] = dash.charts.children[0].labels
        out["feedback"] = [dash.feedback.level, dash.feedback.text]
    """)
    ws = Workspace.open(team["root"])
    try:
        local = compute(ws, user="manager")
    finally:
        ws.close()
    assert out["who"] == "manager" and "log in to JupyterHub" in out["bar"]
    assert out["feedback"][0] == "ok"
    assert out["totals"] == json.loads(json.dumps(local.totals, default=str))
    assert out["categories"] == [str(v).replace("_", " ") for v in local.calls_by_category["category"]]
    assert "Clips by state" in out["charts"]
    assert out["coaching"]["assignments"] == 1 and out["coaching"]["completion_percent"] is None  # one agent


def test_the_review_queue_reviews_through_the_service_and_never_offers_the_original(team):
    clip = team["clips"]["c1"]
    kernel(team, token_for(team["hub"], "trainer"), f"""
        from curation.review import submit
        out["state"] = submit(RemoteWorkspace(), {clip!r}).state   # the library function, sent to the service
    """)
    out = kernel(team, token_for(team["hub"], "reviewer"), f"""
        from widgets.apps import reviewer_queue
        from curation.clips import get_clip, record_listening
        from curation.review import CHECKLIST
        page = reviewer_queue()
        queue = page.children[1]
        out["queue"] = [value for _label, value in queue.queue.options]
        out["opened"] = queue.clip.id
        out["sources"] = [value for _label, value in queue.listener.source.options]
        out["player"] = len(queue.listener.player.audio)
        out["transcript"] = len(queue.transcript.value)
        ws = RemoteWorkspace()
        record_listening(ws, {clip!r}, [(0.0, get_clip(ws, {clip!r}).duration)])
        for box in queue.checks:
            box.value = True
        queue.decide("approve")
        out["feedback"] = [queue.feedback.level, queue.feedback.text]
        out["state"] = get_clip(ws, {clip!r}).state
        try:
            get_clip(ws, {clip!r}, user="trainer")
        except Exception as exc:
            out["as_other"] = type(exc).__name__ + ": " + str(exc)
    """)
    assert out["queue"] == [clip] and out["opened"] == clip and out["transcript"] > 0
    assert out["sources"] == ["anonymised", "original"]  # a reviewer may hear originals, through the service
    assert out["player"] > 1000  # the anonymised audio, from the service
    assert out["state"] == "approved", out["feedback"]
    assert out["as_other"].startswith("PermissionDenied") and "act as reviewer" in out["as_other"]
    actions = audit_actions(team["root"])
    assert ("reviewer", "clip.approved") in actions


def test_an_agent_acknowledges_in_the_agent_app_and_the_manager_sees_completion(team):
    assignment = team["clips"]["assignment"]
    out = kernel(team, token_for(team["hub"], "agent1"), """
        from widgets.apps import agent_assignments
        page = agent_assignments()
        app = page.children[1]
        out["listed"] = [value for _label, value in app.list.options]
        out["clips"] = list(app.clip.options)
        app.play()
        out["audio"] = len(app.player.children[0].value)
        app.reflection.value = "Eerst laten uitpraten."
        app.acknowledge()
        out["feedback"] = [app.feedback.level, app.feedback.text]
        from curation.coaching import evaluate
        try:
            evaluate(RemoteWorkspace(), "call1")
        except Exception as exc:
            out["evaluate"] = type(exc).__name__ + ": " + str(exc)
    """)
    assert out["listed"] == [assignment] and out["clips"] == [[team["clips"]["c2"]] * 2]
    assert out["audio"] > 1000 and out["feedback"][0] == "ok"
    assert out["evaluate"].startswith("PermissionDenied"), out["evaluate"]
    done = kernel(team, token_for(team["hub"], "manager"), """
        from curation.coaching import completion
        out["rows"] = completion(RemoteWorkspace())
    """)["rows"]
    [row] = [r for r in done if r["id"] == assignment]
    assert (row["assigned"], row["acknowledged"], row["open"]) == (1, 1, 0)
    actions = audit_actions(team["root"])
    assert ("agent1", "coaching.acknowledged") in actions


def test_a_trainer_cuts_anonymises_and_submits_a_clip_in_the_trainer_app_hearing_the_original_through_the_service(team):
    out = kernel(team, token_for(team["hub"], "trainer"), """
        from widgets.apps import trainer_pick_calls
        page = trainer_pick_calls()
        bench = page.children[1]
        out["unscored"] = bench.browser.unscored  # the template's call is not scored: open it directly
        bench.cutter.open_call("call1")
        cutter = bench.cutter
        out["opened"] = [cutter.feedback.level, cutter.feedback.text]
        out["player"] = [len(cutter.player.audio), len(cutter.player.turns)]
        cutter.controls.start.value, cutter.controls.end.value = 0.0, 8.0
        cutter.clip_title.value = "de opening"
        cutter.create_button.click()
        out["created"] = [cutter.feedback.level, cutter.feedback.text]
        desk = bench.desk
        out["clip"] = desk.clip.id
        out["words"] = len(desk.redactions.words.options)
        desk.anonymise_button.click()
        out["anonymised"] = [desk.feedback.level, desk.feedback.text]
        out["sources"] = [value for _label, value in desk.listener.source.options]
        out["listen"] = len(desk.listener.player.audio)
        desk.submit_button.click()
        out["submitted"] = [desk.feedback.level, desk.feedback.text, desk.clip.state]
    """)
    assert out["unscored"] == ["call1"]
    assert out["opened"][0] == "info" and "drag on the waveform" in out["opened"][1], out["opened"]
    assert out["player"][0] > 1000 and out["player"][1] > 0  # the original's sound, from the service, and turns
    assert out["created"][0] == "ok", out["created"]
    assert out["words"] > 0  # the clip's words, read through the service (audited there)
    assert out["anonymised"][0] == "ok", out["anonymised"]
    assert out["sources"] == ["anonymised", "original"] and out["listen"] > 1000
    assert out["submitted"][0] == "ok" and out["submitted"][2] == "submitted", out["submitted"]
    actions = audit_actions(team["root"])
    for action in ("clip.created", "call.transcript_read", "clip.anonymised", "clip.submitted",
                   "call.original_played"):
        assert ("trainer", action) in actions, action


def test_a_trainer_scores_unscored_calls_from_the_pick_calls_app_on_the_service(team):
    out = kernel(team, token_for(team["hub"], "trainer"), """
        from widgets.apps import trainer_pick_calls
        bench = trainer_pick_calls().children[1]
        browser = bench.browser
        out["before"] = list(browser.unscored)
        seen = []
        browser.progress.update = lambda done, label="": seen.append([done, label])
        browser.analyse_button.click()
        out["feedback"] = [browser.feedback.level, browser.feedback.text]
        out["after"] = list(browser.unscored)
        out["progress"] = seen
        try:  # a weights file names a place on the service's disk
            from curation.difficulty.store import analyse_workspace
            analyse_workspace(RemoteWorkspace(), weights="/etc/passwd", call_ids=["call1"])
        except Exception as exc:
            out["weights"] = type(exc).__name__ + ": " + str(exc)
    """)
    assert out["before"] == ["call1"] and out["after"] == [], out
    assert out["feedback"] == ["ok", "scored 1 calls"], out["feedback"]
    assert out["progress"][-1] == [1, "1 of 1"], out["progress"]  # told when the service is done
    assert "weights= is not accepted" in out["weights"], out["weights"]
    assert ("trainer", "difficulty.analysed") in audit_actions(team["root"])


def test_originals_reach_only_roles_that_may_hear_them_and_only_so_much_per_hour(team):
    """The service runs `original_audio` as the token's user: a manager is refused by the library; a
    trainer gets the range, audited, until the service's listening budget (1 min per hour here) is spent."""
    manager = kernel(team, token_for(team["hub"], "manager"), """
        from curation.clips import original_audio
        try:
            original_audio(RemoteWorkspace(), "call1", 0.0, 5.0)
        except Exception as exc:
            out["refused"] = type(exc).__name__ + ": " + str(exc)
    """)
    assert manager["refused"].startswith("PermissionDenied"), manager
    trainer = kernel(team, token_for(team["hub"], "trainer"), """
        import io, soundfile
        from curation.clips import original_audio
        out["got"] = []
        for _ in range(6):  # 12 s each: the fifth is the last the budget of 60 s lets through
            try:
                out["got"].append(soundfile.info(io.BytesIO(original_audio(RemoteWorkspace(), "call1", 1.0, 13.0))).duration)
            except Exception as exc:
                out["got"].append(type(exc).__name__ + ": " + str(exc))
    """)
    assert [round(x, 1) for x in trainer["got"][:5]] == [12.0] * 5, trainer
    assert "min of original audio in the last hour" in trainer["got"][5], trainer
    played = [a for a in audit_actions(team["root"]) if a[1] == "call.original_played"]
    assert played == [("trainer", "call.original_played")] * 5  # the refused request reached no original


def test_a_trainer_builds_a_pack_on_the_service_and_downloads_it_in_the_pack_app(team):
    approved = team["clips"]["c2"]
    elsewhere = Path(f"/tmp/elders-{secrets.token_hex(4)}.zip")  # a place outside the service's workspace
    out = kernel(team, token_for(team["hub"], "trainer"), f"""
        import io, zipfile
        from widgets.apps import trainer_build_pack
        from curation.packs import build_pack
        page = trainer_build_pack()
        builder = page.children[1]
        out["available"] = [value for _label, value in builder.available.options]
        builder.add([{approved!r}])
        builder.name.value = "rekening-uitleggen"
        builder.course_title.value = "De rekening uitleggen"
        builder.export_button.click()
        out["built"] = [builder.feedback.level, builder.feedback.text, builder.progress.label.value]
        builder.download_button.click()
        out["downloaded"] = [builder.feedback.level, builder.feedback.text]
        data = builder.downloader.data
        out["zip"] = sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())[:50] if data else []
        from curation.packs.download import downloadable_builds
        out["records"] = [[r.name, r.path] for r in downloadable_builds(RemoteWorkspace())]
        out["verified_path"] = builder.last_pack.verification.path
        try:
            build_pack(RemoteWorkspace(), "elders", [{approved!r}], out={str(elsewhere)!r})
        except Exception as exc:
            out["elsewhere"] = type(exc).__name__ + ": " + str(exc)
        try:  # the raw request, with the place as the fourth positional argument
            RemoteWorkspace().call("curation.packs.build.build_pack", "elders", [{approved!r}], {str(elsewhere)!r})
        except Exception as exc:
            out["positional"] = type(exc).__name__ + ": " + str(exc)
    """)
    assert out["available"] == [approved]
    assert out["built"][0] == "ok" and "verified" in out["built"][1], out["built"]
    assert out["downloaded"][0] == "ok", out["downloaded"]
    assert "manifest.json" in out["zip"]
    assert "out= is not accepted" in out["elsewhere"], out["elsewhere"]
    assert "out= is not accepted" in out["positional"], out["positional"]
    assert not elsewhere.exists()
    assert (team["root"] / "packs" / "rekening-uitleggen.zip").exists()  # built where the service keeps packs
    assert ["rekening-uitleggen", "packs/rekening-uitleggen.zip"] in out["records"], out["records"]
    assert out["verified_path"] == "packs/rekening-uitleggen.zip"
    assert str(team["root"].resolve()) not in json.dumps(out)  # no result names the service's own folders
    actions = audit_actions(team["root"])
    assert ("trainer", "pack.built") in actions and ("trainer", "pack.downloaded") in actions


def test_places_are_found_by_annotation_and_results_never_name_the_service_folders(tmp_path):
    """The service refuses any argument naming a place on its disk: found by the parameter's name or by an
    annotation that admits a Path, so an operation added later under another name cannot slip through."""
    from hubservice.app import jsonable, place_parameters

    def operation(ws, clip_id: str, target: "str | Path | None" = None, note: str = "", *, where: Path = None,
                  out=None, user=None):
        return None

    assert place_parameters(operation) == ("target", "where", "out")
    assert place_parameters(lambda ws, path_like_name=None: None) == ()  # names are matched whole, not in part
    root = str(tmp_path.resolve())
    sent = jsonable({"path": f"{root}/packs/a.zip", "problems": [f"{root}/packs/a.zip: bad member"],
                     "file": tmp_path / "packs" / "a.zip", "root": root, "other": "/elsewhere/a.zip"}, root)
    assert sent == {"path": "packs/a.zip", "problems": ["packs/a.zip: bad member"], "file": "a.zip", "root": ".",
                    "other": "/elsewhere/a.zip"}


def test_the_cli_in_a_kernel_sends_recordings_to_the_service_to_import(team, tmp_path):
    from tests._clip_fixtures import make_call

    folder = make_call(tmp_path / "upload", "call2", seed=7)
    (folder / ".notes.txt").write_text("hidden files stay here")
    out = kernel(team, token_for(team["hub"], "trainer"), f"""
        import subprocess
        def cli(*args):
            done = subprocess.run([sys.executable, "-m", "curation.cli", *args], capture_output=True, text=True)
            return [done.returncode, done.stdout.strip(), done.stderr.strip()]
        out["ingest"] = cli("ingest", {str(folder)!r})
        out["again"] = cli("ingest", {str(folder)!r})
        try:  # a name that would leave the upload folder on the service's disk
            RemoteWorkspace().call("curation.ingest.importer.ingest_upload", {{"../call3.wav": {{"__bytes__": "UklGRg=="}}}})
        except Exception as exc:
            out["escape"] = type(exc).__name__ + ": " + str(exc)
    """)
    assert out["ingest"][0] == 0 and "imported" in out["ingest"][1] and "1 imported" in out["ingest"][1], out["ingest"]
    # outcomes name the file where it lies in the kernel, never the service's folder
    assert f"({folder / 'call2.wav'})" in out["ingest"][1] and "upload-" not in out["ingest"][1]
    assert "0 imported, 1 already present" in out["again"][1], out["again"]
    assert "plain file names" in out["escape"], out["escape"]
    assert not (team["root"] / "call3.wav").exists() and not (team["root"].parent / "call3.wav").exists()
    assert not list((team["root"] / "tmp").glob("upload-*"))  # the upload folder is gone
    assert ("trainer", "call.imported") in audit_actions(team["root"])


def test_the_cli_in_a_kernel_sends_a_manifest_s_metadata_with_each_recording(team, tmp_path):
    from curation.catalogue import consent_fields, get_call
    from curation.workspace import Workspace
    from tests._clip_fixtures import make_call, write_manifest

    folder = tmp_path / "batch"
    for n, stem in enumerate(("call5", "call6")):
        make_call(folder / stem, stem, seed=20 + n)
    manifest = write_manifest(folder, ("call5", "call6"))
    with open(manifest, "a", encoding="utf-8") as fh:  # a row that cannot be read: one failed line, the rest goes on
        fh.write("bad id!,call5/call5.wav,,,,,,,,,,,,\n")
    out = kernel(team, token_for(team["hub"], "trainer"), f"""
        import subprocess
        done = subprocess.run([sys.executable, "-m", "curation.cli", "ingest", {str(folder)!r}], capture_output=True, text=True)
        out["ingest"] = [done.returncode, done.stdout.strip(), done.stderr.strip()]
    """)
    code, stdout, stderr = out["ingest"]
    assert code == 2 and "2 imported, 0 already present, 1 failed" in stdout, out["ingest"]
    assert "line 4: call_id 'bad id!'" in stderr and str(folder / "call5" / "call5.wav") in stdout
    ws = Workspace.open(team["root"])
    try:
        call = get_call(ws, "call5", user="trainer")
        assert (call.agent_id, call.topic) == ("A17", "facturen")
        assert call.customer_ref_hash == ws.keyed_hash("k-call5 ")
        consent = consent_fields(ws, "call5", user="trainer")
        assert consent["notice_purposes"] == "quality;training" and consent["retention_until"] == "2030-01-01"
    finally:
        ws.close()
    assert not list((team["root"] / "tmp").glob("upload-*"))
    assert audit_actions(team["root"]).count(("trainer", "call.imported")) == 2


def test_the_cli_in_a_kernel_exports_a_clip_s_audio_and_original_through_the_service(team, tmp_path):
    import soundfile as sf

    from curation.clips import get_clip
    from curation.workspace import Workspace

    clip_id = team["clips"]["c1"]
    here = tmp_path / "kernel"
    here.mkdir()
    out = kernel(team, token_for(team["hub"], "trainer"), f"""
        import subprocess
        def cli(*args):
            done = subprocess.run([sys.executable, "-m", "curation.cli", *args], capture_output=True, text=True)
            return [done.returncode, done.stdout.strip(), done.stderr.strip()]
        out["audio"] = cli("clips", "audio", "--clip", {clip_id!r}, "--out", {str(here / "clip.mp3")!r})
        out["original"] = cli("clips", "original", "--clip", {clip_id!r}, "--out", {str(here / "original.wav")!r})
    """)
    manager = kernel(team, token_for(team["hub"], "manager"), f"""
        import subprocess
        done = subprocess.run([sys.executable, "-m", "curation.cli", "clips", "original", "--clip", {clip_id!r},
                               "--out", {str(here / "manager.wav")!r}], capture_output=True, text=True)
        out["original"] = [done.returncode, done.stdout.strip(), done.stderr.strip()]
    """)
    assert out["audio"][0] == 0 and out["original"][0] == 0, out
    ws = Workspace.open(team["root"])
    try:
        clip = get_clip(ws, clip_id, user="trainer")
    finally:
        ws.close()
    for name in ("clip.mp3", "original.wav"):
        assert oct((here / name).stat().st_mode & 0o777) == "0o600"
    assert (here / "clip.mp3").read_bytes()[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
    info = sf.info(str(here / "original.wav"))
    assert abs(info.duration - (clip.end - clip.start)) < 0.05  # the clip's range of the original, no more
    assert not list(here.glob(".*.part"))
    assert manager["original"][0] != 0 and "may not" in manager["original"][2], manager
    assert not (here / "manager.wav").exists()
    actions = audit_actions(team["root"])
    assert ("trainer", "clip.played") in actions and ("trainer", "call.original_played") in actions
    assert ("manager", "call.original_played") not in actions


def test_the_listening_budget_books_before_and_settles_after_and_rolls_over_the_hour():
    from tornado import web

    from hubservice.app import ListeningBudget

    now = [0.0]
    budget = ListeningBudget(600.0, clock=lambda: now[0])
    first = budget.reserve("trainer", 400.0)
    second = budget.reserve("trainer", 150.0)  # 550 of 600 s booked: a request in flight counts at once
    with pytest.raises(web.HTTPError) as refused:
        budget.reserve("trainer", 100.0)
    assert refused.value.status_code == 429 and "9 min of original audio" in refused.value.reason
    budget.settle(second, 0.0)  # that request failed: it costs nothing
    budget.settle(first, 390.0)  # the call was shorter than the range asked for
    assert budget.used("trainer") == 390.0
    budget.reserve("trainer", 200.0)
    with pytest.raises(web.HTTPError) as too_long:
        budget.reserve("reviewer", 601.0)  # every user has their own budget, and no range may exceed it
    assert "ask for a shorter range" in too_long.value.reason
    budget.reserve("reviewer", 600.0)
    now[0] = 3599.0
    with pytest.raises(web.HTTPError):
        budget.reserve("trainer", 20.0)
    now[0] = 3601.0  # the first hour's listening has rolled out of the window
    budget.reserve("trainer", 600.0)
    assert budget.used("trainer") == 600.0


def test_a_killed_and_restarted_service_remembers_the_hour_s_listening(team):
    ask = """
        import io, soundfile
        from curation.clips import original_audio
        out["got"] = []
        for _ in range(N):
            try:
                out["got"].append(soundfile.info(io.BytesIO(original_audio(RemoteWorkspace(), "call1", 1.0, 13.0))).duration)
            except Exception as exc:
                out["got"].append(type(exc).__name__ + ": " + str(exc))
    """
    token = token_for(team["hub"], "trainer")
    before = kernel(team, token, ask.replace("range(N)", "range(4)"))
    assert [round(g, 1) for g in before["got"]] == [12.0] * 4, before
    team["service"].kill()  # kill -9: nothing is written on the way out
    team["service"].wait(timeout=30)
    team["service"] = start_service(team)
    after = kernel(team, token, ask.replace("range(N)", "range(2)"))
    assert round(after["got"][0], 1) == 12.0 and "would pass the service's limit" in after["got"][1], after


def test_requests_sent_side_by_side_cannot_pass_the_listening_budget_together(team):
    trainer = kernel(team, token_for(team["hub"], "trainer"), """
        import io, soundfile
        from concurrent.futures import ThreadPoolExecutor
        from curation.clips import original_audio

        def ask(_):
            try:
                return soundfile.info(io.BytesIO(original_audio(RemoteWorkspace(), "call1", 1.0, 13.0))).duration
            except Exception as exc:
                return type(exc).__name__ + ": " + str(exc)
        with ThreadPoolExecutor(8) as pool:  # 8 x 12 s at once against a budget of 60 s
            out["got"] = list(pool.map(ask, range(8)))
    """)
    served = [g for g in trainer["got"] if isinstance(g, float)]
    assert [round(g, 1) for g in served] == [12.0] * 5, trainer  # checked-then-counted would answer all eight
    assert all("would pass the service's limit" in g for g in trainer["got"] if not isinstance(g, float))
    assert [a for a in audit_actions(team["root"]) if a[1] == "call.original_played"] == \
        [("trainer", "call.original_played")] * 5


def test_the_cli_in_a_kernel_goes_through_the_service(team):
    clip, approved = team["clips"]["c1"], team["clips"]["c2"]
    zip_here = Path(f"/tmp/cli-pack-{secrets.token_hex(4)}.zip")  # where the kernel's user wants the download
    out = kernel(team, token_for(team["hub"], "trainer2"), f"""
        import subprocess
        def cli(*args):
            done = subprocess.run([sys.executable, "-m", "curation.cli", *args], capture_output=True, text=True)
            return [done.returncode, done.stdout.strip(), done.stderr.strip()]
        out["whoami"] = cli("whoami")
        out["check"] = cli("review", "check", "--clip", {clip!r})
        out["submit"] = cli("review", "submit", "--clip", {clip!r})
        out["local"] = cli("review", "submit", "--clip", {clip!r}, "--workspace", os.environ["WS"])
        out["pack"] = cli("pack", "build", "--name", "cli-pack", "--clip", {approved!r}, "--out", {str(zip_here)!r})
        out["again"] = cli("pack", "build", "--name", "cli-pack-2", "--clip", {approved!r}, "--out", {str(zip_here)!r})
        out["verify"] = cli("pack", "verify", {str(zip_here)!r})
    """)
    assert out["whoami"][0] == 0 and out["whoami"][1].startswith("Acting as trainer2 (trainer)")
    assert "JupyterHub token" in out["whoami"][1]
    assert out["check"][0] == 3 and "may not" in out["check"][2], out["check"]  # a trainer does not review
    assert out["submit"][:2] == [0, f"clip {clip}: submitted"]
    assert out["local"][0] != 0 and "is not readable" in out["local"][2]  # the folder itself stays closed
    assert ("trainer2", "clip.submitted") in audit_actions(team["root"])
    try:  # pack build: built on the service, downloaded to the kernel's --out, checked, owner-only
        assert out["pack"][0] == 0 and str(zip_here) in out["pack"][1] and "downloaded" in out["pack"][1], out["pack"]
        assert oct(zip_here.stat().st_mode & 0o777) == "0o600"
        assert (team["root"] / "packs" / "cli-pack.zip").exists()
        assert out["again"][0] != 0 and "exists; pass --force" in out["again"][2], out["again"]
        assert out["verify"][0] == 0, out["verify"]
        actions = audit_actions(team["root"])
        assert ("trainer2", "pack.built") in actions and ("trainer2", "pack.downloaded") in actions
    finally:
        zip_here.unlink(missing_ok=True)


def test_on_a_postgresql_server_that_asks_passwords_the_kernel_cannot_reach_the_catalogue(hub, tmp_path):
    """Team mode on PostgreSQL with scram-sha-256 (what a team's database administrator sets up): the
    service holds the password (in the workspace's settings, which only its OS user can read) and
    serves the user; the kernel reaches the server's port but without the password it gets nothing,
    not with the usual guesses either."""
    from sqlalchemy.engine import make_url

    from curation.roles import add_user
    from curation.workspace import DATABASE_SERVER_ENV, Workspace
    from tests.pg import postgres_cluster

    password = secrets.token_urlsafe(18)
    with postgres_cluster(password=password) as server:
        saved = os.environ.pop(DATABASE_SERVER_ENV, None)
        try:
            ws = Workspace.create(tmp_path / "ws", database_server=server)
        finally:
            if saved is not None:
                os.environ[DATABASE_SERVER_ENV] = saved
        assert make_url(ws.engine.url).get_backend_name() == "postgresql"
        add_user(ws, "admin", "admin", user="admin")
        add_user(ws, "trainer", "trainer", user="admin")
        ws.close()
        subprocess.run(["chown", "-R", f"{SERVICE_UID}:{SERVICE_UID}", str(tmp_path / "ws")], check=True)
        os.chmod(tmp_path, 0o755)
        running = dict(url=f"http://127.0.0.1:{hub['service_port']}", root=tmp_path / "ws", hub=hub)
        running["service"] = start_service(running)
        try:
            port = make_url(server).port
            out = kernel(running, token_for(hub, "trainer"), f"""
                out["me"] = RemoteWorkspace().whoami()
                import psycopg
                out["refused"], out["connected"] = [], []
                for password in (None, "", "curation", "postgres"):
                    try:
                        psycopg.connect(host="127.0.0.1", port={port}, user="curation", dbname="postgres",
                                        password=password, connect_timeout=5).close()
                        out["connected"].append(password)
                    except psycopg.OperationalError as exc:
                        out["refused"].append(str(exc).strip().splitlines()[-1])
                try:
                    out["settings"] = open(os.environ["WS"] + "/workspace.json").read()
                except OSError as exc:
                    out["settings"] = type(exc).__name__
            """)
        finally:
            running["service"].terminate()
            running["service"].wait(timeout=30)
    assert out["me"] == {"name": "trainer", "roles": ["trainer"], "source": "JupyterHub token"}
    assert out["connected"] == [], out
    assert len(out["refused"]) == 4 and all("password" in line for line in out["refused"]), out["refused"]
    assert out["settings"] == "PermissionError"
    assert password not in json.dumps(out)
