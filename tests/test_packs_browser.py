"""The pack's offline player, opened from disk in headless Chromium: a clip plays with captions
and the page fetches nothing from the network."""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

import pytest

from curation.packs import build_pack
from tests._clip_fixtures import approve_clip, prepared

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]


@pytest.mark.browser
def test_offline_player_plays_a_clip_with_captions(tmp_path_factory, tmp_path, artifacts):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium package is needed for the browser tests (apt-get install chromium)"
    ws, clips = prepared(tmp_path_factory, tmp_path)
    approve_clip(ws, clips["c1"])
    approve_clip(ws, clips["c2"])
    built = build_pack(ws, "week1", [clips["c1"], clips["c2"]], tmp_path / "week1.zip",
                       "De-escalatie", ["Rustig blijven"], "Bespreek de toon.", user="trainer")
    ws.close()
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(built.path) as zf:
        zf.extractall(folder)

    requests: list[str] = []
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            context.set_offline(True)
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto((folder / "index.html").as_uri())
            section = f"section#{clips['c1']}"
            assert page.locator(f"section#{clips['c2']} .script a").first.get_attribute("href") == \
                f"clips/{clips['c2']}/script.html"
            page.evaluate(f"document.querySelector('{section} audio').play()")
            state = None
            for _ in range(150):  # the page's CSP forbids eval, so poll from here instead of wait_for_function
                state = page.evaluate(f"""() => {{ const a = document.querySelector('{section} audio');
                    return {{t: a.currentTime, error: a.error && a.error.message,
                             caption: document.querySelector('{section} .caption').textContent,
                             tracks: a.textTracks.length}}; }}""")
                if state["t"] > 1.0 and state["caption"]:
                    break
                time.sleep(0.1)
            page.screenshot(path=str(artifacts / "pack_player.png"), full_page=True)
        finally:
            context.close()
    assert state["error"] is None
    assert state["t"] > 1.0, state
    assert state["caption"].startswith("agent") and "[NAAM]" in state["caption"], state
    assert state["tracks"] == 1
    assert requests and all(u.startswith("file://") for u in requests), requests
    shutil.rmtree(folder)
