"""The bar at the top of every app: who you act as and with which roles (and how to act as someone
else), and a watch on the kernel behind the page. When the kernel is gone (restarted, server
stopped, page restored from an earlier session) the page says so - "Reload this page" - instead of
leaving widgets that look alive and do nothing."""

from __future__ import annotations

import html
import threading
import weakref

import anywidget
import traitlets as t

_ESM = """
function render({ model, el }) {
  const bar = document.createElement("div");
  bar.className = "cw-whoami-bar";
  Object.assign(bar.style, { display: "flex", gap: "12px", alignItems: "baseline", flexWrap: "wrap",
    padding: "6px 10px", margin: "0 0 8px 0", borderRadius: "4px", background: "#eef3f8",
    border: "1px solid #c9d6e3", fontSize: "13px" });
  const who = document.createElement("span");
  who.className = "cw-whoami";
  const stale = document.createElement("div");
  stale.className = "cw-stale";
  stale.setAttribute("role", "alert");
  Object.assign(stale.style, { display: "none", padding: "8px 10px", margin: "0 0 8px 0", borderRadius: "4px",
    background: "#fdecea", border: "1px solid #a61b1b", color: "#a61b1b", fontWeight: "bold" });
  stale.textContent = "This page has lost its kernel (restarted or stopped): its buttons no longer work. " +
    "Reload this page (in JupyterLab: Run → Run All).";
  bar.append(who);
  el.append(stale, bar);
  const draw = () => { who.innerHTML = model.get("html"); };
  draw();
  model.on("change:html", draw);
  // heartbeat: the kernel beats from a thread of its own (so a kernel busy with a long anonymisation
  // still beats) and answers pings; nothing heard for a while means the kernel behind the page is gone
  let answered = Date.now();
  let sent = 0;
  model.on("msg:custom", (msg) => {
    if (msg && (msg.pong !== undefined || msg.alive !== undefined)) {
      answered = Date.now();
      stale.style.display = "none";
      document.body.classList.remove("cw-page-stale");
    }
  });
  const every = model.get("interval_ms") || 5000;
  const timer = setInterval(() => {
    try { model.send({ ping: ++sent }); } catch (err) { /* the comm is gone: the check below says so */ }
    if (Date.now() - answered > 2.5 * every) {
      stale.style.display = "block";
      document.body.classList.add("cw-page-stale");
    }
  }, every);
  return () => clearInterval(timer);
}
export default { render };
"""


class WhoAmIBar(anywidget.AnyWidget):
    """Acting user and roles, from `curation.roles.whoami`; answers the page's heartbeat."""

    _esm = _ESM
    html = t.Unicode("").tag(sync=True)
    interval_ms = t.Int(5000).tag(sync=True)

    def __init__(self, ws, user: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.identity = identity_of(ws, user)
        self.html = identity_html(self.identity)
        self.on_msg(self._pong)
        self._stopped = threading.Event()
        threading.Thread(target=_beat, args=(weakref.ref(self), self._stopped), daemon=True,
                         name="cw-heartbeat").start()

    def close(self) -> None:
        self._stopped.set()
        super().close()

    def _pong(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and "ping" in content:
            self.send({"pong": content["ping"]})


def _beat(bar_ref, stopped: threading.Event) -> None:
    """Tell the page the kernel is alive every interval, also while a callback keeps the kernel busy;
    ends with the kernel, or when the bar is closed or collected."""
    beats = 0
    while True:
        bar = bar_ref()
        if bar is None:
            return
        interval = max(0.5, bar.interval_ms / 1000)
        del bar
        if stopped.wait(interval):
            return
        bar = bar_ref()
        if bar is None:
            return
        beats += 1
        try:
            bar.send({"alive": beats})
        except Exception:  # noqa: BLE001 - no comm any more: nothing to tell
            return
        del bar


def identity_of(ws, user: str | None = None):
    from curation.roles import whoami

    return whoami(ws, user)


def identity_html(me) -> str:
    from curation.roles import HOW_TO_SWITCH

    roles = ", ".join(r.replace("_", " ") for r in sorted(me.roles)) or "no role in this workspace"
    return (f"<b>Acting as {html.escape(me.name)}</b> · <span class='cw-whoami-roles'>{html.escape(roles)}</span>"
            f" · <span style='color:#555'>name from {html.escape(me.source)}</span>"
            + (" · <span style='color:#555'>another user? log in to JupyterHub as them</span>"
               if me.source == "JupyterHub token" else
               f" · <span style='color:#555' title='{html.escape(HOW_TO_SWITCH)}'>another user? "
               "start the app with CURATION_USER=NAME</span>"))
