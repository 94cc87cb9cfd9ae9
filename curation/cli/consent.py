"""`curation consent`: consent records, decisions per clip, the policy, overrides, detection and scripts."""

from __future__ import annotations

import json
import sys

import click

from curation.cli._common import batch_options, workspace_option
from curation.vocabulary import CONSENT_DECISIONS, OVERRIDE_CLEAR  # an import-free module: --help stays fast


@click.group("consent")
def consent() -> None:
    """Consent and legal basis: per-call records, decisions per clip, policy, overrides, scripts.

    A call's record merges the manifest with what the transcript says (recording notice and its
    purposes, objections, special-category data, minors). The workspace policy (policy.toml) turns
    it into a decision per clip: training_allowed, reenactment_required or excluded, with reasons.
    """


def _echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _print_decision(d: dict, indent: str = "") -> None:
    over = d.get("override") or {}
    head = f"{indent}decision: {d['decision']}"
    if d.get("overridden"):
        head += f"  (overridden by {over['by']}; policy said {d['policy_decision']})"
    click.echo(head)
    if d.get("overridden"):
        click.echo(f"{indent}  override reason: {over['reason']}")
    elif d.get("lapsed_override"):
        click.echo(f"{indent}  an earlier override lapsed: the policy's decision changed since")
    for r in d["reasons"]:
        click.echo(f"{indent}  - [{r['rule']}] {r['nl']}")
        click.echo(f"{indent}    {r['en']}")


