"""One function per role notebook: open the workspace and return the component, or a readable
message when that is impossible (a Voila page never shows a traceback)."""

from __future__ import annotations

import html
from typing import Callable

import ipywidgets as w

from widgets.base import one_line, open_workspace


def _app(default_user: str, build: Callable, workspace=None) -> w.Widget:
    try:
        ws = open_workspace(workspace, default_user=default_user)
        return build(ws)
    except Exception as exc:  # noqa: BLE001 - shown to the user instead of a traceback
        box = w.HTML(f"<div class='cw-msg cw-msg-error' style='color:#a61b1b'>{html.escape(one_line(exc))}</div>")
        box.add_class("cw-app-error")
        return box


def manager_dashboard(workspace=None) -> w.Widget:
    from widgets.dashboard import ManagerDashboard

    return _app("manager", ManagerDashboard, workspace)


def reviewer_queue(workspace=None) -> w.Widget:
    from widgets.review_queue import ReviewQueue

    return _app("reviewer", ReviewQueue, workspace)


def trainer_pick_calls(workspace=None) -> w.Widget:
    from widgets.trainer import TrainerWorkbench

    return _app("trainer", TrainerWorkbench, workspace)


def trainer_build_pack(workspace=None) -> w.Widget:
    from widgets.pack_builder import PackBuilder

    return _app("trainer", PackBuilder, workspace)
