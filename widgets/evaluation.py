"""Coaching components. `EvaluationForm` (trainers): start an evaluation of a clip or call, see each
question with the analysis' suggestion and its evidence, confirm or correct it, finalise.
`AgentAssignments` (agents): my assignments with their objectives and clips (withdrawn ones marked),
answer the reflection question and acknowledge. Both only render library state and call
`curation.coaching`; what counts as a correction, a valid score or a finished evaluation is decided there."""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.base import Feedback, guarded, heading, table_html

YES_NO = [("nee", 0.0), ("ja", 1.0)]
ONE_TO_FIVE = [(str(k), float(k)) for k in range(1, 6)]


def _evidence_html(prefill: dict) -> str:
    rows = [f"<li>“{html.escape(e['quote'])}” <i>({html.escape(e['role'])}, {e['time']:.1f} s)</i></li>"
            for e in prefill.get("evidence", [])[:3]]
    note = html.escape(prefill.get("note", ""))
    return f"<div style='font-size:12px;color:#444'>{note}<ul style='margin:2px 0'>{''.join(rows)}</ul></div>"


class QuestionRow(w.VBox):
    """One question: its text and guidance, the suggestion with evidence, the evaluator's answer and note."""

    def __init__(self, question, item):
        self.question, self.item = question, item
        options = YES_NO if question.scale == "yes_no" else ONE_TO_FIVE
        self.choice = w.ToggleButtons(options=options, value=item.answer if item.answer is not None else
                                      item.prefill_value, style={"button_width": "48px"})
        self.note = w.Text(value=item.note, placeholder="note", layout=w.Layout(width="420px"))
        suggestion = "no suggestion" if item.prefill_value is None else f"suggested: {item.prefill_value:g}"
        self.status = w.HTML(f"<span style='font-size:12px'>{html.escape(item.status)} · {suggestion}</span>")
        label = w.HTML(f"<b>{html.escape(question.text)}</b><br><span style='font-size:12px;color:#666'>"
                       f"{html.escape(question.guidance)}</span>")
        super().__init__([label, w.HBox([self.choice, self.status]), w.HTML(_evidence_html(item.prefill)), self.note])
        self.add_class("cw-evaluation-question")

    @property
    def changed_answer(self) -> float | None:
        """The value to send: only when the evaluator chose one (the suggestion shown counts as chosen)."""
        return self.choice.value


class EvaluationForm(w.VBox):
    """Evaluate a clip or call on a pre-filled form."""

    def __init__(self, ws, user: str | None = None, target: str = "", form: str = "service_nl"):
        from curation.coaching.formstore import list_forms

        self.ws, self.user = ws, user
        self.evaluation = None
        self.rows: dict[str, QuestionRow] = {}
        self.feedback = Feedback()
        self.target = w.Text(value=target, placeholder="clip or call id", description="Clip/call")
        names = [f["name"] for f in list_forms(ws, user=user)]
        self.form = w.Dropdown(options=names, value=form if form in names else names[0], description="Form")
        self.start_button = w.Button(description="Evaluate", icon="check-square-o", button_style="primary")
        self.start_button.on_click(lambda _b: self.start())
        self.notes = w.Textarea(placeholder="notes", layout=w.Layout(width="620px", height="60px"))
        self.save_button = w.Button(description="Save", icon="save")
        self.final_button = w.Button(description="Finalise", icon="lock", button_style="success")
        self.save_button.on_click(lambda _b: self.save())
        self.final_button.on_click(lambda _b: self.save(finalise=True))
        self.header = w.HTML()
        self.questions = w.VBox()
        super().__init__([heading("Evaluate a clip", 4), w.HBox([self.target, self.form, self.start_button]),
                          self.header, self.questions, self.notes, w.HBox([self.save_button, self.final_button]),
                          self.feedback])
        self.add_class("cw-evaluation")
        self._render()

    @guarded
    def start(self) -> None:
        from curation.coaching import evaluate

        self.evaluation = evaluate(self.ws, self.target.value.strip(), form=self.form.value, user=self.user)
        self._render()
        self.feedback.show(f"evaluation {self.evaluation.id} started: confirm or correct the suggestions", "ok")

    @guarded
    def save(self, finalise: bool = False) -> None:
        from curation.coaching import answer

        if self.evaluation is None:
            self.feedback.show("start an evaluation first")
            return
        answers = {k: r.changed_answer for k, r in self.rows.items() if r.changed_answer is not None}
        notes = {k: r.note.value for k, r in self.rows.items() if r.note.value != r.item.note}
        self.evaluation = answer(self.ws, self.evaluation.id, answers, notes=self.notes.value, item_notes=notes,
                                 finalise=finalise, user=self.user)
        self._render()
        self.feedback.show(f"evaluation {self.evaluation.id}: {self.evaluation.state}"
                           + (f", total {self.evaluation.total:.1f}" if self.evaluation.total is not None else ""), "ok")

    def _render(self) -> None:
        from curation.coaching.formstore import get_form

        ev = self.evaluation
        for control in (self.save_button, self.final_button, self.notes):
            control.disabled = ev is None or ev.state == "final"
        if ev is None:
            self.header.value, self.questions.children, self.rows = "", (), {}
            return
        form = get_form(self.ws, ev.form_name, ev.form_version, user=self.user)
        self.header.value = (f"<div>{html.escape(ev.id)} · {html.escape(ev.clip_id or ev.call_id)} · "
                             f"{html.escape(form.title)} v{ev.form_version} · {ev.state}</div>")
        self.rows = {q.key: QuestionRow(q, ev.item(q.key)) for q in form.questions}
        self.questions.children = tuple(self.rows.values())
        self.notes.value = ev.notes


