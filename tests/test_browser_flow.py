"""The whole flow in the apps, in a real browser, as people use it: the trainer picks a call, cuts
and anonymises a clip and (after a page reload) submits it from "My work"; the reviewer listens to
the whole clip and sends it back with a reason; the trainer reads the reason, anonymises again and
resubmits; the reviewer listens again and approves; the trainer builds a pack and downloads it.
In the middle the trainer's kernel dies: the page says "Reload this page", and a reload works."""

from __future__ import annotations

import os
import signal
import subprocess
import zipfile

import pytest

from tests._widget_fixtures import VoilaApp  # noqa: F401 - the `voila` fixture below starts these
from tests.test_browser_apps import WAIT_MS, screenshot, voila  # noqa: F401 - fixture re-used
from tests.test_widgets import allowed_call

pytest_plugins = ["tests._widget_fixtures"]  # demo workspace, browser fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def pick_option(page, select_css: str, text: str) -> None:
    """Select the option of a <select> whose label contains `text`."""
    select = page.locator(select_css)
    page.wait_for_function("([el, t]) => Array.from(el.options).some(o => o.text.includes(t))",
                           arg=[select.element_handle(), text], timeout=WAIT_MS)
    index = page.evaluate("([el, t]) => Array.from(el.options).findIndex(o => o.text.includes(t))",
                          [select.element_handle(), text])
    select.select_option(index=index)


