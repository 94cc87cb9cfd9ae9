"""Consent panel: the call's consent facts, the clip's decision with the rules that fired, the
evidence quotes on request (an audited read), and (privacy reviewers only) an override with a
mandatory reason. Displaying reads only; the decision itself comes from the library."""

from __future__ import annotations

import html

import ipywidgets as w

from widgets.base import Feedback, guarded, heading

FACT_LABELS = {"notice_played": "recording notice played", "notice_purposes": "purposes named",
               "legal_basis": "legal basis", "customer_objected": "customer objected",
               "employee_informed": "employee informed", "secret_recording": "secret recording",
               "minor": "minor", "special_category": "special-category data", "retention_until": "retain until"}


EVIDENCE_KINDS = ("notice", "objection", "special_category", "minor", "employee_informed")


def override_choices() -> list[str]:
    """The decisions a reviewer may choose, and "policy" to withdraw an override (from the library)."""
    from curation.vocabulary import CONSENT_DECISIONS, OVERRIDE_CLEAR

    return [*CONSENT_DECISIONS, OVERRIDE_CLEAR]


def _evidence(item) -> str:
    """A quote with its time when the record has one."""
    if isinstance(item, dict):
        quote = html.escape(str(item.get("quote", "")))
        time = item.get("time", item.get("start"))
        return f"“{quote}”" + (f" ({time:.1f} s)" if isinstance(time, (int, float)) else "")
    if isinstance(item, (list, tuple)):
        return "; ".join(_evidence(i) for i in item)
    return f"“{html.escape(str(item))}”"


def _fmt(value) -> str:
    if isinstance(value, (list, tuple, set)):
        return ", ".join(sorted(map(str, value))) or "none"
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class ConsentPanel(w.VBox):
    """Facts, decision, evidence and override for one clip (the decision itself comes from the policy)."""

    def __init__(self, ws, user: str | None = None):
        self.ws, self.user, self.clip = ws, user, None
        self.feedback = Feedback()
        self.facts = w.HTML()
        self.decision = w.HTML()
        self.evidence = w.HTML()
        self.evidence_button = w.Button(description="Show evidence", icon="quote-left",
                                        tooltip="The transcript quotes behind the facts (the read is audited)")
        self.evidence_button.on_click(lambda _b: self.show_evidence())
        self.override_choice = w.Dropdown(options=override_choices(), description="Override to")
        self.override_reason = w.Text(placeholder="reason (required, kept in the audit trail)",
                                      layout=w.Layout(width="380px"))
        self.override_button = w.Button(description="Override", icon="gavel")
        self.override_button.on_click(lambda _b: self.override())
        self.override_box = w.HBox([self.override_choice, self.override_reason, self.override_button])
        super().__init__([heading("Consent"), self.facts, self.decision, w.HBox([self.evidence_button]),
                          self.evidence, self.override_box, self.feedback])
        self.add_class("cw-consent-panel")

    @guarded
    def show(self, clip) -> None:
        from widgets.listening import can

        self.clip = clip
        self.override_box.layout.display = None if can(self.ws, "consent.override", self.user) else "none"
        self.evidence.value = ""
        self.refresh()

    def refresh(self) -> None:
        """Facts and decision as the library has them now (`consent_summary`: reads, never writes)."""
        from curation.consent.analysis import consent_summary

        summary = consent_summary(self.ws, self.clip.id, user=self.user)
        data = summary["record"]
        rows = "".join(
            f"<tr><td>{html.escape(label)}</td><td>{html.escape(_fmt(data.get(key)))}</td>"
            f"<td style='color:#57606a'>{html.escape(str(data.get('sources', {}).get(key, '')))}</td></tr>"
            for key, label in FACT_LABELS.items())
        self.facts.value = f"<table class='cw-consent-facts' style='font-size:12px'>{rows}</table>"
        self.evidence_button.disabled = not data.get("evidence_kinds")
        decision = summary["decision"]
        reasons = "".join(f"<li><code>{html.escape(r['rule'])}</code> {html.escape(r['en'])}<br>"
                          f"<span style='color:#57606a'>{html.escape(r['nl'])}</span></li>" for r in decision["reasons"])
        override = decision.get("override")
        overridden = (f" — overridden from {html.escape(str(decision['policy_decision']))} by "
                      f"{html.escape(str(override.get('by')))}: “{html.escape(str(override.get('reason')))}”"
                      if override else "")
        self.decision.value = (f"<div class='cw-consent-decision'>decision: <b class='cw-decision'>"
                               f"{html.escape(decision['decision'])}</b>{overridden}<ul>{reasons}</ul></div>")

    @guarded
    def show_evidence(self) -> None:
        """The quotes behind the facts: transcript text, so the library audits this read."""
        from curation.consent.analysis import call_consent

        record = call_consent(self.ws, self.clip.call_id, user=self.user)["record"] or {}
        quotes = "".join(f"<li>{html.escape(kind)}: {_evidence(q)}</li>"
                         for kind, q in (record.get("evidence") or {}).items() if q and kind in EVIDENCE_KINDS)
        self.evidence.value = f"<div class='cw-consent-evidence'>evidence:<ul>{quotes}</ul></div>" if quotes else \
            "<i>no quotes</i>"

    @guarded
    def override(self) -> None:
        from curation.consent.decisions import override_decision

        override_decision(self.ws, self.clip.id, self.override_choice.value, self.override_reason.value,
                          user=self.user)
        self.override_reason.value = ""
        self.refresh()
        self.feedback.show(f"decision overridden to {self.override_choice.value}", "ok")
