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
    page.screenshot(path=str(path), full_page=True)
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
    page.wait_for_function("document.querySelectorAll('.cw-chart svg').length >= 7",
                           timeout=WAIT_MS)
    page.wait_for_selector(".cw-msg-ok", timeout=WAIT_MS)
    assert page.locator(".cw-chart").count() == 7
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
