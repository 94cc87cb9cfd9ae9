"""What every component shares: the workspace it works on, a one-line message area, and the guard
that turns an exception inside a callback into that message (ipywidgets would swallow it)."""

from __future__ import annotations

import functools
import html
import logging
import os
from pathlib import Path
from typing import Callable

import ipywidgets as w

log = logging.getLogger(__name__)
DEFAULT_WORKSPACE = Path(__file__).resolve().parent.parent / "demo-workspace"
SERVICE_URL_ENV = "CURATION_SERVICE_URL"  # curation.remote.SERVICE_URL_ENV; not imported here so a page loads fast
LEVEL_STYLE = {"info": "#1b4f72", "ok": "#1e7b34", "error": "#a61b1b"}


def open_workspace(path: str | os.PathLike | None = None, default_user: str | None = None):
    """The workspace named by `path`, else CURATION_WORKSPACE, else (team mode) the curation service at
    CURATION_SERVICE_URL, else the demo workspace `make demo` builds.

    `default_user` sets CURATION_USER for this process when it is unset (the demo's role notebooks)."""
    from curation.workspace import Workspace

    if default_user and not os.environ.get("CURATION_USER") and not os.environ.get("JUPYTERHUB_USER"):
        from curation.users import DEMO_DEFAULT_VAR

        os.environ["CURATION_USER"] = default_user
        os.environ[DEMO_DEFAULT_VAR] = default_user  # the who-am-I bar says it is the demo's default
    if path is None and not os.environ.get("CURATION_WORKSPACE") and os.environ.get(SERVICE_URL_ENV):
        from curation.remote import RemoteWorkspace

        return RemoteWorkspace()  # team mode: the curation service acts as this kernel's JupyterHub user
    root = path or os.environ.get("CURATION_WORKSPACE") or DEFAULT_WORKSPACE
    return Workspace.open(root)


def one_line(exc: BaseException) -> str:
    """The library's one-line reason; anything unexpected becomes a short generic sentence."""
    from curation.errors import CurationError

    if isinstance(exc, CurationError):
        text = str(exc)
    elif isinstance(exc, (ValueError, KeyError, FileNotFoundError)):
        text = f"{type(exc).__name__}: {exc}"
    else:
        text = f"unexpected error ({type(exc).__name__}); the action was not completed"
    return " ".join(text.split())


class Feedback(w.HTML):
    """A single line of status under a component: info, ok or error."""

    def __init__(self, **kwargs):
        super().__init__(value="", **kwargs)
        self.add_class("cw-feedback")
        self.level = ""
        self.text = ""

    def show(self, text: str, level: str = "info") -> None:
        self.level, self.text = level, text
        colour = LEVEL_STYLE.get(level, LEVEL_STYLE["info"])
        self.value = (f'<div class="cw-msg cw-msg-{level}" style="color:{colour};font-size:13px">'
                      f"{html.escape(text)}</div>")

    def error(self, exc_or_text) -> None:
        self.show(exc_or_text if isinstance(exc_or_text, str) else one_line(exc_or_text), "error")

    def clear(self) -> None:
        self.level, self.text, self.value = "", "", ""


def guarded(method: Callable) -> Callable:
    """Decorate a component method used as a callback: exceptions become the component's message."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the edge of the component: report, never raise
            from curation.errors import CurationError

            if not isinstance(exc, CurationError):
                log.warning("%s.%s failed: %s", type(self).__name__, method.__name__, type(exc).__name__,
                            exc_info=log.isEnabledFor(logging.DEBUG))
            self.feedback.error(exc)
            return None

    return wrapper


class Progress(w.HBox):
    """A progress bar with a label, for work that takes more than a moment."""

    def __init__(self, **kwargs):
        self.bar = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="260px"))
        self.label = w.Label("")
        super().__init__([self.bar, self.label], **kwargs)
        self.layout.visibility = "hidden"

    def start(self, total: int, label: str = "") -> None:
        self.bar.max, self.bar.value, self.label.value = max(1, total), 0, label
        self.bar.bar_style = "info"
        self.layout.visibility = "visible"

    def step(self, label: str | None = None, by: int = 1) -> None:
        self.bar.value = min(self.bar.max, self.bar.value + by)
        if label is not None:
            self.label.value = label

    def update(self, value: float, label: str | None = None) -> None:
        self.bar.value = int(min(self.bar.max, max(0, round(value))))
        if label is not None:
            self.label.value = label

    def fraction(self, stage: str, fraction: float) -> None:
        """The library's `progress(stage, fraction)` callback shape."""
        self.update(fraction * self.bar.max, stage)

    def done(self, label: str = "done") -> None:
        self.bar.value, self.label.value, self.bar.bar_style = self.bar.max, label, "success"


def heading(text: str, level: int = 3) -> w.HTML:
    return w.HTML(f"<h{level} style='margin:4px 0'>{html.escape(text)}</h{level}>")


def table_html(frame, columns: list[str] | None = None, max_rows: int = 200, css_class: str = "cw-table") -> str:
    """A compact HTML table of a DataFrame (values escaped)."""
    frame = frame if columns is None else frame[columns]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in frame.head(max_rows).itertuples(index=False))
    return (f'<table class="{css_class}" style="border-collapse:collapse;font-size:12px">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
