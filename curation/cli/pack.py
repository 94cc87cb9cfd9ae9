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
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
              help="Pack zip to write (default: W/packs/NAME.zip). Inside the workspace only under packs/; "
                   "an existing file only if this workspace built it, or with --force. In team mode the "
                   "service builds it in its own packs/ and this is where the download goes (default: ./NAME.zip).")
@click.option("--title", default=None, help="Course title (default: the pack name).")
@click.option("--objective", "objectives", multiple=True, help="Learning objective; repeat for several.")
@click.option("--notes", "notes_file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Trainer notes (Markdown file).")
@click.option("--wav", is_flag=True, help="Also include lossless WAV audio.")
@click.option("--force", is_flag=True, help="Replace an existing file this workspace did not build.")
def build(workspace, name, clip_ids, out, title, objectives, notes_file, wav, force) -> None:
    """Build PACK.zip (trainer). Atomic: on any problem nothing is written; reproducible: the same
    inputs give the same bytes; written owner-only (0600) and registered before it is moved into
    place. Prints the pack id, SHA-256 and path."""
    from pathlib import Path

    from curation.cli._common import open_workspace
    from curation.packs import build_pack

    notes = Path(notes_file).read_text(encoding="utf-8") if notes_file else None
    ws = open_workspace(workspace)
    if getattr(ws, "is_remote_workspace", False):
        _build_on_the_service(ws, name, list(clip_ids), out, title or name, list(objectives), notes, wav, force)
        return
    built = build_pack(ws, name, list(clip_ids), out, title or name, list(objectives), notes,
                       include_wav=wav, force=force)
    click.echo(f"{built.pack_id} {built.sha256} {built.path} ({len(built.clip_ids)} clip(s))")


def _build_on_the_service(ws, name, clip_ids, out, title, objectives, notes, wav, force) -> None:
    """Team mode: the service builds the pack in its own packs/ (as the token's user, audited); the zip
    is downloaded (audited), checked against the build's checksum and written here atomically (0600).
    An existing file is replaced only with --force."""
    import hashlib
    from pathlib import Path

    from curation.cli._common import write_private
    from curation.errors import CurationError
    from curation.packs import build_pack
    from curation.packs.download import download_pack

    target = Path(out) if out else None
    if target is not None and target.exists() and not force:
        raise CurationError(f"{target}: exists; pass --force to replace it (nothing was built)")
    built = build_pack(ws, name, clip_ids, None, title, objectives, notes, include_wav=wav)
    if built.build is None:
        raise CurationError(f"pack {name}: the service registered no build to download")
    download = download_pack(ws, built.build.id)
    if hashlib.sha256(download.data).hexdigest() != built.sha256:
        raise CurationError(f"pack {name}: the downloaded zip does not match the checksum of the build; try again")
    target = target or Path(download.filename)
    if target.exists() and not force:
        raise CurationError(f"{target}: exists; pass --force to replace it (the pack was built on the service: "
                            f"build {built.build.id})")
    write_private(target, download.data)
    click.echo(f"{built.pack_id} {built.sha256} {target} ({len(built.clip_ids)} clip(s); built on the service, "
               f"build {built.build.id}, downloaded)")


@pack_group.command("verify")
@click.argument("pack", type=click.Path(dir_okay=False))
@click.option("--workspace", "workspace", type=click.Path(file_okay=False), default=None,
              help="Also check the zip is a build this workspace registered and did not revoke (and clean up "
                   "what killed builds left there first).")
