"""Who am I: every app shows the acting user and role at the top, and `curation whoami` says where the
name came from and how to act as another user - so nobody acts as trainer and reviewer silently."""

from __future__ import annotations

import pytest

from tests._clip_fixtures import run_cli

pytest_plugins = ["tests._widget_fixtures"]  # demo workspace fixtures


def test_cli_whoami_names_the_user_the_roles_and_how_to_switch(demo_path, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, "whoami", "--workspace", demo_path, user="reviewer")
    assert code == 0
    assert out.splitlines()[0] == "Acting as reviewer (privacy reviewer); name from CURATION_USER."
    assert "trainer" in out.splitlines()[1] and "CURATION_USER=NAME" in out and "four eyes" in out.lower()


def test_cli_whoami_for_an_unknown_os_user_says_how_to_get_a_role(demo_path, monkeypatch, capsys):
    import getpass

    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    code, out, _ = run_cli(monkeypatch, capsys, "whoami", "--workspace", demo_path, user="")
    assert code == 0
    assert f"Acting as {getpass.getuser()} (no role in this workspace); name from the operating-system user" in out
    assert "curation users add" in out and "CURATION_USER=NAME" in out
    assert "Other users here" not in out  # a stranger is not told who else is here


@pytest.mark.parametrize("app, user, role", [("trainer_pick_calls", "trainer", "trainer"),
                                             ("reviewer_queue", "reviewer", "privacy reviewer"),
                                             ("trainer_build_pack", "trainer", "trainer"),
                                             ("manager_dashboard", "manager", "manager")])
def test_every_app_opens_under_a_bar_naming_the_acting_user(demo_path, monkeypatch, app, user, role):
    from html import unescape

    import widgets
    from curation.users import DEMO_DEFAULT_VAR
    from widgets.whoami import WhoAmIBar

    for var in ("CURATION_USER", "JUPYTERHUB_USER", DEMO_DEFAULT_VAR):  # restored after the test
        monkeypatch.delenv(var, raising=False)
    page = getattr(widgets, app)(demo_path)
    bar = page.children[0]
    assert isinstance(bar, WhoAmIBar)
    assert f"Acting as {user}</b>" in bar.html and role in bar.html
    assert "the demo's default for this app" in unescape(bar.html)  # said, not silent
    monkeypatch.delenv(DEMO_DEFAULT_VAR)
    monkeypatch.setenv("CURATION_USER", user)  # set by whoever started the app
    page = getattr(widgets, app)(demo_path)
    assert "name from CURATION_USER" in page.children[0].html


def test_the_bar_answers_the_pages_heartbeat(demo_ws):
    from widgets.whoami import WhoAmIBar

    bar = WhoAmIBar(demo_ws, user="trainer")
    sent = []
    bar.send = sent.append
    bar._pong(bar, {"ping": 7}, [])
    assert sent == [{"pong": 7}]


def test_the_bar_beats_from_its_own_thread_while_the_kernel_is_busy(demo_ws):
    import time

    from widgets.whoami import WhoAmIBar

    bar = WhoAmIBar(demo_ws, user="trainer", interval_ms=500)
    sent = []
    bar.send = sent.append
    time.sleep(1.7)  # the main thread busy (a long anonymisation), the page still hears the kernel
    bar.close()
    beats = [m["alive"] for m in sent if "alive" in m]
    assert len(beats) >= 2 and beats == sorted(beats)
    time.sleep(0.8)
    assert len([m for m in sent if "alive" in m]) == len(beats)  # closed: no more beats