class AgentAssignments(w.VBox):
    """An agent's own assignments: objectives, clips (withdrawn ones marked), reflection, acknowledge."""

    def __init__(self, ws, user: str | None = None):
        self.ws, self.user = ws, user
        self.items: dict[str, object] = {}
        self.feedback = Feedback()
        self.list = w.Select(options=[], rows=5, layout=w.Layout(width="620px"))
        self.list.observe(lambda _c: self._show(), "value")
        self.detail = w.HTML()
        self.clip = w.Dropdown(options=[], description="Clip")
        self.play_button = w.Button(description="Play", icon="play")
        self.play_button.on_click(lambda _b: self.play())
        self.player = w.Box()
        self.reflection = w.Textarea(placeholder="your answer", layout=w.Layout(width="620px", height="60px"))
        self.ack_button = w.Button(description="Acknowledge", icon="check", button_style="success")
        self.ack_button.on_click(lambda _b: self.acknowledge())
        super().__init__([heading("My coaching assignments", 4), self.list, self.detail,
                          w.HBox([self.clip, self.play_button]), self.player, self.reflection, self.ack_button,
                          self.feedback])
        self.add_class("cw-agent-assignments")
        self.reload()

    @guarded
    def reload(self) -> None:
        from curation.coaching import assignments

        found = assignments(self.ws, user=self.user)
        self.items = {a.id: a for a in found}
        self.list.options = [(f"{a.due} · {a.title} · {a.assignees[0]['state']}", a.id) for a in found]
        self.list.value = found[0].id if found else None
        if not found:
            self.feedback.show("no assignments for you")
        self._show()

    def _show(self) -> None:
        a = self.items.get(self.list.value)
        self.ack_button.disabled = a is None or a.assignees[0]["state"] == "acknowledged"
        self.reflection.disabled = self.ack_button.disabled
        self.player.children = ()
        playable = [(c.clip_id, c.clip_id) for c in a.clips if not c.withdrawn] if a else []
        self.clip.options = playable
        self.clip.value = playable[0][1] if playable else None
        self.play_button.disabled = not self.clip.options
        if a is None:
            self.detail.value = ""
            return
        clips = "".join(f"<li>{html.escape(c.clip_id)}: "
                        + (f"<i>{html.escape(c.reason)}</i>" if c.withdrawn else html.escape(c.title or "")) + "</li>"
                        for c in a.clips)
        objectives = "".join(f"<li>{html.escape(o)}</li>" for o in a.objectives)
        question = f"<p><b>{html.escape(a.reflection_question)}</b></p>" if a.reflection_question else ""
        self.detail.value = (f"<div><b>{html.escape(a.title)}</b> — due {a.due}<br>Objectives:<ul>{objectives}</ul>"
                             f"Clips:<ul>{clips}</ul>{question}</div>")
        self.reflection.value = a.assignees[0]["reflection"]

    @guarded
    def play(self) -> None:
        from curation.coaching import assignment_clip_audio

        audio = assignment_clip_audio(self.ws, self.list.value, self.clip.value, user=self.user)
        self.player.children = (w.Audio(value=audio, format="mp3", autoplay=True, loop=False),)

    @guarded
    def acknowledge(self) -> None:
        from curation.coaching import acknowledge

        done = acknowledge(self.ws, self.list.value, self.reflection.value, user=self.user)
        self.feedback.show(f"acknowledged: {done.title}", "ok")
        self.reload()