def kernels_of(app) -> list[int]:
    """Process ids of the kernels the Voila server `app` started (its children)."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(app.proc.pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def listen_to_the_whole_clip(page, clip_id: str) -> None:
    pick_option(page, ".cw-review-queue .widget-select select", clip_id)
    page.wait_for_selector(f".cw-review-queue .cw-clip-listener .cw-msg:has-text('loaded anonymised audio of {clip_id}')",
                           timeout=WAIT_MS)
    page.wait_for_function("document.querySelector('.cw-review-queue .cw-player-status') && "
                           "document.querySelector('.cw-review-queue .cw-player-status').textContent.includes('anonymised')",
                           timeout=WAIT_MS)
    page.wait_for_timeout(500)
    page.locator(".cw-review-queue .cw-player-frame").focus()
    page.keyboard.press("Space")  # play, and listen to the end: only that opens the approval
    page.wait_for_selector(".cw-checklist:has-text('every approval condition holds')", timeout=WAIT_MS)
    assert "you have heard the whole anonymised clip" in page.inner_text(".cw-review-queue .cw-heard")


def test_the_whole_flow_through_the_apps(demo_path, voila, browser_page, artifacts, tmp_path):
    from curation.clips import get_clip
    from curation.packs import verify_pack
    from curation.workspace import Workspace

    with Workspace.open(demo_path) as ws:
        call_id = allowed_call(ws)
    page = browser_page

    # ---- trainer: pick a call, cut, anonymise --------------------------------------------------------
    trainer = voila("trainer_pick_calls.ipynb", demo_path, "trainer")
    page.goto(trainer.url)
    page.wait_for_selector(".cw-whoami:has-text('Acting as trainer')", timeout=WAIT_MS)
    page.wait_for_selector(".cw-my-work:has-text('no clips of yours yet')", timeout=WAIT_MS)
    page.locator(".cw-call-browser input[type=checkbox]").first.uncheck()
    pick_option(page, ".cw-call-browser .widget-select select", call_id)
    page.get_by_role("button", name="Open call").click()
    page.wait_for_function("document.querySelector('.cw-clip-cutter .cw-player-status') && "
                           "document.querySelector('.cw-clip-cutter .cw-player-status').textContent.includes('original')",
                           timeout=WAIT_MS)
    start, end = page.locator(".cw-clip-cutter input[type=number]").nth(0), page.locator(
        ".cw-clip-cutter input[type=number]").nth(1)
    end.fill("4")
    end.press("Enter")
    start.fill("12")
    start.press("Enter")  # end before start: refused, and Create clip must not use the old range
    page.get_by_role("button", name="Create clip").click()
    page.wait_for_selector(".cw-clip-cutter .cw-msg-error:has-text('typed range is invalid')", timeout=WAIT_MS)
    start.fill("0")
    start.press("Enter")
    end.fill("15")
    end.press("Enter")
    page.locator(".cw-clip-cutter input[placeholder='what a trainee should learn here']").fill("opening")
    page.get_by_role("button", name="Create clip").click()
    created = page.wait_for_selector(".cw-clip-cutter .cw-msg-ok:has-text('created clip-')", timeout=WAIT_MS)
    clip_id = created.inner_text().split()[1]
    assert page.locator(".cw-clip-desk .cw-clip-listener").is_hidden()  # no empty player before anonymising
    page.locator(".cw-clip-desk button:has-text('Anonymise')").first.click()
    page.wait_for_selector(".cw-clip-desk .cw-msg-ok:has-text('anonymised')", timeout=WAIT_MS)
    page.wait_for_selector(".cw-my-work-detail:has-text('anonymised: ok')", timeout=WAIT_MS)  # My work follows
    assert page.locator(".cw-stale").is_hidden()  # a kernel busy anonymising is not a dead one
    screenshot(page, artifacts, "app_trainer")

    # ---- the kernel dies under the page: it says so; a reload brings the app back ----------------
    for pid in kernels_of(trainer):
        os.kill(pid, signal.SIGKILL)
    page.wait_for_selector(".cw-stale", state="visible", timeout=WAIT_MS)
    assert "Reload this page" in page.inner_text(".cw-stale")
    screenshot(page, artifacts, "app_stale_page")
    page.reload()
    page.wait_for_selector(".cw-my-work select option", state="attached", timeout=WAIT_MS)
    assert page.locator(".cw-stale").is_hidden()

    # ---- trainer: submit from My work -------------------------------------------------------------
    pick_option(page, ".cw-my-work select", clip_id)
    page.wait_for_selector(f".cw-my-work-detail:has-text('{clip_id}')", timeout=WAIT_MS)
    page.get_by_role("button", name="Resubmit").click()
    page.wait_for_selector(f".cw-my-work .cw-msg-ok:has-text('{clip_id} submitted')", timeout=WAIT_MS)
    trainer.close()

    # ---- reviewer: listen to the whole clip, send it back with a reason -----------------------------
    reviewer = voila("reviewer_queue.ipynb", demo_path, "reviewer")
    page.goto(reviewer.url)
    page.wait_for_selector(".cw-whoami:has-text('Acting as reviewer')", timeout=WAIT_MS)
    listen_to_the_whole_clip(page, clip_id)
    page.locator(".cw-review-queue input[placeholder^='reason (required to reject']").fill("Bleep ook de naam van de agent")
    page.get_by_role("button", name="Request changes").click()
    page.wait_for_selector(f".cw-msg-ok:has-text('{clip_id} sent back for changes')", timeout=WAIT_MS)
    reviewer.close()

    # ---- trainer: reads why, anonymises again, resubmits ------------------------------------------
    trainer = voila("trainer_pick_calls.ipynb", demo_path, "trainer")
    page.goto(trainer.url)
    pick_option(page, ".cw-my-work select", clip_id)
    page.wait_for_selector(".cw-my-work-detail:has-text('Bleep ook de naam van de agent')", timeout=WAIT_MS)
    page.get_by_role("button", name="Reopen").click()
    page.wait_for_selector(f".cw-clip-desk:has-text('{clip_id}')", timeout=WAIT_MS)
    page.get_by_role("button", name="Anonymise again").click()
    page.wait_for_selector(".cw-my-work .cw-msg-ok:has-text('anonymised again')", timeout=WAIT_MS)
    screenshot(page, artifacts, "app_trainer_my_work")
    page.get_by_role("button", name="Resubmit").click()
    page.wait_for_selector(f".cw-my-work .cw-msg-ok:has-text('{clip_id} submitted')", timeout=WAIT_MS)
    trainer.close()

    # ---- reviewer: listens to the new version (the old listening no longer counts), approves -------
    reviewer = voila("reviewer_queue.ipynb", demo_path, "reviewer")
    page.goto(reviewer.url)
    listen_to_the_whole_clip(page, clip_id)
    for box in page.locator(".cw-review-queue input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Approve").click()
    page.wait_for_selector(f".cw-msg-ok:has-text('{clip_id} approved')", timeout=WAIT_MS)
    page.wait_for_selector(f".cw-my-decisions:has-text('{clip_id}')", timeout=WAIT_MS)
    screenshot(page, artifacts, "app_reviewer")
    reviewer.close()

    # ---- trainer: builds a pack and downloads it --------------------------------------------------
    packs = voila("trainer_build_pack.ipynb", demo_path, "trainer")
    page.goto(packs.url)
    pick_option(page, ".cw-pack-builder .widget-select-multiple select", clip_id)
    page.get_by_role("button", name="Add →").click()
    page.locator(".cw-pack-builder input[placeholder='required: a name for this pack']").fill("Week 1")
    page.locator(".cw-pack-builder input[placeholder='required: the course title']").fill("De-escalatie")
    page.get_by_role("button", name="Export pack").click()
    page.wait_for_selector(".cw-pack-result:has-text('OK')", timeout=WAIT_MS)
    with page.expect_download(timeout=WAIT_MS) as taken:
        page.locator(".cw-pack-builder button:has-text('Download')").click()
    download = taken.value
    assert download.suggested_filename == "week-1.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    screenshot(page, artifacts, "app_packs")
    assert clip_id in " ".join(zipfile.ZipFile(saved).namelist())
    assert verify_pack(saved).ok
    with Workspace.open(demo_path) as ws:
        assert get_clip(ws, clip_id, user="trainer").state == "packed"
