"""The Voila apps in a real browser: Voila on a free local port, Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from tests._widget_fixtures import REPO, VoilaApp

pytest_plugins = ["tests._widget_fixtures"]  # demo workspace, browser fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SCREENSHOTS = REPO / "docs" / "screenshots"
WAIT_MS = 120_000


@pytest.fixture
def voila(tmp_path):
    apps = []

    def start(notebook: str, workspace, user: str, extra: list[str] = ()) -> VoilaApp:
        runtime = tmp_path / f"runtime-{len(apps)}"
        runtime.mkdir()
        apps.append(VoilaApp(notebook, workspace, user, runtime, extra))
        return apps[-1]

    yield start
    for app in apps:
        app.close()


def screenshot(page, artifacts, name: str) -> None:
    height = page.evaluate("Math.max(...Array.from(document.querySelectorAll('body, body *'), e => e.scrollHeight))")
    page.set_viewport_size({"width": 1320, "height": min(4000, max(1000, int(height) + 40))})
    page.wait_for_timeout(500)
    path = artifacts / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, timeout=90_000)  # a tall page with canvases, on a loaded 2-core machine
    if os.environ.get("CURATION_UPDATE_SCREENSHOTS"):  # `make screenshots` refreshes the README's copies
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / f"{name}.png")


def some_activity(workspace) -> None:
    """An approved clip and a draft that needs re-enactment, so the charts have more than calls."""
    from curation import review
    from curation.catalogue import call_ids
    from curation.clips import create_clip
    from curation.consent.decisions import call_outcomes, evaluate_clip
    from curation.workspace import Workspace

    from tests._clip_fixtures import listen_whole
    from tests.test_widgets import submitted_clip

    with Workspace.open(workspace) as ws:
        clip_id = submitted_clip(ws)
        listen_whole(ws, clip_id, user="reviewer")
        review.approve(ws, clip_id, user="reviewer", attestations=review.CHECKLIST)
        outcomes = call_outcomes(ws, call_ids(ws, user="trainer"), user="trainer")
        other = next(c for c, outcome in outcomes.items() if outcome == "reenactment_required")
        draft = create_clip(ws, other, 5.0, 25.0, title="needs actors", user="trainer")
        evaluate_clip(ws, draft.id, user="trainer")


def test_manager_dashboard_renders_its_charts_without_personal_data(demo_path, pii_strings, voila, browser_page,
                                                                    artifacts):
    from widgets.apps import READY_LINE

    app = voila("manager_dashboard.ipynb", demo_path, "manager", ["--preheat_kernel=True", "--pool_size=1"])
    deadline = time.monotonic() + WAIT_MS / 1000
    while READY_LINE not in app.log.read_text() and time.monotonic() < deadline:  # warmed up, waiting
        time.sleep(0.2)
    assert READY_LINE in app.log.read_text()
    some_activity(demo_path)  # after the warm-up: the page must still show it (numbers read at request)
    page = browser_page
    page.goto(app.url)
    page.wait_for_function("document.querySelectorAll('.cw-dashboard .cw-chart svg').length >= 7",
                           timeout=WAIT_MS)
    page.wait_for_selector(".cw-msg-ok", timeout=WAIT_MS)
    assert page.locator(".cw-dashboard .cw-chart").count() == 7
    assert page.locator(".cw-coaching-dashboard .cw-chart").count() >= 3  # managers see the coaching numbers too
    assert page.locator(".cw-chart rect.bar").count() > 0
    screenshot(page, artifacts, "manager_dashboard")
    html = page.content()
    text = page.inner_text("body")
    assert len(pii_strings) > 5
    leaked = [s for s in pii_strings if len(s) >= 4 and (s in html or s in text)]
    assert leaked == []
    assert "Traceback" not in text and "cw-msg-error" not in html
    assert "2 clips" in text and "Re-enactment backlog\n1" in text


def test_reviewer_approves_a_clip_in_the_review_queue(demo_path, voila, browser_page, artifacts):
    from curation.clips import get_clip
    from curation.workspace import Workspace

    from tests.test_widgets import submitted_clip

    with Workspace.open(demo_path) as ws:
        clip_id = submitted_clip(ws)
    app = voila("reviewer_queue.ipynb", demo_path, "reviewer")
    page = browser_page
    page.goto(app.url)
    page.wait_for_selector(".cw-review-queue", timeout=WAIT_MS)
    page.wait_for_selector(".cw-player-frame", timeout=WAIT_MS)
    page.wait_for_function("document.querySelector('.cw-player-status') && "
                           "document.querySelector('.cw-player-status').textContent.includes('anonymised')",
                           timeout=WAIT_MS)
    assert clip_id in page.inner_text(".cw-review-queue")
    page.wait_for_selector(".cw-checklist:has-text('has not played the anonymised clip')", timeout=WAIT_MS)
    page.locator(".cw-review-queue .cw-player-frame").focus()
    page.keyboard.press("Space")  # the reviewer presses play: pressing it is not enough...
    page.wait_for_timeout(2500)
    page.keyboard.press("Space")  # ...pausing after two seconds leaves the rest unheard
    page.wait_for_selector(".cw-checklist:has-text('has not heard the whole anonymised clip')", timeout=WAIT_MS)
    for _ in range(3):
        page.keyboard.press("Shift+ArrowRight")  # seek 15 s ahead: what is jumped over is not heard
        page.wait_for_timeout(400)  # a key pressed while the audio still seeks starts from the old time
    page.keyboard.press("Space")  # and play on
    page.wait_for_timeout(1500)
    page.keyboard.press("Space")  # pause: what was played after the jumps is recorded
    from curation.clips import listening_status

    deadline, status = time.monotonic() + 60, {}
    while time.monotonic() < deadline:
        with Workspace.open(demo_path) as ws:
            status = listening_status(ws, clip_id, user="reviewer")
        if len(status["heard"]) >= 2:
            break
        time.sleep(0.5)
    assert len(status["heard"]) >= 2, status  # played, jumped, played: separate stretches
    assert sum(b - a for a, b in status["unheard"]) > 8.0, status  # the audio jumped over is not heard
    page.reload()  # a fresh page (headless Chromium's fake audio output stalls after seeks while playing)
    page.wait_for_selector(".cw-checklist:has-text('has not heard the whole anonymised clip')", timeout=WAIT_MS)
    page.wait_for_function("document.querySelector('.cw-player-status') && "
                           "document.querySelector('.cw-player-status').textContent.includes('anonymised')",
                           timeout=WAIT_MS)
    page.wait_for_timeout(500)
    page.locator(".cw-review-queue .cw-player-frame").focus()
    page.keyboard.press("Space")  # playing it through from the start is the listen
    page.wait_for_selector(".cw-checklist:has-text('every approval condition holds')", timeout=WAIT_MS)
    for box in page.locator(".cw-review-queue input[type=checkbox]").all():
        box.check()
    screenshot(page, artifacts, "reviewer_queue")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_selector(f".cw-msg-ok:has-text('{clip_id} approved')", timeout=WAIT_MS)
    with Workspace.open(demo_path) as ws:
        assert get_clip(ws, clip_id, user="reviewer").state == "approved"


def test_trainer_page_shows_the_waveform_player(demo_path, voila, browser_page, artifacts):
    app = voila("trainer_pick_calls.ipynb", demo_path, "trainer")
    page = browser_page
    page.goto(app.url)
    page.wait_for_selector(".cw-call-browser .widget-select select option", state="attached", timeout=WAIT_MS)
    page.locator(".cw-call-browser input[type=checkbox]").first.uncheck()
    calls = page.locator(".cw-call-browser .widget-select select")
    page.wait_for_function("(el) => el.options.length >= 6", arg=calls.element_handle(), timeout=20_000)
    calls.select_option(index=0)
    page.get_by_role("button", name="Open call").click()
    page.wait_for_function("document.querySelector('.cw-player-status') && "
                           "document.querySelector('.cw-player-status').textContent.includes('original')",
                           timeout=WAIT_MS)
    frame = page.locator(".cw-clip-cutter .cw-player-frame")
    status = ".cw-clip-cutter .cw-player-status"
    shown = 0.0
    for _ in range(10):  # a key pressed before the waveform is ready is ignored: press until the cursor moves
        frame.focus()
        page.keyboard.press("ArrowRight")
        time.sleep(0.5)
        minutes, seconds = page.locator(status).inner_text().split("/")[0].strip().split(":")
        shown = int(minutes) * 60 + float(seconds)
        if shown >= 2.0:
            break
    assert shown >= 1.0, "the arrow keys never moved the play cursor"
    page.keyboard.press("BracketLeft")
    screenshot(page, artifacts, "trainer_pick_calls")
    start = page.locator(".cw-clip-cutter input[type=number]").first
    page.wait_for_function("([el, t]) => Math.abs(parseFloat(el.value) - t) < 0.3", arg=[start.element_handle(), shown],
                           timeout=20_000)


def test_a_trainer_evaluates_and_assigns_an_agent_acknowledges_and_the_manager_sees_completion(
        demo_path, voila, browser_page, artifacts):
    """Issue #19's whole round in the browser: the trainer's coaching page (pre-filled form, finalise,
    send to a team), the agent's app (play, reflect, acknowledge), the manager's coaching numbers."""
    from curation import review
    from curation.coaching import coaching_numbers
    from curation.demo import DEMO_AGENTS, DEMO_TEAM
    from curation.workspace import Workspace

    from tests._clip_fixtures import listen_whole
    from tests.test_widgets import submitted_clip

    with Workspace.open(demo_path) as ws:
        clip_id = submitted_clip(ws)
        listen_whole(ws, clip_id)
        review.approve(ws, clip_id, user="reviewer", attestations=review.CHECKLIST)
    page = browser_page

    trainer = voila("trainer_evaluate.ipynb", demo_path, "trainer")
    page.goto(trainer.url)
    page.wait_for_selector(".cw-evaluation input[placeholder='clip or call id']", timeout=WAIT_MS)
    page.fill(".cw-evaluation input[placeholder='clip or call id']", clip_id)
    page.get_by_role("button", name="Evaluate").click()
    page.wait_for_selector(".cw-evaluation-question", timeout=WAIT_MS)
    assert "suggested:" in page.inner_text(".cw-evaluation")  # the analysis pre-filled the form
    assert page.input_value(".cw-assignment-sender input[placeholder^='clip ids']") == clip_id
    for row in page.locator(".cw-evaluation-question").all():  # answer what the analysis could not suggest
        if row.locator("button.mod-active").count() == 0:
            row.locator("button").last.click()
    page.get_by_role("button", name="Finalise").click()
    page.wait_for_selector(".cw-evaluation .cw-msg-ok:has-text('final')", timeout=WAIT_MS)
    page.fill(".cw-assignment-sender input[placeholder='title']", "Rustig uitleggen")
    page.locator(".cw-assignment-sender select").last.select_option(label=DEMO_TEAM)
    page.fill(".cw-assignment-sender input[placeholder='YYYY-MM-DD']", "2099-01-31")
    page.fill(".cw-assignment-sender textarea", "Eerst laten uitpraten")
    page.get_by_role("button", name="Send assignment").click()
    page.wait_for_selector(".cw-assignment-sender .cw-msg-ok:has-text('sent')", timeout=WAIT_MS)
    screenshot(page, artifacts, "trainer_evaluate")
    trainer.close()

    agent = voila("agent_assignments.ipynb", demo_path, DEMO_AGENTS[0])
    page.goto(agent.url)
    page.wait_for_selector(".cw-agent-assignments :text('Rustig uitleggen')", timeout=WAIT_MS)
    page.get_by_role("button", name="Play").click()
    page.wait_for_selector(".cw-agent-assignments audio", state="attached", timeout=WAIT_MS)
    page.fill(".cw-agent-assignments textarea", "Ik laat de klant eerst uitpraten.")
    page.get_by_role("button", name="Acknowledge").click()
    page.wait_for_selector(".cw-agent-assignments .cw-msg-ok:has-text('acknowledged')", timeout=WAIT_MS)
    screenshot(page, artifacts, "agent_assignments")
    agent.close()

    manager = voila("manager_dashboard.ipynb", demo_path, "manager")
    page.goto(manager.url)
    page.wait_for_selector(".cw-coaching-dashboard .cw-msg-ok", timeout=WAIT_MS)
    shown = page.inner_text(".cw-coaching-dashboard")
    assert "1 / 3" in shown and "33.3 %" in shown, shown
    with Workspace.open(demo_path) as ws:
        numbers = coaching_numbers(ws, user="manager")
    row = numbers.completion_by_team.set_index("team").loc[DEMO_TEAM]
    assert (row.assigned, row.acknowledged) == (len(DEMO_AGENTS), 1)
    assert not [name for name in DEMO_AGENTS if name in shown]  # numbers, never an agent's name
