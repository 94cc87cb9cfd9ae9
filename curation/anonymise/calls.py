"""Anonymise an original recording of a catalogued call: permission check, workspace key, audit event."""

from __future__ import annotations

from curation.access import reads_personal
from curation.anonymise.keys import workspace_voice_key
from curation.anonymise.pipeline import _anonymise_audio
from curation.anonymise.report import AnonymisationReport
from curation.errors import NotFound


@reads_personal("calls.play_original", "call.anonymise")
def anonymise_call(ws, call_id: str | None, out, *, user: str | None = None, intervals=None,
                   language: str | None = None, original: str | None = None, **options) -> AnonymisationReport:
    """Run the anonymiser on a workspace call's original recording. Needs a role that may hear
    originals (trainer or privacy reviewer); records one audit event with the outcome (no PII, no
    parameters). `original` (a path relative to the workspace, `originals/...`) names the call by
    its stored recording instead of `call_id`: the stand-alone `curation anonymise` on a
    workspace's original file goes through here.

    `intervals` default to PII detection on the call's transcript."""
    from sqlalchemy import select

    from curation.catalogue import get_call, load_transcript
    from curation.roles import operation
    from curation.store.schema import calls

    with operation(ws, "calls.play_original", "call.anonymise", "call", call_id, user=user,
                   what="anonymise an original recording") as op:
        if call_id is None:
            call_id = op.conn.execute(select(calls.c.id).where(calls.c.audio_path == original)).scalar()
            if call_id is None:
                raise NotFound(f"{original}: no call of {ws.root} is stored under this path")
            op.object_id = call_id
        call = get_call(ws, call_id)
        transcript = load_transcript(ws, call_id)
        if intervals is None:
            from curation.pii import redaction_intervals

            intervals = (redaction_intervals(transcript, language=language or call.language, padding=0.0,
                                             estimated_padding=0.0) if transcript else [])
        with ws.audio_store.local_copy(call.audio_path) as source:
            report = _anonymise_audio(source, transcript, intervals, workspace_voice_key(ws),
                                      out=out, call_id=call.id, **options)
        op.details.update({"status": report.status, "redactions": len(report.redactions),
                           "voice": report.voice.get("method"), "reason": report.blocked_reason,
                           **({"original": True} if original else {})})
    return report
