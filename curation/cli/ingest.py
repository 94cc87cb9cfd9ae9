"""`curation ingest` and `curation init`."""

from __future__ import annotations

import sys

import click

from curation.cli._common import parallel_options, workspace_option


@click.command("init")
@click.option("--workspace", "-w", "workspace", type=click.Path(file_okay=False), required=True,
              help="Folder for the new workspace (must not exist or be empty).")
@click.option("--database-url", default=None,
              help="SQLAlchemy URL of the catalogue database (default: SQLite file inside the workspace).")
@click.option("--database-server", default=None, envvar="CURATION_DATABASE_SERVER",
              help="PostgreSQL server URL on which to create a new database for this workspace "
                   "(env CURATION_DATABASE_SERVER); ignored when --database-url is given.")
@click.option("--audio-store", default=None, metavar="URL",
              help="fsspec URL where the original recordings are kept, e.g. s3://bucket/prefix for a team "
                   "(default: the workspace's own originals/ folder). Credentials come from the environment "
                   "(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE ...), never from the URL.")
@click.option("--audio-store-endpoint", default=None, metavar="URL",
              help="Endpoint of an S3-compatible server (MinIO, Ceph, a cloud's S3 API) for --audio-store s3://...")
def init(workspace: str, database_url: str | None, database_server: str | None, audio_store: str | None,
         audio_store_endpoint: str | None) -> None:
    """Create an empty workspace: catalogue database, audio store and secret key.

    With --audio-store the originals go to that store (checked by writing, reading and deleting a probe
    object first) and the workspace settings record its URL and endpoint, not its credentials. The
    acting user becomes the workspace's admin and can then add users with `curation users add`."""
    from curation.workspace import Workspace

    from curation.roles import add_user
    from curation.users import current_user

    options = {"endpoint_url": audio_store_endpoint} if audio_store_endpoint else None
    ws = Workspace.create(workspace, database_url, database_server, audio_store=audio_store,
                          audio_store_options=options)
    add_user(ws, current_user(), "admin")
    store = "" if ws.audio_store.is_local else f", originals in {ws.audio_store.describe()}"
    click.echo(f"created workspace {ws.root} (schema {ws.schema_revision()}{store}); {current_user()} is its admin")


@click.command("ingest")
@workspace_option
@click.option("--manifest", type=click.Path(dir_okay=False, exists=True), default=None,
              help="CSV manifest with call metadata (default: manifest.csv inside a given folder).")
@click.option("--no-align", is_flag=True, default=False,
              help="Keep the evenly spread word times of WebVTT/STM transcripts instead of placing the words "
                   "from the audio (forced alignment: pocketsphinx's acoustic model for English, espeak-ng for Dutch); "
                   "redaction then covers whole segments.")
@parallel_options
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def ingest(workspace: str, manifest: str | None, no_align: bool, workers, scheduler, progress,
           paths: tuple[str, ...]) -> None:
    """Import recordings with their transcripts into the workspace.

    PATHS are files or folders. A transcript pairs with the recording of the same file
    stem (call17.wav + call17.json|.vtt|.stm, or AWS Transcribe .json); recordings may be
    WAV, MP3 or OGG, mono or two-channel (agent left, customer right). Re-importing a file
    is a no-op. A bad file is reported on one line and the rest of the batch goes on; the
    exit status is 2 when any file failed. Words of WebVTT and STM transcripts are placed from
    the audio (forced alignment); where that is not confident they stay estimated, and
    redaction then covers their whole stretch (or, where two aligners agree on the segment but not
    on a word, the span both place it in). Recordings are read, probed and aligned on all
    local cores (or a Dask cluster with --scheduler); each call is stored as soon as it is read.
    In team mode (no --workspace, $CURATION_SERVICE_URL set) each recording is sent to the curation
    service with its transcript and its manifest row, and imported there as your JupyterHub user.
    """
    from curation.cli._common import batch_plan, open_workspace
    from curation.ingest import ingest as run
    from curation.users import current_user

    ws = open_workspace(workspace)
    if getattr(ws, "is_remote_workspace", False):
        outcomes = _upload(ws, paths, manifest, not no_align)
    else:
        outcomes = run(ws, paths, current_user(), manifest=manifest, align=not no_align,  # needs role trainer or admin
                       plan=batch_plan(workers, scheduler, 1, progress))
    for outcome in outcomes:
        click.echo(outcome.line(), err=outcome.status == "failed")
    counts = {s: sum(o.status == s for o in outcomes) for s in ("imported", "skipped", "failed")}
    click.echo(f"{counts['imported']} imported, {counts['skipped']} already present, {counts['failed']} failed")
    if counts["failed"]:
        sys.exit(2)


def _upload(ws, paths, manifest, align: bool) -> list:
    """Team mode: the files are found and paired here as a local import would (folders, CSV manifests,
    transcripts of the same stem), then each recording goes to the curation service with its
    transcript and a one-row manifest carrying its metadata, and is imported there as the token's
    user. A file that cannot be sent is one failed line and the batch goes on; a refusal of the user
    or an unreachable service stops it (what was imported stays; running it again skips it)."""
    from dataclasses import replace

    from curation.errors import CurationError, ImportProblem, PermissionDenied
    from curation.ingest import ImportOutcome, ingest_upload, plan_imports, upload_files
    from curation.remote import ServiceUnavailable

    items, problems = plan_imports(paths, manifest)
    outcomes = [ImportOutcome(p.path, "failed", None, str(p)) for p in problems]
    for item in items:
        try:
            files = upload_files(item)
        except ImportProblem as exc:
            outcomes.append(ImportOutcome(str(item.audio), "failed", None, str(exc)))
            continue
        try:
            sent = ingest_upload(ws, files, align=align)
        except (PermissionDenied, ServiceUnavailable):
            raise
        except CurationError as exc:  # the service refused this recording: say which, go on
            outcomes.append(ImportOutcome(str(item.audio), "failed", None, f"{item.audio}: {exc}"))
            continue
        local = {item.audio.name: str(item.audio)}
        outcomes.extend(replace(o, path=local.get(o.path, o.path)) for o in sent)
    return outcomes


COMMANDS = [init, ingest]