class AssignmentSender(w.VBox):
    """Send clips (or a pack) to agents or a team, with a due date, objectives and a reflection
    question; below it, who completed what (`curation.coaching.completion`)."""

    def __init__(self, ws, user: str | None = None, clip_ids: str = ""):
        from curation.coaching import roster

        self.ws, self.user = ws, user
        self.feedback = Feedback()
        agents = [r for r in roster(ws, user=user) if r["active"]]
        self.title = w.Text(placeholder="title", description="Title", layout=w.Layout(width="520px"))
        self.clips = w.Text(value=clip_ids, placeholder="clip ids, comma separated", description="Clips",
                            layout=w.Layout(width="520px"))
        self.pack = w.Text(placeholder="pack name or id (optional)", description="Pack", layout=w.Layout(width="520px"))
        self.agents = w.SelectMultiple(options=[(f"{r['name']} ({r['team'] or 'no team'})", r["name"]) for r in agents],
                                       rows=min(6, max(2, len(agents))), description="Agents")
        teams = sorted({r["team"] for r in agents if r["team"]})
        self.team = w.Dropdown(options=[("(none)", "")] + [(t, t) for t in teams], value="", description="or team")
        self.due = w.Text(placeholder="YYYY-MM-DD", description="Due")
        self.objectives = w.Textarea(placeholder="learning objectives, one per line", description="Objectives",
                                     layout=w.Layout(width="520px", height="60px"))
        self.question = w.Text(placeholder="reflection question for the agents", description="Question",
                               layout=w.Layout(width="520px"))
        self.send_button = w.Button(description="Send assignment", icon="paper-plane", button_style="primary")
        self.send_button.on_click(lambda _b: self.send())
        self.progress = w.HTML()
        self.sent: str | None = None
        super().__init__([heading("Send a coaching assignment", 4), self.title, self.clips, self.pack,
                          w.HBox([self.agents, self.team]), self.due, self.objectives, self.question,
                          self.send_button, self.feedback, heading("Who completed what", 4), self.progress])
        self.add_class("cw-assignment-sender")
        self.show_progress()

    @guarded
    def send(self) -> None:
        from curation.coaching import assign

        self.sent = assign(self.ws, self.title.value, self.due.value.strip(), agents=list(self.agents.value),
                           team=self.team.value or None,
                           clip_ids=[c.strip() for c in self.clips.value.split(",") if c.strip()],
                           pack=self.pack.value.strip() or None, objectives=self.objectives.value.splitlines(),
                           reflection_question=self.question.value, user=self.user)
        self.feedback.show(f"assignment {self.sent} sent", "ok")
        self.show_progress()

    @guarded
    def show_progress(self) -> None:
        import pandas as pd

        from curation.coaching import completion

        rows = completion(self.ws, user=self.user)
        self.progress.value = table_html(pd.DataFrame(rows, columns=["id", "title", "due", "assigned", "acknowledged",
                                                                     "open", "overdue", "withdrawn_clips"]))


class TrainerCoaching(w.VBox):
    """The trainer's coaching page: evaluate a clip, then send it to agents (the evaluated clip is
    filled in as the assignment's clip)."""

    def __init__(self, ws, user: str | None = None):
        self.form = EvaluationForm(ws, user)
        self.sender = AssignmentSender(ws, user)
        self.form.start_button.on_click(lambda _b: self._evaluated())  # after the form's own handler
        super().__init__([self.form, self.sender])
        self.add_class("cw-trainer-coaching")

    def _evaluated(self) -> None:
        ev = self.form.evaluation
        if ev is not None and ev.clip_id:
            self.sender.clips.value = ev.clip_id
