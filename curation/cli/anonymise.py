"""`curation anonymise`: bleep PII and disguise voices in a recording (plain files or a workspace call)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from curation.errors import CurationError


@click.command("anonymise")
@click.option("--audio", "audio", type=click.Path(dir_okay=False), help="Recording to anonymise (WAV, MP3, OGG, ...).")
@click.option("--transcript", "transcript_path", type=click.Path(dir_okay=False),
              help="Its timed transcript; PII is detected in it and bleeped at the words' times.")
@click.option("--transcript-format", type=click.Choice(["json", "vtt", "aws", "stm"]), default=None,
              help="Transcript format (default: from the file).")
@click.option("--lang", type=click.Choice(["nl", "en"]), default=None, help="Language for PII detection "
              "(default: the transcript's, else nl).")
@click.option("--start", type=float, default=None, help="Clip start in seconds (default: 0).")
@click.option("--end", type=float, default=None, help="Clip end in seconds (default: end of the recording).")
@click.option("--snap", type=click.Choice(["none", "word", "turn"]), default="none", show_default=True,
              help="Widen --start/--end so no word (or turn) is cut in half.")
@click.option("--voice", type=click.Choice(["default", "normalise", "pool", "warp", "pitch", "none"]),
              default="default", show_default=True,
              help="default (= normalise): resynthesis towards a keyed pseudo-speaker (envelope, formant scale, F0 "
                   "level and range replaced, the speaker's own envelope changes normalised and smoothed); pool: the "
                   "same with the envelope changes taken from synthetic (espeak-ng) pool voices; warp: the previous default, the "
                   "speaker's own envelope warped and F0 moved (keyed); pitch: plain, reversible pitch shift; none: "
                   "keep the voices.")
@click.option("--key-scope", type=click.Choice(["call", "clip"]), default="clip", show_default=True,
              help="clip: disguise parameters drawn per clip (the clip's time range), so two clips of one call "
                   "do not sound alike; call: every clip of a call disguised alike.")
@click.option("--bleep", type=click.Choice(["tone", "silence"]), default="tone", show_default=True,
              help="What replaces each PII interval.")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True,
              help="Output file; its suffix picks the format (.wav, .mp3, .ogg, .opus, .flac).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
              help="Write the JSON report here (redactions with times, roles, entity types, verification).")
@click.option("--key-file", type=click.Path(dir_okay=False), default=None,
              help="Secret voice key (default: the workspace's, else ~/.config/curation/voice.key, created "
                   "with owner-only permissions on first use).")
@click.option("--intervals", "intervals_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Reviewed redaction intervals instead of detection: a JSON list of {start, end, speaker, "
                   "entity_type} on the call's timeline (a whole-call report's `redactions` also fits).")
@click.option("--sample-rate", type=int, default=None, help="Convert the output to this rate (default: keep).")
@click.option("--workspace", "-w", "workspace", type=click.Path(file_okay=False), default=None,
              help="Anonymise a catalogued call of this workspace (with --call) using the workspace key.")
@click.option("--call", "call_id", default=None, help="Call id in the workspace (instead of --audio/--transcript).")
def anonymise(audio, transcript_path, transcript_format, lang, start, end, snap, voice, key_scope, bleep, out,
              report_path, key_file, intervals_path, sample_rate, workspace, call_id) -> None:
    """Cut a clip, bleep every PII interval, verify it, disguise each voice, and write OUT.

    PII intervals come from PII detection on the transcript (or --intervals). The words of a
    WebVTT or STM transcript are first placed from the audio (forced alignment); where that is
    not confident, the whole stretch they may lie in is bleeped. The clip is
    blocked - no output file, exit status 2 - when an interval cannot be placed on the
    audio or any bleeped interval still holds sound besides the tone. The report names
    speakers by role (agent, customer, speaker A/B), never by the transcript's labels,
    and never contains the key or the disguise parameters.

    An --audio file inside a workspace's originals/ folder is that workspace's call: it is
    anonymised as `--workspace W --call ID` would (your role is checked, the workspace key
    is used, the audit trail records it; the catalogue's transcript, so no --transcript).
    """
    from curation.anonymise import anonymise_audio
    from curation.anonymise.keys import load_or_create_key

    if workspace or call_id:
        if not (workspace and call_id):
            raise click.UsageError("--workspace and --call go together")
        if audio or transcript_path:
            raise click.UsageError("give either --workspace/--call or --audio/--transcript, not both")
        report = _workspace_call(workspace, call_id, out, lang, key_file, intervals_path,
                                 dict(voice=voice, bleep=bleep, start=start, end=end, snap=snap,
                                      sample_rate=sample_rate, key_scope=key_scope))
    else:
        if not audio:
            raise click.UsageError("--audio is required (or --workspace with --call)")
        from curation.anonymise.pipeline import workspace_original

        found = workspace_original(audio)
        if found is not None:
            if transcript_path:
                raise click.UsageError(f"{audio} is an original recording of workspace {found[0]}: its catalogue "
                                       "transcript is used; leave out --transcript")
            report = _workspace_call(found[0], None, out, lang, key_file, intervals_path,
                                     dict(voice=voice, bleep=bleep, start=start, end=end, snap=snap,
                                          sample_rate=sample_rate, key_scope=key_scope), original=found[1])
            _finish(report, report_path, audio, out)
            return
        transcript = None
        if transcript_path:
            from curation.ingest.alignment import ALIGNED_FORMATS, align_transcript
            from curation.ingest.formats import read_with_format

            fmt, transcript = read_with_format(transcript_path, transcript_format)
            if fmt in ALIGNED_FORMATS and transcript.timings_estimated:
                transcript, alignment = align_transcript(transcript, audio, lang)
                if alignment.warning:
                    click.echo(f"warning: {transcript_path}: {alignment.warning}", err=True)
        elif not intervals_path:
            raise click.UsageError("--transcript is required to find PII (or give reviewed --intervals)")
        key, where, created = load_or_create_key(key_file)
        if created:
            click.echo(f"created a new voice key at {where} (owner-only); keep it secret and keep it", err=True)
        language = lang or (transcript.language if transcript is not None else "nl")
        try:
            intervals = _read_intervals(intervals_path) if intervals_path else _detect(transcript, language)
        except CurationError as exc:  # fail closed: no detection, no clip
            from curation.anonymise import AnonymisationReport

            report = AnonymisationReport(status="blocked", blocked_reason=f"PII intervals unavailable: {exc}")
        else:
            report = anonymise_audio(audio, transcript, intervals, key, voice=voice, bleep=bleep, start=start,
                                     end=end, out=out, snap=snap, sample_rate=sample_rate, key_scope=key_scope)
    _finish(report, report_path, audio or call_id, out)


def _finish(report, report_path, source, out) -> None:
    """Write the report, then say what was written (or why it was blocked: exit status 2)."""
    if report_path:
        report.write(report_path)
    if not report.ok:
        click.echo(f"error: {source}: blocked, {report.blocked_reason}", err=True)
        sys.exit(2)
    verified = sum(r.verified for r in report.redactions)
    click.echo(f"wrote {out}: {report.clip['duration']:.2f}s, {len(report.redactions)} interval(s) bleeped "
               f"({verified} verified), voice {report.voice['method']}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)


def _detect(transcript, language: str) -> list:
    """PII intervals on the call's timeline, from the PII stage."""
    try:
        from curation.pii import redaction_intervals
    except ImportError as exc:
        raise CurationError("PII detection is not available in this installation "
                            f"({exc}); pass reviewed intervals with --intervals") from None
    # Unpadded word times: the audio stage pads (more for estimated times) and reports the padded span.
    return list(redaction_intervals(transcript, language=language, padding=0.0, estimated_padding=0.0))


def _read_intervals(path) -> list[dict]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CurationError(f"{path}: not a readable intervals file ({exc})") from None
    items = data.get("redactions") if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise CurationError(f"{path}: expected a JSON list of intervals or an object with `redactions`")
    return items


def _workspace_call(workspace, call_id, out, lang, key_file, intervals_path, options, original=None):
    from curation.anonymise.calls import anonymise_call
    from curation.workspace import Workspace, resolve_workspace

    if key_file:
        raise click.UsageError("a workspace call uses the workspace's key; --key-file is for plain files")
    ws = Workspace.open(resolve_workspace(workspace))
    try:
        intervals = _read_intervals(intervals_path) if intervals_path else None
        return anonymise_call(ws, call_id, out, intervals=intervals, language=lang, original=original, **options)
    finally:
        ws.close()


COMMANDS = [anonymise]
