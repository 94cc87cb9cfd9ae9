"""`curation difficulty`: analyse calls, show why a call is difficult, tag calls, edit weights, evaluate."""

from __future__ import annotations

import json
import sys

import click

from curation.cli._common import batch_options, emit_frame, format_option, parse_assignments, workspace_option


@click.group("difficulty")
def difficulty() -> None:
    """Find difficult calls: explainable signals, a 0-100 score with trainer weights, categories.

    Run `analyse` once after importing calls; `curation calls --difficult` then lists the
    difficult calls with their top reasons.
    """


def _weights_arg(weights_file, sets):
    from curation.difficulty.scoring import WeightsError

    overrides = parse_assignments(sets, "NAME")
    try:
        from curation.difficulty import Weights
        base = Weights.load(weights_file) if weights_file else None
        return base, overrides
    except WeightsError as exc:
        raise click.ClickException(str(exc)) from None


@difficulty.command("analyse")
@workspace_option
@click.option("--call", "call_ids", multiple=True, help="Only this call (repeatable); default: every call.")
@click.option("--weights", "weights_file", type=click.Path(exists=True, dir_okay=False),
              help="Weights file (TOML or JSON) on top of the workspace's saved weights (analyses every call again).")
@click.option("--no-audio", is_flag=True, help="Skip the loudness signals (faster; no audio is read).")
@batch_options
def analyse_command(workspace, call_ids, weights_file, no_audio, workers, scheduler, chunk_size, redo,
                    progress) -> None:
    """Compute and store difficulty signals, evidence and scores for the calls of a workspace.

    Runs on all local cores (or a Dask cluster with --scheduler) and stores the results in chunks;
    calls already analysed from the same recording and transcript are skipped, so a batch that was
    interrupted continues where it stopped. Exit code 2 when a call failed (run again to retry it).
    """
    from curation.cli._common import batch_plan, open_workspace
    from curation.difficulty.store import analyse_workspace

    ws = open_workspace(workspace)
    summary = analyse_workspace(ws, weights_file, call_ids=call_ids or None, use_audio=not no_audio, redo=redo,
                                plan=batch_plan(workers, scheduler, chunk_size, progress))
    skipped = f", {summary.skipped} already analysed (skipped; --redo to analyse again)" if summary.skipped else ""
    click.echo(f"analysed {summary.analysed} calls, {summary.difficult} difficult, {len(summary.failed)} failed"
               f"{skipped} [{summary.where}, {summary.seconds:.1f} s]")
    for cid, problem in summary.failed:
        click.echo(f"failed   {cid}: {problem}", err=True)
    noted = len(summary.notes)
    if noted:
        click.echo(f"{noted} calls with notes on signals that could not be computed (see `curation difficulty show`)")
    if summary.failed:
        click.echo(f"{len(summary.failed)} calls failed; run the same command again to retry them", err=True)
        sys.exit(2)


@difficulty.command("show")
@workspace_option
@click.option("--call", "call_id", required=True, help="Call id.")
@format_option
def show_command(workspace, call_id, fmt) -> None:
    """Why a call scored as it did: every signal with its strength, notes and evidence (quote, role, time)."""
    import pandas as pd

    from curation.cli._common import open_workspace
    from curation.difficulty.store import call_signals

    info = call_signals(open_workspace(workspace), call_id)
    if fmt == "json":
        click.echo(json.dumps(info, indent=2, ensure_ascii=False))
        return
    rows = [{"signal": s["name"], "strength": round(s["strength"], 2), "value": round(s["value"], 3),
             "available": s["available"], "note": s["note"],
             "evidence": " | ".join(f"{e['time']:.1f}s {e['role']}: {e['quote']}" for e in s["evidence"][:2])}
            for s in info["signals"]]
    if fmt == "table":
        click.echo(f"call {call_id}: score {info['score']:.1f}, categories: {', '.join(info['categories']) or '-'}")
        for note in info["notes"]:
            click.echo(f"note: {note}")
    emit_frame(pd.DataFrame(rows), fmt)


@difficulty.command("weights")
@workspace_option
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE",
              help="Change a weight: a signal name (0..1), difficult_threshold (0..100), "
                   "<category>.threshold or <category>.<signal>. Repeatable; saved in the workspace.")
@click.option("--file", "weights_file", type=click.Path(exists=True, dir_okay=False),
              help="Load and save every weight that differs from the defaults in this TOML/JSON file.")
