"""`curation review`: the four-eyes lifecycle of a clip (submit, approve, reject, request changes)."""

from __future__ import annotations

import click

from curation.cli._common import workspace_option


@click.group("review")
def review_group() -> None:
    """Clip review: trainers submit; privacy reviewers (never the clip's creator or an editor) approve,
    reject or request changes. Approval needs a clean PII re-scan, verified bleeps, disguised voices
    (unless re-enactment only), a consent decision that allows the use, that the reviewer
    listened to the anonymised clip (`curation clips audio`) after its last edit, and the
    reviewer's attestation of every checklist item (`approve --attest ITEM` or `--attest-all`)."""


def _verb(name: str, fn_name: str, help_text: str, reason_required: bool):
    @review_group.command(name, help=help_text)
    @workspace_option
    @click.option("--clip", "clip_id", required=True, help="Clip id.")
    @click.option("--reason", required=reason_required, **({} if reason_required else {"default": None}),
                  help="Why (required to reject or request changes).")
    def command(workspace, clip_id, reason) -> None:
        import curation.review as review
        from curation.cli._common import open_workspace

        clip = getattr(review, fn_name)(open_workspace(workspace), clip_id, reason=reason)
        click.echo(f"clip {clip.id}: {clip.state}")

    return command


_verb("submit", "submit", "Submit an anonymised clip for review (trainer).", False)


@review_group.command("approve")
@workspace_option
@click.option("--clip", "clip_id", required=True, help="Clip id.")
@click.option("--reason", default=None, help="A note kept with the approval.")
@click.option("--attest", "attest", multiple=True, metavar="ITEM",
              help="A checklist item you attest (repeat for each: listened, transcript_clean, voices_disguised).")
@click.option("--attest-all", is_flag=True,
              help="Print the reviewer's checklist and attest every item of it.")
def approve(workspace, clip_id, reason, attest, attest_all) -> None:
    """Approve a submitted clip (privacy reviewer, four eyes). You attest each item of the reviewer's
    checklist, as the review queue's ticks do: with --attest ITEM (repeated) or --attest-all, which
    prints the checklist first. Missing items refuse the approval (exit 5)."""
    import curation.review as review
    from curation.cli._common import open_workspace

    items = list(attest)
    if attest_all:
        for item, text in review.CHECKLIST.items():
            click.echo(f"[x] {item}: {text}")
        items = list(review.CHECKLIST)
    clip = review.approve(open_workspace(workspace), clip_id, reason=reason, attestations=items)
    click.echo(f"clip {clip.id}: {clip.state}")


_verb("reject", "reject", "Reject a submitted clip (privacy reviewer).", True)
_verb("request-changes", "request_changes", "Send a submitted clip back to its trainer (privacy reviewer).", True)


@review_group.command("check")
@workspace_option
@click.option("--clip", "clip_id", required=True, help="Clip id.")
def check(workspace, clip_id) -> None:
    """Show what stands between the clip and approval by you; exit 5 when something does."""
    import sys

    from curation.cli._common import open_workspace
    from curation.review import approval_problems

    problems = approval_problems(open_workspace(workspace), clip_id)
    for p in problems:
        click.echo(f"- {p}")
    if problems:
        sys.exit(5)
    click.echo(f"clip {clip_id}: ready for approval")


@review_group.command("revoke")
@workspace_option
@click.option("--clip", "clip_id", required=True, help="Clip id.")
@click.option("--reason", required=True, help="Why (e.g. erasure request reference, no personal data).")
def revoke(workspace, clip_id, reason) -> None:
    """Revoke a clip and every pack containing it (privacy reviewer or admin)."""
    from curation.cli._common import open_workspace
    from curation.review import revoke as revoke_clip

    packs = revoke_clip(open_workspace(workspace), clip_id, reason)
    click.echo(f"clip {clip_id}: revoked; packs revoked: {', '.join(packs) or 'none'}")


COMMANDS = [review_group]
