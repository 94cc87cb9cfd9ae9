"""Pack builder: pick approved clips, put them in order, write learning objectives, export the
pack through `curation.packs` and show what the library returns. No rules here: the library picks
the file (W/packs/<name>.zip), refuses what it must, and verifies the bytes it wrote. Built packs
are downloaded to the browser (`curation.packs.download`: trainers only, audited), never shown as
a server path to type."""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.base import Feedback, Progress, guarded, heading
from widgets.download import BrowserDownload


class PackBuilder(w.VBox):
    """Approved clips on the left, the pack's ordered clips on the right, then export and verify."""

    def __init__(self, ws, user: str | None = None):
        self.ws, self.user = ws, user
        self.feedback = Feedback()
        self.available = w.SelectMultiple(options=[], rows=10, description="Approved",
                                          layout=w.Layout(width="420px"))
        self.chosen = w.Select(options=[], rows=10, description="In pack", layout=w.Layout(width="420px"))
        self.add_button = w.Button(description="Add →", layout=w.Layout(width="90px"))
        self.remove_button = w.Button(description="← Remove", layout=w.Layout(width="90px"))
        self.up_button = w.Button(description="Up", icon="arrow-up", layout=w.Layout(width="90px"))
        self.down_button = w.Button(description="Down", icon="arrow-down", layout=w.Layout(width="90px"))
        self.add_button.on_click(lambda _b: self.add())
        self.remove_button.on_click(lambda _b: self.remove())
        self.up_button.on_click(lambda _b: self.move(-1))
        self.down_button.on_click(lambda _b: self.move(+1))
        self.name = w.Text(description="Pack name", placeholder="required: a name for this pack")
        self.course_title = w.Text(description="Course", placeholder="required: the course title")
        self.objectives = w.Textarea(description="Objectives", placeholder="one learning objective per line",
                                     layout=w.Layout(width="640px", height="90px"))
        self.notes = w.Textarea(description="Notes", placeholder="trainer notes (optional)",
                                layout=w.Layout(width="640px", height="60px"))
        self.reload_button = w.Button(description="Reload", icon="refresh", layout=w.Layout(width="90px"),
                                      tooltip="List clips approved since this page was opened")
        self.reload_button.on_click(lambda _b: self.reload())
        self.export_button = w.Button(description="Export pack", icon="download", button_style="primary")
        self.export_button.on_click(lambda _b: self.export())
        self.progress = Progress()
        self.result = w.HTML()
        self.order: list[str] = []
        self.labels: dict[str, str] = {}
        self.last_pack = None
        self.builds = w.Dropdown(options=[], description="Built packs", layout=w.Layout(width="520px"))
        self.download_button = w.Button(description="Download", icon="download", button_style="success",
                                        tooltip="save the selected pack's zip in your browser's downloads")
        self.download_button.on_click(lambda _b: self.download())
        self.downloader = BrowserDownload()
        super().__init__([heading("Build a clip pack"),
                          w.HBox([self.available, w.VBox([self.add_button, self.remove_button, self.up_button,
                                                          self.down_button, self.reload_button]), self.chosen]),
                          self.name, self.course_title, self.objectives, self.notes,
                          w.HBox([self.export_button, self.progress]), self.result,
                          w.HBox([self.builds, self.download_button, self.downloader]), self.feedback])
        self.add_class("cw-pack-builder")
        self.reload()

    @guarded
    def reload(self) -> None:
        from curation.clips import list_clips

        approved = list_clips(self.ws, state="approved", user=self.user)
        self._list_builds()
        self.labels = {c.id: f"{c.id} · {c.duration:.0f} s · {c.title or 'untitled'}" for c in approved}
        self.order = [c for c in self.order if c in self.labels]
        self._render()
        if not approved:
            self.feedback.show("no approved clips yet: a privacy reviewer approves clips in the review queue "
                               "(then press Reload)", "info")

    def _list_builds(self, keep: str | None = None) -> None:
        from curation.packs.download import downloadable_builds

        builds = downloadable_builds(self.ws, user=self.user)
        keep = keep or self.builds.value
        with self.builds.hold_sync():
            self.builds.options = [(f"{b.name} · {len(b.clip_ids)} clips · {b.built_at[:16].replace('T', ' ')}", b.id)
                                   for b in builds]
            ids = [b.id for b in builds]
            self.builds.value = keep if keep in ids else (ids[0] if ids else None)
        self.download_button.disabled = not builds

    @guarded
    def download(self) -> None:
        """Hand the selected build's zip to the browser (the library checks the role and audits it)."""
        from curation.packs.download import download_pack

        if not self.builds.value:
            self.feedback.error("no pack to download yet: build one first")
            return
        pack = download_pack(self.ws, self.builds.value, user=self.user)
        self.downloader.offer(pack.filename, pack.data)
        self.feedback.show(f"{pack.filename} handed to your browser ({len(pack.data) / 1e6:.1f} MB; "
                           "see its downloads)", "ok")

    def _render(self) -> None:
        # options and selection in one message each: the front end never sees an index without its option
        keep = self.chosen.value
        with self.available.hold_sync():
            self.available.options = [(label, cid) for cid, label in self.labels.items() if cid not in self.order]
        with self.chosen.hold_sync():
            self.chosen.options = [(f"{i + 1}. {self.labels[cid]}", cid) for i, cid in enumerate(self.order)]
            self.chosen.value = keep if keep in self.order else None

    def add(self, clip_ids=None) -> None:
        for cid in clip_ids or self.available.value:
            if cid in self.labels and cid not in self.order:
                self.order.append(cid)
        self._render()

    def remove(self) -> None:
        if self.chosen.value in self.order:
            self.order.remove(self.chosen.value)
        self._render()

    def move(self, by: int) -> None:
        cid = self.chosen.value
        if cid not in self.order:
            return
        i = self.order.index(cid)
        j = min(len(self.order) - 1, max(0, i + by))
        self.order[i], self.order[j] = self.order[j], self.order[i]
        self._render()
        self.chosen.value = cid

    def _not_built(self, message: str) -> None:
        """An empty, neutral bar and the reason: nothing was built."""
        self.progress.bar.value, self.progress.bar.bar_style = 0, ""
        self.progress.label.value = "not built"
        self.result.value = ""
        self.feedback.error(message)

    @guarded
    def export(self) -> None:
        from curation import packs
        from curation.errors import CurationError

        objectives = [line.strip() for line in self.objectives.value.splitlines() if line.strip()]
        self.progress.start(100, "building")
        try:
            pack = packs.build_pack(self.ws, name=self.name.value, clip_ids=list(self.order), out=None,
                                    title=self.course_title.value.strip(), objectives=objectives,
                                    notes=self.notes.value.strip() or None, user=self.user,
                                    progress=lambda stage, fraction: self.progress.fraction(stage, fraction))
        except CurationError as exc:
            self._not_built(str(exc))
            return
        except Exception:
            self._not_built("the pack could not be built (see the message below)")
            raise
        result = pack.verification
        self.progress.done("verified" if result.ok else "verification failed")
        self.last_pack = pack
        problems = "".join(f"<li>{html.escape(str(p))}</li>" for p in result.problems)
        self.result.value = (f"<div class='cw-pack-result'>Pack <b>{html.escape(pack.record.name)}</b> built"
                             f" with {len(pack.clip_ids)} clips: press Download to save it.<br>Verify: "
                             + ("<b style='color:#1e7b34'>OK</b>" if result.ok else
                                f"<b style='color:#a61b1b'>FAILED</b><ul>{problems}</ul>") + "</div>")
        self.reload()  # the exported clips are packed now, no longer available
        if pack.build is not None:
            self._list_builds(keep=pack.build.id)
        self.feedback.show("pack exported" + (" and verified" if result.ok else "; verification failed"),
                           "ok" if result.ok else "error")
