"""The bar at the top of every app: who you act as and with which roles (and how to act as someone
else), and a watch on the kernel behind the page. When the kernel is gone (restarted, server
stopped, page restored from an earlier session) the page says so - "Reload this page" - instead of
leaving widgets that look alive and do nothing."""

from __future__ import annotations

import html

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
  // heartbeat: the kernel answers every ping; no answer for a while means a dead page
  let answered = Date.now();
  let sent = 0;
  model.on("msg:custom", (msg) => { if (msg && msg.pong !== undefined) { answered = Date.now(); stale.style.display = "none"; } });
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

    def _pong(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and "ping" in content:
            self.send({"pong": content["ping"]})


def identity_of(ws, user: str | None = None):
    from curation.roles import whoami

    return whoami(ws, user)


def identity_html(me) -> str:
    from curation.roles import HOW_TO_SWITCH

    roles = ", ".join(r.replace("_", " ") for r in sorted(me.roles)) or "no role in this workspace"
    return (f"<b>Acting as {html.escape(me.name)}</b> · <span class='cw-whoami-roles'>{html.escape(roles)}</span>"
            f" · <span style='color:#555'>name from {html.escape(me.source)}</span>"
            f" · <span style='color:#555' title='{html.escape(HOW_TO_SWITCH)}'>another user? "
            f"start the app with CURATION_USER=NAME</span>")
