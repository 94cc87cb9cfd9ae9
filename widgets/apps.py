"""One function per role notebook: open the workspace and return the component, or a readable
message when that is impossible (a Voila page never shows a traceback).

Under Voila's preheated kernel pool (`--preheat_kernel=True`, as `make dashboard` serves) the
notebook runs before anyone asks for the page: the imports, the workspace and a warm-up happen
then, but the component is built - and its numbers read - only when a browser requests the page."""

from __future__ import annotations

import html
import logging
import os
import sys
from typing import Callable

import ipywidgets as w

from widgets.base import one_line, open_workspace

log = logging.getLogger(__name__)


def preheating() -> bool:
    """True inside a kernel of Voila's preheated pool that has not been handed to a request yet."""
    return os.environ.get("VOILA_PREHEAT") == "True" and bool(os.environ.get("VOILA_KERNEL_ID"))


READY_LINE = "curation: preheated kernel ready, waiting for a page request"


def wait_for_page_request() -> None:
    """Block a preheated kernel until Voila hands it to a page request (no-op anywhere else)."""
    if preheating():
        from voila.utils import wait_for_request

        stream = sys.__stderr__  # the server's log, not the cell's output
        if stream is not None:
            stream.write(READY_LINE + "\n")
            stream.flush()
        wait_for_request()


def _app(default_user: str, build: Callable, workspace=None, warm: Callable | None = None) -> w.Widget:
    try:
        ws = open_workspace(workspace, default_user=default_user)
        if preheating():
            if warm is not None:
                try:
                    warm(ws)  # imports, SQLite page cache, compiled queries: paid before the request
                except Exception:  # noqa: BLE001 - the real build below reports any problem
                    pass
            try:
                wait_for_page_request()
            except Exception:  # noqa: BLE001 - build now rather than show nothing
                log.warning("waiting for the page request failed; the numbers are read now")
        return with_whoami(ws, build(ws))
    except Exception as exc:  # noqa: BLE001 - shown to the user instead of a traceback
        box = w.HTML(f"<div class='cw-msg cw-msg-error' style='color:#a61b1b'>{html.escape(one_line(exc))}</div>")
        box.add_class("cw-app-error")
        return box


def with_whoami(ws, component: w.Widget) -> w.Widget:
    """The component under the who-am-I bar (acting user, roles, and a reload message for a dead page)."""
    from widgets.whoami import WhoAmIBar

    page = w.VBox([WhoAmIBar(ws), component])
    page.add_class("cw-app")
    return page


def _warm_aggregates(ws) -> None:
    from curation.aggregates import compute

    compute(ws)


def _dashboards(ws) -> w.Widget:
    """The manager dashboard, with the coaching numbers below it for users who may see them."""
    from widgets.dashboard import CoachingDashboard, ManagerDashboard
    from widgets.listening import can

    parts = [ManagerDashboard(ws)]
    if can(ws, "coaching.completion"):
        parts.append(CoachingDashboard(ws))
    return w.VBox(parts)


def manager_dashboard(workspace=None) -> w.Widget:
    return _app("manager", _dashboards, workspace, warm=_warm_aggregates)


def trainer_evaluate(workspace=None) -> w.Widget:
    from widgets.evaluation import TrainerCoaching

    return _app("trainer", TrainerCoaching, workspace)


def agent_assignments(workspace=None) -> w.Widget:
    from widgets.evaluation import AgentAssignments

    return _app("agent", AgentAssignments, workspace)


def reviewer_queue(workspace=None) -> w.Widget:
    from widgets.review_queue import ReviewQueue

    return _app("reviewer", ReviewQueue, workspace)


def trainer_pick_calls(workspace=None) -> w.Widget:
    from widgets.trainer import TrainerWorkbench

    return _app("trainer", TrainerWorkbench, workspace)


def trainer_build_pack(workspace=None) -> w.Widget:
    from widgets.pack_builder import PackBuilder

    return _app("trainer", PackBuilder, workspace)