@click.option("--reset", is_flag=True, help="Drop the workspace's saved weights (back to the defaults).")
@format_option
def weights_command(workspace, sets, weights_file, reset, fmt) -> None:
    """Show the effective difficulty weights, or change them for this workspace."""
    import pandas as pd

    from curation.cli._common import open_workspace
    from curation.difficulty.scoring import WeightsError
    from curation.difficulty.store import effective_weights
    from curation.difficulty.tags import reset_weights, save_weights

    ws = open_workspace(workspace)
    base, overrides = _weights_arg(weights_file, sets)
    try:
        if reset:
            reset_weights(ws)
        if base is not None or overrides:
            save_weights(ws, {**(base.diff() if base else {}), **overrides})
    except WeightsError as exc:
        raise click.ClickException(str(exc)) from None
    w = effective_weights(ws)
    if fmt == "json":
        click.echo(json.dumps(w.as_dict(), indent=2))
        return
    default = w.default()
    rows = [{"name": n, "value": v, "default": default.signals.get(n)} for n, v in w.signals.items()]
    rows.append({"name": "difficult_threshold", "value": w.difficult_threshold, "default": default.difficult_threshold})
    for c, cat in w.categories.items():
        rows.append({"name": f"{c}.threshold", "value": cat.threshold, "default": default.categories[c].threshold})
    emit_frame(pd.DataFrame(rows), fmt)


@difficulty.command("tag")
@workspace_option
@click.option("--call", "call_id", required=True, help="Call id.")
@click.option("--tag", "tags", multiple=True, help="Free tag to add (repeatable).")
@click.option("--topic", "topics", multiple=True, help="Learning topic to add, e.g. de-escalatie (repeatable).")
@click.option("--remove", is_flag=True, help="Remove the given tags/topics instead of adding them.")
@click.option("--new-topic", is_flag=True, help="Create a learning topic that is not in the list yet.")
def tag_command(workspace, call_id, tags, topics, remove, new_topic) -> None:
    """Add or remove trainer tags and learning topics on a call; prints the call's tags afterwards."""
    from curation.cli._common import open_workspace
    from curation.difficulty.tags import tag_call, tags_of

    if not tags and not topics:
        raise click.UsageError("give at least one --tag or --topic")
    ws = open_workspace(workspace)
    for kind, names in (("tag", tags), ("topic", topics)):
        for name in names:
            tag_call(ws, call_id, name, kind, remove=remove, create_topic=new_topic)
    current = tags_of(ws, call_id)
    click.echo(f"{call_id}: tags: {', '.join(current['tag']) or '-'}; learning topics: {', '.join(current['topic']) or '-'}")


@difficulty.command("topics")
@workspace_option
@click.option("--add", "add", default=None, help="Add a learning topic to the list.")
@click.option("--description", default="", help="Description of the topic being added.")
@format_option
def topics_command(workspace, add, description, fmt) -> None:
    """List the learning topics trainers can put on calls (or add one)."""
    import pandas as pd

    from curation.cli._common import open_workspace
    from curation.difficulty.tags import add_learning_topic, learning_topics_list

    ws = open_workspace(workspace)
    if add:
        add_learning_topic(ws, add, description)
    emit_frame(pd.DataFrame(learning_topics_list(ws), columns=["name", "description", "created_by", "created_at"])
               [["name", "description"]], fmt)


@difficulty.command("evaluate")
@click.option("--seeds", default="201,202,203", show_default=True, help="Corpus seeds (comma-separated), held out from tuning.")
@click.option("--calls", type=int, default=40, show_default=True, help="Calls per seed.")
@click.option("--corpus-dir", type=click.Path(file_okay=False), default=None,
              help="Keep (or reuse) the generated corpus here instead of a temporary folder.")
@click.option("--weights", "weights_file", type=click.Path(exists=True, dir_okay=False), help="Weights file to evaluate.")
@click.option("--no-audio", is_flag=True, help="Transcript signals only.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def evaluate_command(seeds, calls, corpus_dir, weights_file, no_audio, fmt) -> None:
    """ROC AUC and precision@10 (difficult vs routine) and per-category accuracy on the synthetic corpus."""
    from pathlib import Path

    from curation.difficulty import Weights
    from curation.difficulty.evaluate import evaluate

    try:
        seed_list = [int(s) for s in seeds.split(",") if s.strip()]
    except ValueError:
        raise click.BadParameter(f"{seeds!r}: expected comma-separated integers", param_hint="--seeds") from None
    weights = Weights.load(weights_file) if weights_file else None
    report = evaluate(seed_list, calls, weights, Path(corpus_dir) if corpus_dir else None, use_audio=not no_audio,
                      progress=lambda m: click.echo(m, err=True))
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        for line in report.lines():
            click.echo(line)


COMMANDS = [difficulty]