@consent.command("show")
@workspace_option
@click.option("--call", "call_id", required=True, help="Call id.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def show_command(workspace, call_id, fmt) -> None:
    """Print a call's consent record (with evidence quotes and times) and the decision with its reasons."""
    from curation.cli._common import open_workspace
    from curation.consent.analysis import call_consent

    data = call_consent(open_workspace(workspace), call_id)
    if fmt == "json":
        _echo_json(data)
        return
    click.echo(f"call {call_id}   (policy: {data['policy']['name']}, {data['policy']['digest']})")
    deleted = data.get("originals_deleted")
    if deleted:
        click.echo(f"  originals deleted:  {deleted['at']} ({deleted['reason']}"
                   + (f", request {deleted['request_id']})" if deleted["request_id"] else ")"))
    if data["record"] is None:
        _print_decision(data["decision"], "  ")
        for clip in data["clips"]:
            click.echo(f"clip {clip['clip_id']}: {clip['decision']}")
        return
    r = data["record"]
    ev = r["evidence"] or {}
    notice = "yes" if r["notice_played"] else ("no" if r["notice_played"] is False else "unknown")
    click.echo(f"  recording notice:   {notice} [{r['sources'].get('notice_played')}]"
               f"  purposes: {', '.join(r['notice_purposes']) or '-'}")
    if ev.get("notice"):
        click.echo(f"      “{ev['notice']['quote']}” ({ev['notice']['role'] or '?'}, {ev['notice']['time']} s)")
    click.echo(f"  legal basis:        {r['legal_basis']} [{r['sources'].get('legal_basis')}]")
    click.echo(f"  customer objected:  {'yes' if r['customer_objected'] else 'no'} [{r['sources'].get('customer_objected')}]")
    if ev.get("objection"):
        click.echo(f"      “{ev['objection']['quote']}” ({ev['objection']['role'] or '?'}, {ev['objection']['time']} s)")
    informed = {True: "yes", False: "no", None: "unknown"}[r["employee_informed"]]
    click.echo(f"  employee informed:  {informed} [{r['sources'].get('employee_informed')}]")
    flags = [k for k in ("secret_recording", "minor", "special_category") if r[k]]
    click.echo(f"  exclusion flags:    {', '.join(flags) or 'none'}"
               + (f" ({', '.join(r['special_categories'])})" if r["special_categories"] else ""))
    click.echo(f"  retention until:    {r['retention_until'] or 'unknown'} [{r['sources'].get('retention_until')}]")
    for c in r["conflicts"]:
        click.echo(f"  note: {c}")
    click.echo("call as a whole:")
    _print_decision(data["decision"], "  ")
    for clip in data["clips"]:
        click.echo(f"clip {clip['clip_id']}:")
        _print_decision(clip, "  ")


@consent.command("detect")
@click.option("--lang", "language", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--full", is_flag=True, help="Also print employee-informed, special-category and minor evidence.")
def detect_command(language, full) -> None:
    """Read transcript text on stdin; print one JSON object with the recording notice (found, purposes,
    quote) and the customer's objection (found, quote)."""
    from curation.consent.detect import detect

    result = detect(sys.stdin.read(), language)
    data = result.to_json()
    if full:
        data["evidence"] = result.evidence()
    click.echo(json.dumps(data, ensure_ascii=False))


@consent.command("analyse")
@workspace_option
@click.option("--call", "call_ids", multiple=True, help="Only this call (repeatable); default: every call.")
@batch_options
def analyse_command(workspace, call_ids, workers, scheduler, chunk_size, redo, progress) -> None:
    """Build and store the consent record of every call; re-decide their open clips.

    Runs on all local cores (or a Dask cluster with --scheduler) and stores the records in chunks;
    calls whose record was built from the same transcript, manifest, corrections and policy are
    skipped, so a batch that was interrupted continues where it stopped. Exit code 2 when a call
    failed (run again to retry it).
    """
    from curation.cli._common import batch_plan, open_workspace
    from curation.consent.analysis import analyse_consent

    s = analyse_consent(open_workspace(workspace), call_ids=list(call_ids) or None, redo=redo,
                        plan=batch_plan(workers, scheduler, chunk_size, progress))
    skipped = f"; {s.skipped} already up to date (skipped; --redo to analyse again)" if s.skipped else ""
    click.echo(f"analysed {s.calls} calls: {s.notices} with a recording notice, {s.objections} with an objection; "
               + ", ".join(f"{k} {v}" for k, v in s.decisions.items())
               + f"; {len(s.clips_changed)} clip decisions changed{skipped} [{s.where}, {s.seconds:.1f} s]")
    for cid, problem in s.failed:
        click.echo(f"failed   {cid}: {problem}", err=True)
    if s.failed:
        click.echo(f"{len(s.failed)} calls failed; run the same command again to retry them", err=True)
        sys.exit(2)


@consent.command("clip")
@workspace_option
@click.option("--clip", "clip_id", required=True, help="Clip id.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def clip_command(workspace, clip_id, fmt) -> None:
    """Decide a clip now, store the decision and print it with its reasons."""
    from curation.cli._common import open_workspace
    from curation.consent.decisions import evaluate_clip

    d = evaluate_clip(open_workspace(workspace), clip_id).to_json()
    _echo_json(d) if fmt == "json" else _print_decision(d)


@consent.command("override")
@workspace_option
@click.option("--clip", "clip_id", required=True, help="Clip id.")
@click.option("--decision", type=click.Choice([*CONSENT_DECISIONS, OVERRIDE_CLEAR]),
              required=True, help="The decision to set ('policy' withdraws an earlier override).")
@click.option("--reason", required=True, help="Why the policy's decision does not apply (kept and audited).")
def override_command(workspace, clip_id, decision, reason) -> None:
    """Privacy reviewer: override a clip's consent decision, with a mandatory reason."""
    from curation.cli._common import open_workspace
    from curation.consent.decisions import override_decision

    _print_decision(override_decision(open_workspace(workspace), clip_id, decision, reason).to_json())


@consent.group("policy")
def policy() -> None:
    """The consent policy: show, print the documented default, check, set, re-evaluate."""


@policy.command("show")
@workspace_option
def policy_show(workspace) -> None:
    """Print the workspace's policy (W/policy.toml, else the default)."""
    from curation.cli._common import open_workspace
    from curation.consent.policy import default_policy_text, workspace_policy

    p = workspace_policy(open_workspace(workspace))
    click.echo(f"# policy {p.name!r} digest {p.digest} from {p.source}")
    click.echo(p.text or default_policy_text(), nl=False)


@policy.command("default")
def policy_default() -> None:
    """Print the documented default policy (copy it, edit it, then `policy set`)."""
    from curation.consent.policy import default_policy_text

    click.echo(default_policy_text(), nl=False)


@policy.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def policy_check(path) -> None:
    """Check a policy file; prints its rules or the problem."""
    from curation.consent.policy import load_policy

    p = load_policy(path)
    click.echo(f"ok: {p.name!r} ({len(p.rules)} rules, default {p.default_decision}, digest {p.digest})")
    for r in p.rules:
        click.echo(f"  {r.id}: {r.decision} when {r.when}")


@policy.command("set")
@workspace_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def policy_set(workspace, path) -> None:
    """Make PATH the workspace's policy and re-evaluate every open clip (approved/packed clips keep theirs)."""
    from pathlib import Path

    from curation.cli._common import open_workspace
    from curation.consent.decisions import set_policy

    result = set_policy(open_workspace(workspace), Path(path).read_text(encoding="utf-8"), source=path)
    click.echo(f"policy {result['policy']!r} ({result['digest']}) in force; {len(result['changed'])} open clip "
               f"decisions changed, {result['frozen']} approved/packed clips kept their decision")
    for clip_id, (old, new) in sorted(result["changed"].items()):
        click.echo(f"  {clip_id}: {old or '-'} -> {new}")


@policy.command("reevaluate")
@workspace_option
def policy_reevaluate(workspace) -> None:
    """Re-decide every open clip under the current policy (after editing W/policy.toml by hand)."""
    from curation.cli._common import open_workspace
    from curation.consent.decisions import reevaluate_open_clips

    changed = reevaluate_open_clips(open_workspace(workspace))
    click.echo(f"{len(changed)} open clip decisions changed")
    for clip_id, (old, new) in sorted(changed.items()):
        click.echo(f"  {clip_id}: {old or '-'} -> {new}")


@consent.command("script")
@workspace_option
@click.option("--clip", "clip_id", required=True, help="Clip id.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="Folder for the script files.")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "both"]), default="both", show_default=True)
def script_command(workspace, clip_id, out, fmt) -> None:
    """Write the clip's actor re-enactment script (Medewerker/Klant, fictional data) as Markdown and/or HTML."""
    from curation.cli._common import open_workspace
    from curation.consent.reenactment import export_script

    formats = ("md", "html") if fmt == "both" else (fmt,)
    for path in export_script(open_workspace(workspace), clip_id, out, formats):
        click.echo(str(path))


COMMANDS = [consent]


@consent.command("evaluate")
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--show-misses", is_flag=True, help="List every call a detector got wrong.")
def evaluate_command(folders, fmt, show_misses) -> None:
    """Score consent detection against the ground truth of synthetic corpus FOLDERS
    (e.g. `curation corpus generate` output for seeds not used while tuning)."""
    from curation.consent.evaluate import evaluate

    result = evaluate(folders).to_json()
    if fmt == "json":
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(f"{result['calls']} calls")
    for name, s in result["detectors"].items():
        click.echo(f"  {name:<17} precision {s['precision']:.3f}  recall {s['recall']:.3f}  "
                   f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
    for name, s in result["purposes"].items():
        click.echo(f"  purpose {name:<18} precision {s['precision']:.3f}  recall {s['recall']:.3f}")
    click.echo(f"  purpose set exact: {result['purpose_set_exact']}   quote time inside the true span: "
               f"{result['quote_time_in_true_span']}")
    click.echo(f"  look-alike calls: {result['lookalike_calls']}, wrongly taken as objection: "
               f"{result['lookalike_false_objections']}")
    if show_misses:
        for m in result["misses"]:
            click.echo(f"  miss: {m['call_id']} {m['detector']}: {m['kind']}")


@consent.command("correct")
@workspace_option
@click.option("--call", "call_id", required=True, help="Call id.")
@click.option("--set", "sets", multiple=True, required=True, metavar="FIELD=VALUE",
              help="A corrected fact, e.g. legal_basis=contract, customer_objected=false, "
                   "notice_purposes='quality;training' (repeatable).")
@click.option("--reason", required=True, help="Why the record was wrong (kept and audited).")
def correct_command(workspace, call_id, sets, reason) -> None:
    """Privacy reviewer: correct facts of a call's consent record; its open clips are re-decided."""
    from curation.cli._common import open_workspace, parse_assignments
    from curation.consent.analysis import correct_record

    changes = parse_assignments(sets, "FIELD")
    record = correct_record(open_workspace(workspace), call_id, changes, reason)
    click.echo(f"call {call_id}: " + ", ".join(f"{k} = {getattr(record, k)}" for k in changes))
