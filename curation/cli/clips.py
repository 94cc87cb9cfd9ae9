"""`curation clips`: cut clips from calls, edit their redactions, anonymise them, listen to them."""

from __future__ import annotations

import json
import sys

import click

from curation.cli._common import batch_options, format_option, workspace_option
from curation.vocabulary import CLIP_STATES as STATES  # an import-free module: --help stays fast

ENTITY_TYPES = ["PERSON", "LOCATION", "NL_POSTCODE", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE", "NL_BSN",
                "DATE_OF_BIRTH", "NL_LICENSE_PLATE", "ACCOUNT_ID"]


@click.group("clips")
def clips_group() -> None:
    """Clips of calls: create, redact, anonymise, listen, list (trainers edit; reviewers listen)."""


@clips_group.command("create")
@workspace_option
@click.option("--call", "call_id", required=True, help="Call id in the catalogue.")
@click.option("--start", type=float, required=True, help="Clip start in seconds on the call's timeline.")
@click.option("--end", type=float, required=True, help="Clip end in seconds.")
@click.option("--title", default=None, help="Title shown to trainers and in packs (no personal data).")
@click.option("--snap", type=click.Choice(["none", "word", "turn"]), default="none", show_default=True,
              help="Widen start/end so no word (or turn) is cut in half.")
def create(workspace, call_id, start, end, title, snap) -> None:
    """Cut a clip from a call; prints the new clip id. PII found in it becomes proposed redactions."""
    from curation.cli._common import open_workspace
    from curation.clips import create_clip

    clip = create_clip(open_workspace(workspace), call_id, start, end, title=title, snap=snap)
    click.echo(clip.id)


@clips_group.command("anonymise")
@workspace_option
@click.option("--clip", "clip_ids", multiple=True,
              help="Clip id (repeatable). Default: every draft clip that has no good anonymisation yet.")
@click.option("--voice", type=click.Choice(["default", "pitch", "none"]), default="default", show_default=True,
              help="Voice disguise (default: keyed formant + F0 change per speaker).")
@click.option("--bleep", type=click.Choice(["tone", "silence"]), default="tone", show_default=True)
@batch_options
def anonymise(workspace, clip_ids, voice, bleep, workers, scheduler, chunk_size, redo, progress) -> None:
    """Detect PII, bleep it, disguise the voices, write the redacted transcript.

    One clip (--clip ID) or many: without --clip, every draft clip without a good anonymisation,
    on all local cores (or a Dask cluster with --scheduler); each clip is recorded as it finishes,
    so a batch that stops continues where it stopped. Exit code 2 when a clip was blocked or failed.
    """
    from curation.cli._common import batch_plan, open_workspace
    from curation.clips import anonymise_clip

    ws = open_workspace(workspace)
    if len(clip_ids) == 1 and workers is None and scheduler is None:
        clip_id = clip_ids[0]
        result = anonymise_clip(ws, clip_id, voice=voice, bleep=bleep)
        if not result.ok:
            click.echo(f"error: clip {clip_id}: anonymisation blocked, {result.blocked_reason}", err=True)
            sys.exit(2)
        redactions = result.report.get("redactions") or []
        left = [f for f in result.rescan if f.get("status") != "reviewed"]
        click.echo(f"clip {clip_id}: anonymised, {len(redactions)} interval(s) bleeped "
                   f"({sum(bool(r.get('verified')) for r in redactions)} verified), voice "
                   f"{(result.report.get('voice') or {}).get('method')}, re-scan: {len(left)} unresolved finding(s)")
        return
    from curation.clips.anonymise import anonymise_clips

    s = anonymise_clips(ws, list(clip_ids) or None, voice=voice, bleep=bleep, redo=redo,
                        plan=batch_plan(workers, scheduler, chunk_size, progress))
    skipped = f", {s.skipped} already anonymised (skipped; --redo to do them again)" if s.skipped else ""
    click.echo(f"anonymised {len(s.anonymised)} clips, {len(s.blocked)} blocked, {len(s.failed)} failed{skipped} "
               f"[{s.where}, {s.seconds:.1f} s]")
    for cid, reason in s.blocked:
        click.echo(f"blocked  {cid}: {reason}", err=True)
    for cid, problem in s.failed:
        click.echo(f"failed   {cid}: {problem}", err=True)
    if s.blocked or s.failed:
        sys.exit(2)


@clips_group.command("audio")
@workspace_option
@click.option("--clip", "clip_id", required=True, help="Clip id.")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True,
              help="Output file (.mp3 or .wav).")
def audio(workspace, clip_id, out) -> None:
    """Write the clip's anonymised audio (logged; a file is not a listen: use `clips listen`). In team
    mode the service sends it (audited as an export) and it is written here for you only (0600)."""
    from pathlib import Path

    from curation.cli._common import open_workspace, write_private
    from curation.clips import export_clip_audio, play_clip

    ws = open_workspace(workspace)
    if getattr(ws, "is_remote_workspace", False):
        fmt = Path(out).suffix.lstrip(".").lower() or "mp3"
        write_private(out, play_clip(ws, clip_id, fmt, details={"exported": True}))
    else:
        export_clip_audio(ws, clip_id, out)
    click.echo(f"wrote {out}")


