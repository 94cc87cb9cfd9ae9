"""From clips to coaching: evaluation forms as versioned data, evaluations pre-filled by the
conversation-technique analysis, agents' profiles, and coaching assignments agents acknowledge.

    forms         the form definitions (TOML, pure)          formstore   versions in a workspace
    questions     open / closed / not a question (pure)      phases      call phases (pure)
    technique     the measures that pre-fill a form (pure)   evaluations evaluate, answer, profile
    assignments   roster, assign, acknowledge, completion
    dashboard     numbers per team and question (groups of 3 agents at least), pack coverage
"""

from curation.coaching.assignments import (Assignment, acknowledge, agent_left, assign, assignment_clip_audio,
                                           assignments, completion, open_assignment, register_agent, roster)
from curation.coaching.dashboard import CoachingNumbers, coaching_numbers
from curation.coaching.evaluations import (AgentProfile, Evaluation, agent_profile, answer, evaluate, get_evaluation,
                                           list_evaluations, prefill_agreement)
from curation.coaching.formstore import get_form, list_forms, save_form
from curation.coaching.forms import Form, default_form, parse_form

__all__ = ["AgentProfile", "Assignment", "CoachingNumbers", "Evaluation", "Form", "acknowledge", "agent_left", "agent_profile", "answer",
           "assign", "assignment_clip_audio", "assignments", "coaching_numbers", "completion", "default_form", "evaluate", "get_evaluation", "get_form",
           "list_evaluations", "list_forms", "open_assignment", "parse_form", "prefill_agreement", "register_agent",
           "roster", "save_form"]