@click.option("--no-pii-scan", is_flag=True, help="Skip the personal-data scan (structure, checksums, audio only).")
@click.option("--all-problems", is_flag=True, help="List every problem found, one per line, after the error line.")
def verify(pack, workspace, no_pii_scan, all_problems) -> None:
    """Prove the pack itself: zip limits and safe entries, the schema, checksums, captions and player
    page derived from the transcripts, every text scanned for personal data (Dutch and English, flags
    ignored), the bleeps found where words were redacted, and each voice measured against the
    disguised voice the build recorded. Exit 7 with a one-line reason on any failure."""
    from curation.packs import reconcile, verify_pack

    ws = None
    if workspace:
        from curation.cli._common import open_workspace

        ws = open_workspace(workspace)
        reconcile(ws)
    result = verify_pack(pack, rescan_pii=not no_pii_scan, ws=ws)
    if not result.ok:
        click.echo(f"error: {pack}: {result.summary()}", err=True)
        if all_problems:
            for problem in result.problems:
                click.echo(f"  {problem}", err=True)
        sys.exit(7)
    m = result.manifest
    scanned = ("PII scan skipped" if no_pii_scan else
               f"{result.checked.get('transcripts_rescanned', 0)} transcript(s) and every text scanned")
    click.echo(f"{pack}: ok ({m['pack_id']}, {len(m['clips'])} clip(s), {len(m['files'])} files, {scanned}, "
               f"{result.checked.get('audio_files_checked', 0)} audio file(s) listened to"
               + (", registered build" if ws is not None else "") + ")")


@pack_group.command("show")
@click.argument("pack", type=click.Path(dir_okay=False, exists=True))
@format_option
def show(pack, fmt) -> None:
    """The manifest's clips as a table, JSON or CSV (spreadsheet formulas neutralised)."""
    import json

    from curation.cli._common import emit_frame
    from curation.errors import CurationError
    from curation.packs import manifest_frame

    from curation.packs.archive import ArchiveError, PackArchive

    try:
        with PackArchive(pack) as archive:
            manifest = json.loads(archive.read("manifest.json").decode("utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
    except (ArchiveError, ValueError, UnicodeDecodeError) as exc:
        raise CurationError(f"{pack}: no readable manifest ({exc})") from None
    emit_frame(manifest_frame(manifest), fmt)


@pack_group.command("list")
@workspace_option
@format_option
@click.option("--builds", is_flag=True, help="Every zip ever built (path, state), not one row per pack.")
def list_command(workspace, fmt, builds) -> None:
    """Packs built in this workspace: id, who, when, which clips, state. Cleans up first what killed
    builds left behind (stale .part files, zips whose registration never committed)."""
    import pandas as pd

    from curation.cli._common import emit_frame, open_workspace
    from curation.packs import all_builds, all_packs, reconcile
    from curation.roles import actor, require

    ws = open_workspace(workspace)
    require(actor(ws), "packs.read", "list packs")
    reconcile(ws)
    with ws.engine.connect() as conn:
        rows = [p.to_dict() for p in (all_builds(conn) if builds else all_packs(conn))]
    for r in rows:
        r["clips"] = ";".join(r["clips"])
    columns = (["build_id", "pack_id", "name", "state", "location", "path", "built_by", "built_at", "clips",
                "sha256", "size", "state_reason"] if builds else
               ["pack_id", "name", "title", "state", "built_by", "built_at", "builds", "clips", "sha256", "path",
                "revoked_reason"])
    emit_frame(pd.DataFrame(rows, columns=columns), fmt)


@pack_group.command("revoke")
@workspace_option
@click.option("--clip", "clip_ids", multiple=True, required=True, help="Clip id whose packs go; repeat.")
@click.option("--reason", required=True, help="Why (e.g. the erasure request's reference).")
def revoke_command(workspace, clip_ids, reason) -> None:
    """Revoke every pack build holding these clips (privacy reviewer or admin): copies under W/packs/
    are deleted, copies elsewhere are flagged revoked and listed here so someone deletes them."""
    from curation.cli._common import open_workspace
    from curation.packs import revoke_packs

    outcome = revoke_packs(open_workspace(workspace), list(clip_ids), reason)
    click.echo(f"packs revoked: {', '.join(outcome.pack_ids) or 'none'}; "
               f"{len(outcome.deleted)} copy(ies) deleted from the workspace")
    for copy in outcome.external:
        click.echo(f"revoked copy outside the workspace, delete it: {copy['path']} ({copy['build_id']})")


COMMANDS = [pack_group]