@clips_group.command("listen")
@workspace_option
@click.argument("clip_arg", metavar="CLIP", required=False)
@click.option("--clip", "clip_id", default=None, help="Clip id (or give it as the argument).")
@click.option("--from", "start", type=float, default=0.0, show_default=True, help="Start, seconds into the clip.")
@click.option("--to", "end", type=float, default=None, help="End, seconds into the clip (default: its end).")
def listen(workspace, clip_arg, clip_id, start, end) -> None:
    """Play the clip's anonymised audio with ffplay and record the stretch heard (approval needs the
    whole clip heard; Ctrl-C stops and records what was played)."""
    import tempfile
    from pathlib import Path

    from curation.cli._common import open_workspace
    from curation.clips import get_clip, listening_status, load_clip_audio, record_listening
    from curation.clips.listening import describe, play_through

    clip_id = clip_id or clip_arg
    if not clip_id:
        raise click.UsageError("give the clip id (CLIP or --clip)")
    ws = open_workspace(workspace)
    clip = get_clip(ws, clip_id)
    end = clip.duration if end is None else min(end, clip.duration)
    if not 0 <= start < end:
        raise click.BadParameter(f"--from {start} must be before --to {end:.2f} (clip is {clip.duration:.2f} s)")
    remote = getattr(ws, "is_remote_workspace", False)  # team mode: no workspace folder here, a private temp one
    if not remote:
        ws.tmp.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="listen-", dir=None if remote else ws.tmp) as tmp:
        path = Path(tmp) / "clip.mp3"
        path.write_bytes(load_clip_audio(ws, clip_id))
        click.echo(f"playing clip {clip_id} {start:.1f}-{end:.1f} s (Ctrl-C stops)", err=True)
        stretch = play_through(path, start, end)
    if stretch is None:
        click.echo(f"clip {clip_id}: nothing played, nothing recorded")
        return
    record_listening(ws, clip_id, [stretch], source="cli")
    left = listening_status(ws, clip_id)["unheard"]
    click.echo(f"clip {clip_id}: heard {stretch[0]:.1f}-{stretch[1]:.1f} s; "
               + (f"not yet heard: {describe([tuple(s) for s in left])}" if left else "you have heard the whole clip"))


@clips_group.command("original")
@workspace_option
@click.option("--clip", "clip_id", required=True, help="Clip id.")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True, help="Output WAV file.")
def original(workspace, clip_id, out) -> None:
    """Write the ORIGINAL audio of a clip's range (trainer or privacy reviewer; logged). In team mode
    the service sends the range (audited, counted against your hourly listening budget) and it is
    written here for you only (0600)."""
    from curation.cli._common import open_workspace, write_private
    from curation.clips import export_clip_original, get_clip, original_audio

    ws = open_workspace(workspace)
    if getattr(ws, "is_remote_workspace", False):
        clip = get_clip(ws, clip_id)
        write_private(out, original_audio(ws, clip.call_id, clip.start, clip.end))
    else:
        export_clip_original(ws, clip_id, out)
    click.echo(f"wrote {out}")


@clips_group.command("list")
@workspace_option
@click.option("--state", type=click.Choice(STATES), default=None, help="Only clips in this state.")
@click.option("--call", "call_id", default=None, help="Only clips of this call.")
@format_option
def list_command(workspace, state, call_id, fmt) -> None:
    """List clips (id, call, times, title, state, anonymisation, consent decision)."""
    import pandas as pd

    from curation.cli._common import emit_frame, open_workspace
    from curation.consent.decisions import clips_with_consent

    rows = clips_with_consent(open_workspace(workspace), state=state, call_id=call_id)
    columns = ["clip_id", "call_id", "start", "end", "duration", "title", "state", "created_by", "created_at",
               "updated_at", "anonymised", "consent"]
    emit_frame(pd.DataFrame(rows, columns=columns), fmt)


@clips_group.command("spans")
@workspace_option
@click.option("--clip", "clip_id", required=True, help="Clip id.")
def spans(workspace, clip_id) -> None:
    """List the clip's redaction spans as JSON (word range in the clip, times, role, type, status)."""
    from curation.cli._common import open_workspace
    from curation.clips import redaction_span_rows

    click.echo(json.dumps(redaction_span_rows(open_workspace(workspace), clip_id), indent=2))


@clips_group.command("redact")
@workspace_option
@click.option("--clip", "clip_id", required=True, help="Clip id.")
@click.option("--accept", "accept_id", type=int, default=None, help="Keep span ID redacted.")
@click.option("--reject", "reject_id", type=int, default=None, help="Span ID is not personal data: do not redact.")
@click.option("--add", "add_words", nargs=2, type=int, default=None, metavar="FIRST END",
              help="Redact the clip's words FIRST..END-1 (indices as in `clips spans`).")
@click.option("--type", "entity_type", type=click.Choice(ENTITY_TYPES), default=None, help="Entity type for --add.")
def redact(workspace, clip_id, accept_id, reject_id, add_words, entity_type) -> None:
    """Accept, reject or add one redaction span (an edit: re-anonymise afterwards)."""
    from curation.cli._common import open_workspace
    from curation.clips import add_redaction, decide_redaction

    chosen = [x is not None for x in (accept_id, reject_id, add_words)]
    if sum(chosen) != 1:
        raise click.UsageError("give exactly one of --accept, --reject, --add")
    ws = open_workspace(workspace)
    if add_words:
        if not entity_type:
            raise click.UsageError("--add needs --type")
        span = add_redaction(ws, clip_id, tuple(add_words), entity_type)
    else:
        span = decide_redaction(ws, clip_id, accept_id if accept_id is not None else reject_id,
                                accept=accept_id is not None)
    click.echo(f"clip {clip_id}: span {span.id} {span.entity_type} {span.status}")


COMMANDS = [clips_group]
