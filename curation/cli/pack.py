"""`curation pack`: build clip packs from approved clips, verify them, show their manifest."""

from __future__ import annotations

import sys

import click

from curation.cli._common import format_option, workspace_option


@click.group("pack")
def pack_group() -> None:
    """Clip packs: a zip with anonymised audio, redacted transcripts (WebVTT + JSON), re-enactment
    scripts, trainer notes, a manifest with checksums and an offline player (index.html)."""


@pack_group.command("build")
@workspace_option
@click.option("--name", required=True, help="Pack name (e.g. the course week).")
@click.option("--clip", "clip_ids", multiple=True, required=True, help="Approved clip id; repeat, in play order.")
@click.option("--out", "out", type=click.Path(dir_okay=False), required=True, help="Pack zip to write.")
@click.option("--title", default=None, help="Course title (default: the pack name).")
@click.option("--objective", "objectives", multiple=True, help="Learning objective; repeat for several.")
@click.option("--notes", "notes_file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Trainer notes (Markdown file).")
@click.option("--wav", is_flag=True, help="Also include lossless WAV audio.")
def build(workspace, name, clip_ids, out, title, objectives, notes_file, wav) -> None:
    """Build PACK.zip (trainer). Atomic: on any problem nothing is written; reproducible: the same
    inputs give the same bytes. Prints the pack id and SHA-256."""
    from pathlib import Path

    from curation.cli._common import open_workspace
    from curation.packs import build_pack

    notes = Path(notes_file).read_text(encoding="utf-8") if notes_file else None
    built = build_pack(open_workspace(workspace), name, list(clip_ids), out, title or name, list(objectives), notes,
                       include_wav=wav)
    click.echo(f"{built.pack_id} {built.sha256} {out} ({len(built.clip_ids)} clip(s))")


@pack_group.command("verify")
@click.argument("pack", type=click.Path(dir_okay=False))
@click.option("--no-pii-scan", is_flag=True, help="Skip the PII re-scan (structure and checksums only).")
def verify(pack, no_pii_scan) -> None:
    """Check checksums, the schema, that no file escapes the pack, the bleeps, and re-scan every
    transcript for PII. Exit 7 with the reason on any failure."""
    from curation.packs import verify_pack

    result = verify_pack(pack, rescan_pii=not no_pii_scan)
    if not result.ok:
        for problem in result.problems[1:]:
            click.echo(f"  also: {problem}", err=True)
        click.echo(f"error: {pack}: {result.problems[0]}", err=True)
        sys.exit(7)
    m = result.manifest
    click.echo(f"{pack}: ok ({m['pack_id']}, {len(m['clips'])} clip(s), {len(m['files'])} files, "
               f"{result.checked.get('transcripts_rescanned', 0)} transcript(s) re-scanned)")


@pack_group.command("show")
@click.argument("pack", type=click.Path(dir_okay=False, exists=True))
@format_option
def show(pack, fmt) -> None:
    """The manifest's clips as a table, JSON or CSV (spreadsheet formulas neutralised)."""
    import json
    import zipfile

    from curation.cli._common import emit_frame
    from curation.errors import CurationError
    from curation.packs import manifest_frame

    try:
        with zipfile.ZipFile(pack) as zf:
            manifest = json.loads(zf.read("manifest.json").decode("utf-8"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise CurationError(f"{pack}: no readable manifest ({exc})") from None
    emit_frame(manifest_frame(manifest), fmt)


@pack_group.command("list")
@workspace_option
@format_option
def list_command(workspace, fmt) -> None:
    """Packs built in this workspace: id, who, when, which clips, state."""
    import pandas as pd

    from curation.cli._common import emit_frame, open_workspace
    from curation.packs import all_packs
    from curation.roles import actor, require

    ws = open_workspace(workspace)
    require(actor(ws), "packs.read", "list packs")
    with ws.engine.connect() as conn:
        rows = [p.to_dict() for p in all_packs(conn)]
    for r in rows:
        r["clips"] = ";".join(r["clips"])
    emit_frame(pd.DataFrame(rows, columns=["pack_id", "name", "title", "state", "built_by", "built_at", "builds",
                                           "clips", "sha256", "path", "revoked_reason"]), fmt)


COMMANDS = [pack_group]
