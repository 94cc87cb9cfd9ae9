"""Anonymise a clip of a catalogued call: permission check, workspace key, audit event."""

from __future__ import annotations

from curation.anonymise.keys import workspace_voice_key
from curation.anonymise.pipeline import anonymise_audio
from curation.anonymise.report import AnonymisationReport


def anonymise_call(ws, call_id: str, out, *, user: str | None = None, intervals=None, language: str | None = None,
                   **options) -> AnonymisationReport:
    """Run `anonymise_audio` on a workspace call. Needs a role that may hear originals (trainer or
    privacy reviewer); records one audit event with the outcome (no PII, no parameters).

    `intervals` default to PII detection on the call's transcript."""
    from curation.catalogue import get_call, load_transcript
    from curation.roles import operation

    with operation(ws, "calls.play_original", "call.anonymise", "call", call_id, user=user,
                   what="anonymise an original recording") as op:
        call = get_call(ws, call_id)
        transcript = load_transcript(ws, call_id)
        if intervals is None:
            from curation.pii import redaction_intervals

            intervals = (redaction_intervals(transcript, language=language or call.language, padding=0.0,
                                             estimated_padding=0.0) if transcript else [])
        report = anonymise_audio(ws.path_of(call.audio_path), transcript, intervals, workspace_voice_key(ws),
                                 out=out, call_id=call.id, **options)
        op.details.update({"status": report.status, "redactions": len(report.redactions),
                           "voice": report.voice.get("method"), "reason": report.blocked_reason})
    return report
