"""ipywidgets components over the `curation` library: they render library state and call library
functions; no rules live here. The role notebooks in `notebooks/` show one of the apps below."""

from widgets.apps import (agent_assignments, manager_dashboard, reviewer_queue, trainer_build_pack, trainer_evaluate,
                          trainer_pick_calls)
from widgets.base import Feedback, open_workspace

__all__ = ["Feedback", "agent_assignments", "manager_dashboard", "open_workspace", "reviewer_queue", "trainer_build_pack",
           "trainer_evaluate", "trainer_pick_calls"]
